package org.lws4j.itests;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotEquals;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertTrue;

import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Set;

import javax.inject.Inject;

import org.junit.Before;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.RuleChain;
import org.junit.rules.TestRule;
import org.junit.runner.RunWith;
import org.lws4j.itests.support.Bundles;
import org.lws4j.itests.support.CoreLog;
import org.lws4j.itests.support.Http;
import org.lws4j.itests.support.Setup;
import org.lws4j.itests.support.Site;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.ProbeBuilder;
import org.ops4j.pax.exam.TestProbeBuilder;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerMethod;
import org.osgi.framework.BundleContext;

/**
 * The {@code file://} mount at {@code /}, over real sockets on 127.0.0.1: the default document,
 * a 200 KiB file byte for byte, keep-alive, 404, dot-segment traversal, HEAD.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerMethod.class)
public class StaticFileIT {
    @Inject
    private BundleContext context;

    /** Bundle states on failure; fails a test during which the core logged an error. */
    @Rule
    public final TestRule rules = RuleChain.outerRule(Bundles.reportOnFailure(() -> context))
            .around(new CoreLog(() -> context));

    private int port;

    @Configuration
    public Option[] config() {
        return Setup.options();
    }

    @ProbeBuilder
    public TestProbeBuilder probe(TestProbeBuilder probe) {
        return Setup.probe(probe);
    }

    @Before
    public void serverIsUp() throws Exception {
        port = Integer.parseInt(context.getProperty(Site.PORT));
        Http.awaitListening(port, Http.STARTUP_WAIT);
    }

    @Test
    public void rootServesIndexHtml() throws Exception {
        HttpResponse<byte[]> r = Http.get(Http.client(), port, "/");
        assertEquals("status of GET /", 200, r.statusCode());
        String type = r.headers().firstValue("content-type").orElse(null);
        assertNotNull("Content-Type of GET /", type);
        assertTrue("Content-Type of GET / is " + type, type.startsWith("text/html"));
        assertEquals(Site.INDEX_TEXT, new String(r.body(), StandardCharsets.UTF_8));
    }

    @Test
    public void bigFileArrivesByteForByte() throws Exception {
        HttpResponse<byte[]> r = Http.get(Http.client(), port, "/" + Site.BIG_NAME);
        assertEquals("status of GET /" + Site.BIG_NAME, 200, r.statusCode());
        assertEquals("Content-Length", String.valueOf(Site.BIG_SIZE),
                r.headers().firstValue("content-length").orElse("(none)"));
        assertEquals("body length", Site.BIG_SIZE, r.body().length);
        assertArrayEquals(Site.big(), r.body());
    }

    @Test
    public void keepAliveConnectionServesTwoRequests() throws Exception {
        try (Http.Raw raw = Http.Raw.open(port)) {
            Http.Response first = raw.request("GET", "/");
            assertEquals("first response: " + first, 200, first.status());
            assertArrayEquals(Site.index(), first.body());
            assertFalse("first response closes the connection: " + first,
                    "close".equalsIgnoreCase(String.valueOf(first.header("connection"))));

            Http.Response second = raw.request("GET", "/" + Site.BIG_NAME);
            assertEquals("second response on the same connection: " + second, 200, second.status());
            assertEquals(String.valueOf(Site.BIG_SIZE), second.header("content-length"));
            assertArrayEquals(Site.big(), second.body());
        }
    }

    @Test
    public void missingFileIs404() throws Exception {
        HttpResponse<byte[]> r = Http.get(Http.client(), port, "/no-such-file.txt");
        assertEquals("status of GET /no-such-file.txt", 404, r.statusCode());
    }

    @Test
    public void dotDotOutOfTheMountIsRefused() throws Exception {
        try (Http.Raw raw = Http.Raw.open(port)) {
            raw.send("GET /../etc/passwd HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\nConnection: close\r\n\r\n");
            Http.Response r = raw.read(false);
            assertTrue("GET /../etc/passwd must answer 403 or 400, got " + r, Set.of(400, 403).contains(r.status()));
            assertFalse("served /etc/passwd: " + r, r.bodyText().contains("root:"));
        }
    }

    @Test
    public void encodedDotDotOutOfTheMountIsRefused() throws Exception {
        for (String target : new String[] {"/%2e%2e/etc/passwd", "/..%2fetc%2fpasswd", "/%2E%2E%2F%2E%2E%2Fetc/passwd"}) {
            try (Http.Raw raw = Http.Raw.open(port)) {
                raw.send("GET " + target + " HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\nConnection: close\r\n\r\n");
                Http.Response r = raw.read(false);
                assertNotEquals("GET " + target + " answered " + r, 200, r.status());
                assertTrue("GET " + target + " must answer 400, 403 or 404, got " + r,
                        Set.of(400, 403, 404).contains(r.status()));
                assertFalse("served /etc/passwd: " + r, r.bodyText().contains("root:"));
            }
        }
    }

    @Test
    public void headSendsHeadersAndNoBody() throws Exception {
        try (Http.Raw raw = Http.Raw.open(port)) {
            raw.send("HEAD / HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\nConnection: close\r\n\r\n");
            Http.Response r = raw.read(true);
            assertEquals("status of HEAD /: " + r, 200, r.status());
            String type = r.header("content-type");
            assertTrue("Content-Type of HEAD / is " + type, type != null && type.startsWith("text/html"));
            String length = r.header("content-length");
            if (length != null) {
                assertEquals("Content-Length of HEAD /", String.valueOf(Site.index().length), length);
            }
            byte[] after = raw.drain(1500);
            assertEquals("bytes after the HEAD response headers: '"
                    + new String(after, StandardCharsets.ISO_8859_1) + "'", 0, after.length);
        }
    }
}
