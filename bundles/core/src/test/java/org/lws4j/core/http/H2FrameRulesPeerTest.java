package org.lws4j.core.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every HTTP/2 rule and limit of the server, on the wire, from an independent implementation:
 * Debian's python3-h2 ({@code h2peer/h2peer.py}) opens each connection with h2's client state
 * machine and writes the bad frames raw; the lines it prints are the frames the server sent.
 * The state machines themselves are tested in H2AbuseTest and H2StreamRulesTest; this is the
 * check that a real peer sees the right error codes, and that after each case a fresh
 * connection, driven by h2 alone with its strict validation, still gets its 200.
 */
@Timeout(120)
class H2FrameRulesPeerTest {
    @TempDir
    Path tmp;
    TestServer server;

    @BeforeEach
    void start() throws IOException {
        server = TestServer.start(TestServer.defaults(), TestServer.mounts(TestServer.writeSite(tmp), "dyn"));
        server.ctx.addProtocol("dyn", new TestProtocols.Echo(), 0, 1L);
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private PythonH2Peer.Lines run(String caseName) throws Exception {
        return PythonH2Peer.run(server.port, caseName);
    }

    /** A new connection after the case: h2 with its own validation gets the file. */
    private void assertStillServes() throws Exception {
        PythonH2Peer.Lines l = run("get");
        l.assertInOrder("RESPONSE 1 200", "BODY 1 '" + TestServer.HELLO.replace("\n", "\\n") + "'");
    }

    @Test
    void aWellBehavedClientSeesOurSettings() throws Exception {
        assertStillServes();
        PythonH2Peer.Lines l = run("priority"); // any raw case prints the SETTINGS
        l.assertInOrder("SETTINGS ENABLE_PUSH=0,MAX_CONCURRENT_STREAMS=100,MAX_HEADER_LIST_SIZE=16384,"
                + "ENABLE_CONNECT_PROTOCOL=1", "SETTINGS ack");
    }

    @Test
    void theStreamPastTheLimitIsRefused() throws Exception {
        PythonH2Peer.Lines l = run("streams");
        // 100 requests wait for their bodies; the 101st (stream 201) is refused, the others go on
        l.assertInOrder("RST_STREAM 201 REFUSED_STREAM", "HEADERS 1 :status=200", "DATA 1 ", "HEADERS 203 :status=200",
                "DATA 203 14 end");
        l.assertNone("GOAWAY");
        assertStillServes();
    }

    @Test
    void anHpackBombGets431AndTheConnectionGoesOn() throws Exception {
        PythonH2Peer.Lines l = run("hpack-bomb");
        // RFC 9113 10.5.1: a header section over the limit may be answered 431; the block is still
        // decoded, so the HPACK table stays in step and stream 5 can refer to it
        l.assertInOrder("HEADERS 1 :status=200", "HEADERS 3 :status=431 end", "HEADERS 5 :status=200", "DATA 5 14 end",
                "OTHER", "SETTINGS ack", "HEADERS 1 :status=200", "DATA 1 14 end"); // a connection open beside it
        l.assertNone("GOAWAY");
        assertStillServes();
    }

    @Test
    void aHeaderListOverTheLimitGets431() throws Exception {
        PythonH2Peer.Lines l = run("big-header");
        l.assertInOrder("HEADERS 1 :status=431 end", "HEADERS 3 :status=200", "DATA 3 14 end");
        l.assertNone("GOAWAY");
        assertStillServes();
    }

    @Test
    void continuationFloodsEndTheConnection() throws Exception {
        run("continuation-flood").assertInOrder("GOAWAY 0 ENHANCE_YOUR_CALM", "EOF");
        run("empty-continuation-flood").assertInOrder("GOAWAY 0 ENHANCE_YOUR_CALM", "EOF");
        assertStillServes();
    }

    @Test
    void emptyFrameFloodsEndTheConnection() throws Exception {
        PythonH2Peer.Lines data = run("empty-data-flood");
        data.assertInOrder("GOAWAY 1 ENHANCE_YOUR_CALM", "EOF");
        data.assertNone("HEADERS");
        // empty field blocks are malformed requests: each stream is reset, and the resets run out
        PythonH2Peer.Lines headers = run("empty-headers-flood");
        headers.assertInOrder("RST_STREAM 1 PROTOCOL_ERROR", "GOAWAY ", "EOF");
        assertTrue(headers.lines().get(headers.indexOf("GOAWAY ")).endsWith(" ENHANCE_YOUR_CALM"), headers.toString());
        long resets = headers.lines().stream().filter(s -> s.startsWith("RST_STREAM ")).count();
        assertTrue(resets > 100 && resets < 1000, "resets before the GOAWAY: " + resets);
        assertStillServes();
    }

    @Test
    void rapidResetGetsGoAwayEnhanceYourCalm() throws Exception {
        PythonH2Peer.Lines l = run("rapid-reset");
        l.assertInOrder("GOAWAY ", "EOF");
        String goAway = l.lines().get(l.indexOf("GOAWAY "));
        assertTrue(goAway.endsWith(" ENHANCE_YOUR_CALM"), l.toString());
        int last = Integer.parseInt(goAway.split(" ")[1]);
        assertTrue(last < 1999, "the GOAWAY came before all 1000 streams were reset: " + goAway);
        assertStillServes();
    }

    @Test
    void settingsAndPingFloodsEndTheConnection() throws Exception {
        PythonH2Peer.Lines settings = run("settings-flood");
        settings.assertInOrder("SETTINGS ack", "GOAWAY 0 ENHANCE_YOUR_CALM", "EOF");
        PythonH2Peer.Lines ping = run("ping-flood");
        ping.assertInOrder("PING ack", "GOAWAY 0 ENHANCE_YOUR_CALM", "EOF");
        assertStillServes();
    }

    @Test
    void invalidPseudoHeadersAreStreamErrors() throws Exception {
        PythonH2Peer.Lines l = run("pseudo");
        for (int sid = 1; sid <= 17; sid += 2) {
            l.indexOf("RST_STREAM " + sid + " PROTOCOL_ERROR");
        }
        l.assertInOrder("RST_STREAM 17 PROTOCOL_ERROR", "HEADERS 19 :status=200", "DATA 19 14 end");
        l.assertNone("GOAWAY");
        assertStillServes();
    }

    @Test
    void connectionSpecificFieldsAreStreamErrors() throws Exception {
        PythonH2Peer.Lines l = run("connection-headers");
        // connection, keep-alive, proxy-connection, transfer-encoding, upgrade, te: gzip
        for (int sid = 1; sid <= 11; sid += 2) {
            l.indexOf("RST_STREAM " + sid + " PROTOCOL_ERROR");
        }
        l.assertInOrder("HEADERS 13 :status=200", "DATA 13 14 end"); // te: trailers
        l.assertNone("GOAWAY");
        assertStillServes();
    }

    @Test
    void framesOnClosedStreams() throws Exception {
        PythonH2Peer.Lines l = run("closed-stream");
        // DATA on a half-closed (remote) stream: a stream error; more on the stream we reset:
        // ignored; HEADERS on a stream both sides closed: a connection error
        l.assertInOrder("HEADERS 1 :status=200", "RST_STREAM 1 STREAM_CLOSED", "HEADERS 3 :status=200", "DATA 3 14 end",
                "GOAWAY 3 STREAM_CLOSED", "EOF");
        assertEquals(1, l.lines().stream().filter(s -> s.startsWith("RST_STREAM")).count(), l.toString());
        assertStillServes();
    }

    @Test
    void flowControlErrors() throws Exception {
        PythonH2Peer.Lines l = run("flow");
        l.assertInOrder("RST_STREAM 1 PROTOCOL_ERROR", "RST_STREAM 3 FLOW_CONTROL_ERROR", "HEADERS 5 :status=200",
                "DATA 5 14 end", "GOAWAY 5 PROTOCOL_ERROR", "EOF");
        run("flow-overflow").assertInOrder("GOAWAY 0 FLOW_CONTROL_ERROR", "EOF");
        assertStillServes();
    }

    @Test
    void priorityIsAcceptedAndIgnored() throws Exception {
        PythonH2Peer.Lines l = run("priority");
        l.assertInOrder("HEADERS 1 :status=200", "DATA 1 14 end", "HEADERS 7 :status=200", "DATA 7 14 end",
                "RST_STREAM 9 PROTOCOL_ERROR", "HEADERS 11 :status=200", "DATA 11 14 end");
        assertEquals(1, l.lines().stream().filter(s -> s.startsWith("RST_STREAM")).count(), l.toString());
        l.assertNone("GOAWAY");
        assertStillServes();
    }

    @Test
    void aPeerThatNeverOpensItsWindowIsTimedOut() throws Exception {
        PythonH2Peer.Lines l = run("stall");
        // the response's head goes, its body cannot. The stream's file exchange, done on its
        // side, waits for its flush as long as any closing connection does (10 s, before H2's
        // own 30-s stall check), then gives up: the stream is reset INTERNAL_ERROR (headers were
        // sent, the body was cut), and the connection, idle then, goes away after the keep-alive
        l.assertInOrder("HEADERS 1 :status=200", "RST_STREAM 1 INTERNAL_ERROR", "GOAWAY 1 NO_ERROR", "EOF");
        l.assertNone("DATA 1");
        assertStillServes();
    }
}
