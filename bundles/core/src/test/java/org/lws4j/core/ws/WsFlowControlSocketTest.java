package org.lws4j.core.ws;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.lws4j.core.ws.Frames.frame;
import static org.lws4j.core.ws.Frames.utf8;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.lws4j.api.Connection;
import org.lws4j.api.Reason;
import org.lws4j.api.WriteMode;
import org.lws4j.core.ws.TestProtocol.Event;

/**
 * Where the protocol may act on its connection: rxFlowControl(false) stops RECEIVE until it is
 * resumed (by the test, once the rest has been sent) and loses nothing that arrived meanwhile; write, requestWriteable and rxFlowControl
 * throw outside SERVER_WRITEABLE or off the connection's service thread.
 */
class WsFlowControlSocketTest {
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
    void rxFlowControlStopsReceivesUntilResumedAndLosesNothing() throws Exception {
        TestProtocol p = big.protocol("flow");
        String tag = WsTestClient.newTag();
        try (WsTestClient c = WsTestClient.open(big.port, tag, "flow")) {
            List<byte[]> sent = new ArrayList<>();
            ByteArrayOutputStream burst = new ByteArrayOutputStream();
            for (int i = 0; i < 20; i++) {
                byte[] m = new byte[100];
                Arrays.fill(m, (byte) i);
                sent.add(m);
                burst.writeBytes(frame(true, 0, FrameHeader.OP_BINARY, m));
            }
            c.write(burst.toByteArray()); // one read: 19 messages wait behind the one that pauses
            assertEquals(1, p.await(tag, Reason.RECEIVE, 1).size(), "the first message, which pauses rx");
            ByteArrayOutputStream later = new ByteArrayOutputStream();
            for (int i = 20; i < 40; i++) {
                byte[] m = new byte[100 + i];
                Arrays.fill(m, (byte) i);
                sent.add(m);
                later.writeBytes(frame(true, 0, FrameHeader.OP_BINARY, m));
            }
            c.writePieces(later.toByteArray(), 57, 1000, 2001); // arrives while paused
            assertEquals(1, p.events(tag, Reason.RECEIVE).size(), "RECEIVE while rx is off");
            p.resume(tag);
            for (int i = 0; i < sent.size(); i++) {
                assertArrayEquals(sent.get(i), c.readMessage().data(), "echo of message " + i);
            }
            List<Event> rx = p.await(tag, Reason.RECEIVE, 40);
            assertEquals(40, rx.size());
            for (Event e : rx) {
                assertFalse(e.paused(), "RECEIVE while rx was off: " + e);
            }
            long resumedAt = p.resumed.get(tag);
            assertTrue(rx.get(1).nanos() >= resumedAt, "the second RECEIVE came "
                    + (resumedAt - rx.get(1).nanos()) / 1000 + " us before rx was turned back on");
            ByteArrayOutputStream want = new ByteArrayOutputStream();
            ByteArrayOutputStream got = new ByteArrayOutputStream();
            sent.forEach(want::writeBytes);
            rx.forEach(e -> got.writeBytes(e.data()));
            assertArrayEquals(want.toByteArray(), got.toByteArray(), "no byte lost, none reordered");
        }
    }

    @Test
    void writeOutsideServerWriteableThrows() throws Exception {
        TestProtocol p = big.protocol("misuse");
        String tag = WsTestClient.newTag();
        try (WsTestClient c = WsTestClient.open(big.port, tag, "misuse")) {
            c.sendText("go");
            assertEquals("ESTABLISHED:IllegalStateException RECEIVE:IllegalStateException", c.readMessage().text(),
                    "a write from ESTABLISHED or RECEIVE must throw; nothing else may have been sent first");
            Connection wsi = p.connections.get(tag);
            assertNotNull(wsi);
            // and from a thread that is not the connection's
            assertThrows(IllegalStateException.class, () -> wsi.write(ByteBuffer.wrap(utf8("x")), WriteMode.TEXT));
            assertThrows(IllegalStateException.class, wsi::requestWriteable);
            assertThrows(IllegalStateException.class, () -> wsi.rxFlowControl(false));
            c.sendText("still fine");
            assertEquals("ESTABLISHED:IllegalStateException RECEIVE:IllegalStateException RECEIVE:IllegalStateException",
                    c.readMessage().text());
        }
    }
}
