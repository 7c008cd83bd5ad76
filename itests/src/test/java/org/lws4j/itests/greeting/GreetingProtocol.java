package org.lws4j.itests.greeting;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

import org.lws4j.api.Connection;
import org.lws4j.api.HttpResponse;
import org.lws4j.api.Protocol;
import org.lws4j.api.Reason;
import org.lws4j.api.Result;

/**
 * Test fixture: the protocol behind the {@code callback://test-greeting} mount. It answers every
 * HTTP request with {@code hello from <version>}, the version coming from its bundle's
 * {@code Greeting-Version} header, so the v1 and v2 jars of this same class answer differently.
 *
 * <p>Packed into a bundle of its own at test time (see {@code Setup}); it is kept out of the test
 * probe so that no class of this package is ever wired from anywhere else.
 */
public final class GreetingProtocol implements Protocol {
    private final String version;

    public GreetingProtocol(String version) {
        this.version = version;
    }

    @Override
    public Result callback(Connection wsi, Reason reason, ByteBuffer in) {
        if (reason == Reason.HTTP) {
            wsi.respond(HttpResponse.of(200).contentType("text/plain"),
                    ByteBuffer.wrap(("hello from " + version).getBytes(StandardCharsets.UTF_8)));
        }
        return Result.CONTINUE;
    }

    @Override
    public String toString() {
        return "GreetingProtocol[" + version + "]";
    }
}
