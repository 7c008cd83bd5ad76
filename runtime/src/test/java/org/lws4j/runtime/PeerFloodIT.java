package org.lws4j.runtime;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A WebSocket peer that sends 1 GiB of pings to lws-echo and never reads what comes back, against
 * the real runtime with a small heap (-Xmx128m): the server stops reading that peer once its pongs
 * back up (max-output-buffer), its heap stays small, another client's echo round trips go on, and
 * SIGTERM still stops the process with the flooder connected.
 */
class PeerFloodIT {
    private static final long FLOOD = 1L << 30;
    /** Used heap after a full GC stays under this while the flooder is held (the runtime's own is ~20 MiB). */
    private static final long HEAP_BOUND = 64L << 20;

    private static DistRun rt;

    @RegisterExtension
    static final DistRun.Watch WATCH = new DistRun.Watch(() -> rt);

    @Test
    void aPingFloodThatNeverReadsIsHeldAndHarmsNobody() throws Exception {
        rt = DistRun.copy("peer-flood").withoutDemo();
        rt.config("flood.json", "{ \"vhosts\": [ { \"name\": \"flood\", \"port\": \"" + rt.port + "\", \"interface\": \""
                + DistRun.HOST + "\", \"ws-protocols\": [ { \"lws-echo\": { \"default\": \"1\" } } ] } ] }\n");
        rt.javaOpts = "-Xmx128m";
        rt.start("-d", "15");
        rt.awaitLog("protocol lws-echo bound", DistRun.BOOT_TIMEOUT);
        rt.awaitListening(rt.port, DistRun.BOOT_TIMEOUT);

        RawWs flooder = RawWs.connect(rt.port, null);
        byte[] burst = pings(4096);
        AtomicLong sent = new AtomicLong();
        CountDownLatch writerEnded = new CountDownLatch(1);
        Thread writer = new Thread(() -> {
            try {
                OutputStream out = flooder.output();
                while (sent.get() < FLOOD) {
                    out.write(burst);
                    sent.addAndGet(burst.length);
                }
            } catch (IOException e) {
                // the socket closed under it: the end of the test
            } finally {
                writerEnded.countDown();
            }
        }, "ping-flooder");
        writer.setDaemon(true);
        writer.start();

        rt.awaitLog("reading paused until the peer takes them", DistRun.STEP_TIMEOUT);
        try (RawWs other = RawWs.connect(rt.port, null)) {
            for (int i = 0; i < 50; i++) {
                other.send(RawWs.TEXT, false, ("round trip " + i).getBytes(UTF_8));
                assertEquals("round trip " + i, other.readText(), "another client's echo during the flood");
            }
        }
        long heap = usedHeapAfterGc();
        System.out.printf("[PeerFloodIT] flooder held after %d MiB of pings; heap after a full GC: %d KiB%n",
                sent.get() >> 20, heap >> 10);
        assertTrue(heap < HEAP_BOUND, "heap after GC " + (heap >> 20) + " MiB with the flooder held");
        assertTrue(writerEnded.getCount() == 1 && sent.get() < FLOOD, "the flooder is held by back-pressure at "
                + (sent.get() >> 20) + " MiB, not drained");

        // SIGTERM with the flooder still connected and blocked
        assertEquals(143, rt.stop(Duration.ofSeconds(20)), "exit status after SIGTERM");
        assertTrue(writerEnded.await(20, TimeUnit.SECONDS), "the flooder's socket closed with the server");
        flooder.close();
    }

    /** {@code n} masked pings of 125 bytes each, back to back. */
    private static byte[] pings(int n) {
        byte[] one = new byte[2 + 4 + 125];
        one[0] = (byte) 0x89;
        one[1] = (byte) (0x80 | 125);
        one[2] = 1;
        one[3] = 2;
        one[4] = 3;
        one[5] = 4;
        byte[] all = new byte[one.length * n];
        for (int i = 0; i < n; i++) {
            System.arraycopy(one, 0, all, i * one.length, one.length);
        }
        return all;
    }

    private static long usedHeapAfterGc() throws Exception {
        Process gc = new ProcessBuilder("jcmd", String.valueOf(rt.pid()), "GC.run").redirectErrorStream(true).start();
        gc.getInputStream().readAllBytes();
        assertTrue(gc.waitFor(60, TimeUnit.SECONDS));
        Process p = new ProcessBuilder("jcmd", String.valueOf(rt.pid()), "GC.heap_info").redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        // "garbage-first heap   total 131072K, used 14322K [...]"
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("total \\d+K, used (\\d+)K").matcher(out);
        assertTrue(m.find(), "no heap figure in jcmd's answer:\n" + out);
        return Long.parseLong(m.group(1)) << 10;
    }
}
