package org.lws4j.testkit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;

import org.junit.jupiter.api.Test;
import org.lws4j.api.Connection;
import org.lws4j.api.ProtocolAdapter;
import org.lws4j.api.Result;
import org.lws4j.api.WriteMode;
import org.lws4j.api.util.SendQueue;

/** The API's SendQueue (org.lws4j.api.util), run on the kit: its rx flow control is the core's. */
class SendQueueTest {
    /** Echoes raw bytes through a queue of 100 bytes high water, 40 low. */
    static final class Echo extends ProtocolAdapter {
        @Override
        public Object newSession(Connection wsi) {
            return new SendQueue(100, 40);
        }

        @Override
        protected Result onRawRx(Connection wsi, ByteBuffer in) {
            SendQueue q = wsi.session();
            q.add(wsi, in, WriteMode.RAW, true);
            return Result.CONTINUE;
        }

        @Override
        protected Result onRawWriteable(Connection wsi, ByteBuffer in) {
            SendQueue q = wsi.session();
            return q.write(wsi) ? Result.CONTINUE : Result.CLOSE;
        }
    }

    @Test
    void readingStopsPastHighWaterAndResumesAtLowWaterNothingLost() {
        TestContext ctx = new TestContext();
        TestRaw r = ctx.addVhost("v").bind("echo", new Echo()).adoptRawSocket();
        r.socketBuffer(30);
        ByteArrayOutputStream sent = new ByteArrayOutputStream();
        for (int i = 0; i < 12; i++) {
            byte[] b = new byte[25];
            java.util.Arrays.fill(b, (byte) ('a' + i));
            sent.writeBytes(b);
            r.send(b);
        }
        SendQueue q = ((Connection) r).session();
        assertTrue(r.isRxPaused(), "125 bytes queued: over 100");
        assertEquals(125, q.queuedBytes(), "the rest waits unread in the kit, as in the core's socket");
        assertTrue(q.isReadingPaused());
        r.writeable(); // 30-byte socket: one piece fits, the next chokes
        assertEquals(25, r.received().length);
        assertTrue(r.isRxPaused(), "100 left: above 40");
        r.writeable();
        r.writeable();
        assertEquals(75, r.received().length);
        // each drain lets one piece through the 30-byte socket; reading resumed on the way
        r.drain();
        assertFalse(r.isRxPaused());
        assertArrayEquals(sent.toByteArray(), r.received());
        assertTrue(q.isEmpty());
    }

    @Test
    void marksMustBeOrdered() {
        assertThrows(IllegalArgumentException.class, () -> new SendQueue(10, 11));
        assertThrows(IllegalArgumentException.class, () -> new SendQueue(10, -1));
    }
}
