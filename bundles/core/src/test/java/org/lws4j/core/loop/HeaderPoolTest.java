package org.lws4j.core.loop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

/** The bounded pool of request-head buffers and its queue of waiters. */
class HeaderPoolTest {
    /** Records the buffers it was handed. */
    static final class Recorder implements HeaderPool.Waiter {
        final List<byte[]> got = new ArrayList<>();

        @Override
        public void headerBufferReady(byte[] buffer) {
            got.add(buffer);
        }
    }

    @Test
    void handsOutAtMostCountBuffersOfTheSize() {
        HeaderPool p = new HeaderPool(512, 2);
        byte[] a = p.acquire();
        byte[] b = p.acquire();
        assertNotNull(a);
        assertNotNull(b);
        assertNotSame(a, b);
        assertEquals(512, a.length);
        assertNull(p.acquire(), "a third buffer while two are out");
        assertEquals(2, p.inUse());
        assertEquals(2, p.capacity());
        assertEquals(512, p.bufferSize());
    }

    @Test
    void releasedBufferIsReused() {
        HeaderPool p = new HeaderPool(64, 1);
        byte[] a = p.acquire();
        p.release(a);
        assertEquals(0, p.inUse());
        assertSame(a, p.acquire());
    }

    @Test
    void releaseGoesToTheFirstWaiterInOrder() {
        HeaderPool p = new HeaderPool(64, 1);
        byte[] a = p.acquire();
        Recorder w1 = new Recorder();
        Recorder w2 = new Recorder();
        p.await(w1);
        p.await(w2);
        assertEquals(2, p.waiting());
        p.release(a);
        assertEquals(List.of(a), w1.got);
        assertEquals(List.of(), w2.got);
        assertEquals(1, p.inUse(), "the buffer went to the waiter, not the pool");
        assertNull(p.acquire());
        p.release(a);
        assertEquals(List.of(a), w2.got);
        assertEquals(0, p.waiting());
    }

    @Test
    void cancelledWaiterGetsNothing() {
        HeaderPool p = new HeaderPool(64, 1);
        byte[] a = p.acquire();
        Recorder gone = new Recorder();
        Recorder stays = new Recorder();
        p.await(gone);
        p.await(stays);
        p.cancelWait(gone);
        p.release(a);
        assertEquals(List.of(), gone.got);
        assertEquals(List.of(a), stays.got);
    }

    @Test
    void withoutWaitersTheBufferReturnsToThePool() {
        HeaderPool p = new HeaderPool(64, 1);
        byte[] a = p.acquire();
        Recorder w = new Recorder();
        p.await(w);
        p.cancelWait(w);
        p.release(a);
        assertEquals(0, p.inUse());
        assertSame(a, p.acquire());
    }
}
