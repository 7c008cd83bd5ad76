package org.lws4j.core.http;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lws4j.api.Connection;
import org.lws4j.api.Handoff;
import org.lws4j.api.HandoffState;
import org.lws4j.api.HttpResponse;
import org.lws4j.api.Protocol;
import org.lws4j.api.Reason;
import org.lws4j.api.Result;
import org.lws4j.core.config.ContextConfig;

/**
 * An HTTP request for a protocol parked over an update waits for its next version instead of a
 * 503, its body unread until then; with no next version in time, the 503 comes.
 */
class HttpHandoffSocketTest {
    @TempDir
    Path tmp;
    private TestServer server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    /** Answers "VERSION got N bytes" once the request body is in. */
    static final class Sizer implements Protocol, Handoff {
        final String version;

        Sizer(String version) {
            this.version = version;
        }

        @Override
        public Object newSession(Connection wsi) {
            return new long[1];
        }

        @Override
        public Result callback(Connection wsi, Reason reason, ByteBuffer in) {
            long[] n = wsi.session();
            if (reason == Reason.HTTP_BODY) {
                n[0] += in.remaining();
            } else if (reason == Reason.HTTP_BODY_COMPLETION || reason == Reason.HTTP && wsi.request().contentLength() <= 0) {
                wsi.respond(HttpResponse.of(200).contentType("text/plain"),
                        ByteBuffer.wrap((version + " got " + n[0] + " bytes").getBytes(StandardCharsets.UTF_8)));
            }
            return Result.CONTINUE;
        }

        @Override
        public HandoffState exportSession(Connection wsi) {
            return null;
        }

        @Override
        public boolean importSession(Connection wsi, HandoffState state) {
            return true;
        }
    }

    private void start(long graceMillis) throws IOException {
        ContextConfig cfg = TestServer.config(5, 8192, 8, 1 << 20, 0)
                .withOptions(Map.of(ContextConfig.HANDOFF_GRACE_MS, Long.toString(graceMillis)));
        server = TestServer.start(cfg, TestServer.mounts(TestServer.writeSite(tmp), "sizer"));
    }

    @Test
    void aRequestWaitsForTheNextVersionWithItsBody() throws Exception {
        start(60_000);
        Sizer v1 = new Sizer("v1");
        server.ctx.addProtocol("sizer", v1, 0, 1);
        try (RawClient c = server.client()) {
            assertEquals("v1 got 0 bytes", c.get("/sizer").text());
            server.ctx.removeProtocol("sizer", v1);
            String body = "x".repeat(3000);
            String head = "POST /sizer HTTP/1.1\r\nHost: localhost\r\nContent-Length: " + body.length() + "\r\n\r\n";
            long before = server.onLoop(t -> TestServer.bytesRead(t, c));
            c.send(head + body);
            // read and routed with no protocol bound: without handoff this would be a 503 now
            server.awaitOnLoop("the request read", t -> TestServer.bytesRead(t, c) >= before + head.length());
            server.ctx.addProtocol("sizer", new Sizer("v2"), 0, 2);
            RawClient.Response r = c.read();
            assertEquals(200, r.status(), r.toString());
            assertEquals("v2 got 3000 bytes", r.text(), "served by the next version, the whole body");
        }
    }

    @Test
    void withoutTheNextVersionInTimeTheRequestGets503() throws Exception {
        start(200);
        Sizer v1 = new Sizer("v1");
        server.ctx.addProtocol("sizer", v1, 0, 1);
        server.ctx.removeProtocol("sizer", v1);
        try (RawClient c = server.client()) {
            RawClient.Response r = c.get("/sizer");
            assertEquals(503, r.status(), r.toString());
        }
    }
}
