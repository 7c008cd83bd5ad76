package org.lws4j.core.ws;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.lws4j.api.LogLevel;
import org.lws4j.api.Protocol;
import org.lws4j.api.Result;
import org.lws4j.core.config.ContextConfig;
import org.lws4j.core.config.VhostConfig;
import org.lws4j.core.context.ContextImpl;
import org.lws4j.core.http.RequestHead;
import org.lws4j.core.http.RequestHeadParser;
import org.lws4j.core.log.LogImpl;
import org.lws4j.core.vhost.VhostImpl;

/**
 * The server side of the opening handshake on request heads as the HTTP parser makes them: the
 * accept key, protocol choice, and the status of each bad request. The vhost is real (a context
 * with no listener) offering "chat" and "superchat" (bound) and "later" (offered, not bound).
 */
class WsUpgradeTest {
    private static final String RFC_KEY = "dGhlIHNhbXBsZSBub25jZQ==";
    private static final String RFC_ACCEPT = "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=";

    private static ContextImpl ctx;
    private static VhostImpl vhost;

    @BeforeAll
    static void context() throws Exception {
        ContextConfig cfg = new ContextConfig(1, "lws4j-test", 5, 0, 0, 0, 4096, 8, 1 << 20,
                LogLevel.ERR.bit() | LogLevel.WARN.bit(), 0, 0);
        ctx = new ContextImpl(cfg, new LogImpl(cfg.logLevel()));
        ctx.start();
        Map<String, Map<String, String>> protocols = new LinkedHashMap<>();
        protocols.put("chat", Map.of());
        protocols.put("superchat", Map.of());
        protocols.put("later", Map.of());
        // port 0: a vhost without a listener; the handshake logic needs no socket
        vhost = ctx.addVhost(new VhostConfig("test", "localhost", 0, null, 5, List.of(), protocols, Map.of(), Map.of()));
        assertNotNull(vhost, "vhost");
        Protocol p = (wsi, reason, in) -> Result.CONTINUE;
        ctx.addProtocol("chat", p, 0, 1);
        ctx.addProtocol("superchat", (wsi, reason, in) -> Result.CONTINUE, 0, 2);
    }

    @AfterAll
    static void stop() {
        ctx.stop();
    }

    /** Parses {@code text} fed in random pieces, as reads would bring it. */
    static RequestHead head(String text) {
        byte[] b = text.getBytes(StandardCharsets.ISO_8859_1);
        RequestHeadParser p = new RequestHeadParser();
        p.begin(new byte[4096]);
        Random rnd = new Random(text.hashCode());
        int pos = 0;
        while (pos < b.length) {
            int n = Math.min(b.length - pos, 1 + rnd.nextInt(40));
            ByteBuffer in = ByteBuffer.wrap(b, pos, n);
            RequestHeadParser.Status st = p.feed(in);
            pos = in.position();
            if (st == RequestHeadParser.Status.DONE) {
                return p.head();
            }
            assertEquals(RequestHeadParser.Status.NEED_MORE, st, "the head parser refused: " + p.errorMessage());
        }
        throw new AssertionError("head not complete: " + text);
    }

    /** An RFC 6455 section 1.3 opening handshake with {@code extra} header lines (CRLF each). */
    static String request(String method, String version, String key, String wsVersion, String extra) {
        StringBuilder b = new StringBuilder();
        b.append(method).append(" /chat HTTP/").append(version).append("\r\n");
        b.append("Host: server.example.com\r\n");
        b.append("Upgrade: websocket\r\n");
        b.append("Connection: Upgrade\r\n");
        if (key != null) {
            b.append("Sec-WebSocket-Key: ").append(key).append("\r\n");
        }
        b.append("Origin: http://example.com\r\n");
        if (wsVersion != null) {
            b.append("Sec-WebSocket-Version: ").append(wsVersion).append("\r\n");
        }
        b.append(extra);
        return b.append("\r\n").toString();
    }

    static String rfcRequest(String extra) {
        return request("GET", "1.1", RFC_KEY, "13", extra);
    }

    static WsUpgrade.Decision decide(String text) {
        RequestHead h = head(text);
        assertTrue(WsUpgrade.isUpgrade(h), "Upgrade: websocket");
        return WsUpgrade.decide(h, vhost, ctx);
    }

    @Test
    void acceptKeyOfTheRfcExample() {
        assertEquals(RFC_ACCEPT, WsUpgrade.accept(RFC_KEY));
        WsUpgrade.Decision d = decide(rfcRequest("Sec-WebSocket-Protocol: chat, superchat\r\n"));
        assertEquals(101, d.status(), d.message());
        assertTrue(d.accepted());
        assertEquals(RFC_ACCEPT, d.accept());
        assertEquals("chat", d.binding().name(), "the client's first name the vhost has bound");
        String resp = StandardCharsets.ISO_8859_1.decode(WsUpgrade.response(d, null)).toString();
        assertTrue(resp.startsWith("HTTP/1.1 101 Switching Protocols\r\n"), resp);
        assertTrue(resp.contains("\r\nSec-WebSocket-Accept: " + RFC_ACCEPT + "\r\n"), resp);
        assertTrue(resp.contains("\r\nUpgrade: websocket\r\n"), resp);
        assertTrue(resp.contains("\r\nConnection: Upgrade\r\n"), resp);
        assertTrue(resp.contains("\r\nSec-WebSocket-Protocol: chat\r\n"), resp);
        assertFalse(resp.contains("Sec-WebSocket-Extensions"), resp);
        assertTrue(resp.endsWith("\r\n\r\n"), resp);
    }

