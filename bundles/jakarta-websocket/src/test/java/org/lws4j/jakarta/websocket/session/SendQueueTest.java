package org.lws4j.jakarta.websocket.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.lws4j.api.WriteMode;

/** The send queue alone: bounds, frame modes of partial messages, blocking, closing, deadlines. */
class SendQueueTest {
    private static Outgoing text(String s, boolean last) {
        return new Outgoing(Outgoing.Kind.TEXT, ByteBuffer.wrap(s.getBytes()), last, null, 0);
    }

    @Test
    void boundedByItemsAndBytesButABigMessageGoesAlone() throws Exception {
        SendQueue q = new SendQueue(10, 3);
        assertTrue(q.offer(text("0123456789abc", true), false), "bigger than the bound, but alone");
        assertFalse(q.offer(text("x", true), false), "full by bytes");
        q.remove(q.peek(), 13);
        assertTrue(q.offer(text("a", true), false));
        assertTrue(q.offer(text("b", true), false));
        assertTrue(q.offer(text("c", true), false));
        assertFalse(q.offer(text("d", true), false), "full by items");
        assertTrue(q.offer(new Outgoing(Outgoing.Kind.PING, ByteBuffer.allocate(1), true, null, 0), false),
                "a control frame is never refused for room");
        assertEquals(4, q.size());
    }

    @Test
    void partialMessagesGetTheirFrameModesInOrder() throws Exception {
        SendQueue q = new SendQueue(1000, 100);
        Outgoing a = text("a", false);
        Outgoing b = text("b", false);
        Outgoing c = text("c", true);
        q.offer(a, false);
        q.offer(b, false);
        assertThrows(IllegalStateException.class,
                () -> q.offer(new Outgoing(Outgoing.Kind.BINARY, ByteBuffer.allocate(1), true, null, 0), false));
        q.offer(c, false);
        assertEquals(WriteMode.TEXT, a.mode);
        assertEquals(WriteMode.CONTINUATION, b.mode);
        assertEquals(WriteMode.CONTINUATION, c.mode);
        assertFalse(a.fin || b.fin);
        assertTrue(c.fin);
        Outgoing d = text("d", true);
        q.offer(d, false);
        assertEquals(WriteMode.TEXT, d.mode, "a new message after the last part");
    }

    @Test
    void aBlockedSenderWakesWhenThereIsRoomOrTheQueueCloses() throws Exception {
        SendQueue q = new SendQueue(1, 1);
        q.offer(text("first", true), false);
        CountDownLatch started = new CountDownLatch(1);
        CompletableFuture<Boolean> second = CompletableFuture.supplyAsync(() -> {
            started.countDown();
            try {
                return q.offer(text("second", true), true);
            } catch (IOException e) {
                throw new RuntimeException(e);
            }
        });
        started.await(5, TimeUnit.SECONDS);
        assertFalse(second.isDone());
        q.remove(q.peek(), 5);
        assertTrue(second.get(5, TimeUnit.SECONDS));
        CompletableFuture<Exception> third = CompletableFuture.supplyAsync(() -> {
            try {
                q.offer(text("third", true), true);
                return null;
            } catch (IOException e) {
                return e;
            }
        });
        assertEquals(1, q.close("test over").size(), "what was left is handed back for failing");
        assertTrue(third.get(5, TimeUnit.SECONDS).getMessage().contains("test over"));
        assertThrows(IOException.class, () -> q.offer(text("late", true), false));
    }

    @Test
    void itemsPastTheirDeadlineExpireUnlessStarted() throws Exception {
        SendQueue q = new SendQueue(1000, 10);
        long now = System.nanoTime();
        Outgoing late = new Outgoing(Outgoing.Kind.TEXT, ByteBuffer.wrap(new byte[3]), true, null, now - 1);
        Outgoing started = new Outgoing(Outgoing.Kind.TEXT, ByteBuffer.wrap(new byte[3]), true, null, now - 1);
        started.started = true;
        q.offer(started, false);
        q.offer(late, false);
        assertEquals(now - 1, q.nextDeadline());
        assertEquals(1, q.expired(now).size());
        assertEquals(1, q.size());
        assertEquals(0, q.nextDeadline());
    }
}
