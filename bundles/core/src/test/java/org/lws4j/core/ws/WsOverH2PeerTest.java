package org.lws4j.core.ws;

import java.io.IOException;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.lws4j.core.http.PythonH2Peer;

/**
 * RFC 8441 from Debian's python3-h2: h2's own client state machine opens a WebSocket with an
 * extended CONNECT (it sends :protocol only because our SETTINGS enable it) and echoes a frame;
 * raw frames check that :protocol outside an extended CONNECT, or one without :path and
 * :scheme, is a malformed request.
 */
@Timeout(60)
class WsOverH2PeerTest {
    private static WsTestServer big;

    @BeforeAll
    static void start() throws IOException {
        big = WsTestServer.startBig();
    }

    @AfterAll
    static void stop() {
        if (big != null) {
            big.close();
        }
    }

    @Test
    void h2sStateMachineOpensAWebSocketAndEchoes() throws Exception {
        PythonH2Peer.run(big.port, "ws-h2").assertInOrder("ENABLE_CONNECT_PROTOCOL=1", "RESPONSE 1 200",
                "ECHO 1 binary=True", "ENDED 1", "DONE");
    }

    @Test
    void extendedConnectRules() throws Exception {
        PythonH2Peer.Lines l = PythonH2Peer.run(big.port, "ws");
        l.assertInOrder("SETTINGS ", "HEADERS 1 :status=200 sec-websocket-protocol=echo", "WS 1 opcode=1 text=hello over h2 from python");
        l.indexOf("RST_STREAM 3 PROTOCOL_ERROR"); // :protocol on a GET
        l.indexOf("RST_STREAM 5 PROTOCOL_ERROR"); // an extended CONNECT without :path and :scheme
        l.assertInOrder("WS 1 opcode=1", "WS 1 opcode=8 code=1000", "DONE");
        l.assertNone("GOAWAY");
    }
}