    @Test
    void noProtocolHeaderTakesTheDefaultAndAnswersWithout() {
        WsUpgrade.Decision d = decide(rfcRequest(""));
        assertEquals(101, d.status(), d.message());
        assertEquals("chat", d.binding().name(), "the vhost's first protocol");
        assertFalse(d.clientNamedIt());
        String resp = StandardCharsets.ISO_8859_1.decode(WsUpgrade.response(d, null)).toString();
        assertFalse(resp.toLowerCase().contains("sec-websocket-protocol"), "not asked, not answered: " + resp);
    }

    @Test
    void clientOrderAndUnknownNamesSkipped() {
        WsUpgrade.Decision d = decide(rfcRequest("Sec-WebSocket-Protocol: nope, superchat\r\nSec-WebSocket-Protocol: chat\r\n"));
        assertEquals(101, d.status(), d.message());
        assertEquals("superchat", d.binding().name());
        assertTrue(d.clientNamedIt());
    }

    @Test
    void headerNamesAndTokensAreCaseInsensitive() {
        String text = "GET /chat HTTP/1.1\r\nhost: x\r\nUPGRADE: WebSocket\r\nconnection: keep-alive, UPGRADE\r\n"
                + "sec-websocket-key: " + RFC_KEY + "\r\nSEC-WEBSOCKET-VERSION: 13\r\n\r\n";
        WsUpgrade.Decision d = decide(text);
        assertEquals(101, d.status(), d.message());
        assertEquals(RFC_ACCEPT, d.accept());
    }

    @Test
    void notAnUpgrade() {
        assertFalse(WsUpgrade.isUpgrade(head("GET / HTTP/1.1\r\nHost: x\r\n\r\n")));
        assertFalse(WsUpgrade.isUpgrade(head("GET / HTTP/1.1\r\nHost: x\r\nUpgrade: h2c\r\nConnection: Upgrade\r\n\r\n")));
    }

    @Test
    void missingKeyIs400() {
        WsUpgrade.Decision d = decide(request("GET", "1.1", null, "13", ""));
        assertEquals(400, d.status(), d.message());
        assertFalse(d.accepted());
        assertNull(d.binding());
    }

    @ParameterizedTest(name = "key \"{0}\"")
    @ValueSource(strings = {"", "not base64!", "dGhlIHNhbXBsZSBub25j", "dGhlIHNhbXBsZSBub25jZQ", "AAAAAAAAAAAAAAAAAAAA",
        "AAAAAAAAAAAAAAAAAAAAAAAA", "dGhlIHNhbXBsZSBub25jZQ==dGhl", "dGhlIHNhbXBsZSBub25jZQ=="
            + "dGhlIHNhbXBsZSBub25jZQ=="})
    void malformedKeyIs400(String key) {
        WsUpgrade.Decision d = decide(request("GET", "1.1", key, "13", ""));
        assertEquals(400, d.status(), "key '" + key + "': " + d.message());
    }

    @Test
    void twoKeysAre400() {
        WsUpgrade.Decision d = decide(rfcRequest("Sec-WebSocket-Key: " + RFC_KEY + "\r\n"));
        assertEquals(400, d.status(), d.message());
    }

    @ParameterizedTest(name = "version {0}")
    @ValueSource(strings = {"8", "12", "14", "0", "13x", "1.3", "7, 8"})
    void versionOtherThan13Is426(String version) {
        WsUpgrade.Decision d = decide(request("GET", "1.1", RFC_KEY, version, ""));
        assertEquals(426, d.status(), "version " + version + ": " + d.message());
    }

    @Test
    void missingVersionIsRefused() {
        WsUpgrade.Decision d = decide(request("GET", "1.1", RFC_KEY, null, ""));
        assertFalse(d.accepted());
        assertTrue(d.status() == 400 || d.status() == 426, "status " + d.status());
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"POST", "PUT", "HEAD", "OPTIONS", "DELETE"})
    void methodOtherThanGetIs400(String method) {
        WsUpgrade.Decision d = decide(request(method, "1.1", RFC_KEY, "13", ""));
        assertEquals(400, d.status(), method + ": " + d.message());
    }

    @Test
    void postWithABodyIs400() {
        WsUpgrade.Decision d = decide(request("POST", "1.1", RFC_KEY, "13", "Content-Length: 5\r\n"));
        assertEquals(400, d.status(), d.message());
    }

    @Test
    void getWithABodyIs400() {
        assertEquals(400, decide(rfcRequest("Content-Length: 3\r\n")).status());
        assertEquals(400, decide(rfcRequest("Transfer-Encoding: chunked\r\n")).status());
    }

    @Test
    void http10Is400() {
        WsUpgrade.Decision d = decide(request("GET", "1.0", RFC_KEY, "13", ""));
        assertEquals(400, d.status(), d.message());
    }

    @Test
    void withoutConnectionUpgradeIs400() {
        String text = "GET /chat HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: keep-alive\r\n"
                + "Sec-WebSocket-Key: " + RFC_KEY + "\r\nSec-WebSocket-Version: 13\r\n\r\n";
        assertEquals(400, decide(text).status());
    }

    @Test
    void protocolNotOfferedIs400() {
        WsUpgrade.Decision d = decide(rfcRequest("Sec-WebSocket-Protocol: nope, other\r\n"));
        assertEquals(400, d.status(), d.message());
    }

    @Test
    void protocolOfferedButNotBoundIs503() {
        WsUpgrade.Decision d = decide(rfcRequest("Sec-WebSocket-Protocol: later\r\n"));
        assertEquals(503, d.status(), d.message());
        // a bound name later in the list still wins
        assertEquals(101, decide(rfcRequest("Sec-WebSocket-Protocol: later, superchat\r\n")).status());
    }
}
