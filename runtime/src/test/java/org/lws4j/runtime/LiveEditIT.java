package org.lws4j.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Live vhost edits in the real runtime, as a user makes them: 20 edits in a row of
 * {@code deploy/org.lws4j.vhost-NAME.cfg}, each changing one response header and waited for, all
 * take effect, while a client polling the vhost every 10 ms on new connections never meets a
 * refused connection or an error status, and the vhost's port is opened once.
 */
class LiveEditIT {
    private static final int EDITS = 20;

    private static DistRun rt;

    @RegisterExtension
    static final DistRun.Watch WATCH = new DistRun.Watch(() -> rt);

    @Test
    void twentyEditsOfAVhostFileEachTakeEffectWhileThePollerIsAlwaysServed() throws Exception {
        rt = DistRun.copy("live-edits").withoutDemo();
        Path www = Files.createDirectories(rt.home.resolve("www-bar"));
        Files.writeString(www.resolve("index.html"), "bar\n");
        rt.start();
        rt.awaitLog("accepting connections", DistRun.BOOT_TIMEOUT);
        writeCfg(www, 0);
        awaitEdit(0);

        AtomicBoolean stop = new AtomicBoolean();
        AtomicInteger served = new AtomicInteger();
        List<String> errors = new CopyOnWriteArrayList<>();
        Thread poller = new Thread(() -> {
            while (!stop.get()) {
                StartupIT.Seen seen = get();
                if (seen.status() == 200) {
                    served.incrementAndGet();
                } else {
                    errors.add(seen.status() + " " + seen.detail());
                }
                StartupIT.sleepBriefly();
            }
        }, "poller");
        poller.start();
        try {
            for (int i = 1; i <= EDITS; i++) {
                writeCfg(www, i);
                awaitEdit(i);
            }
        } finally {
            stop.set(true);
            poller.join();
        }
        assertEquals(List.of(), errors, "the poller met these during the edits (" + served.get() + " served)");
        assertTrue(served.get() > EDITS, "the poller ran throughout: " + served.get());
        String log = rt.logText();
        assertEquals(EDITS, count(log, "org.lws4j.vhost-bar.cfg: vhost bar on port " + rt.port + " re-applied"), log);
        assertFalse(log.contains("not served"), log);
        assertFalse(log.contains("could not be applied"), log);
        assertEquals(1, count(log, "listening on /" + DistRun.HOST + ":" + rt.port), "the vhost's port was opened once:\n" + log);
    }

    /** Writes deploy/org.lws4j.vhost-bar.cfg whole (staged, then moved in): FileInstall never reads half a file. */
    private static void writeCfg(Path www, int edit) throws IOException {
        String cfg = String.join("\n", "# live edit " + edit, "port = " + rt.port, "interface = " + DistRun.HOST,
                "mounts.0.mountpoint = /", "mounts.0.origin = file://" + www, "mounts.0.default = index.html",
                "headers.X-Edit = " + edit, "");
        Path staged = rt.home.resolve("vhost-bar.cfg.staged");
        Files.writeString(staged, cfg);
        Files.move(staged, rt.home.resolve("deploy/org.lws4j.vhost-bar.cfg"), StandardCopyOption.ATOMIC_MOVE);
    }

    private static void awaitEdit(int edit) throws Exception {
        rt.await("edit " + edit + " to be served", DistRun.STEP_TIMEOUT, () -> {
            StartupIT.Seen s = get();
            return s.status() == 200 && s.detail().toLowerCase(Locale.ROOT).contains("\r\nx-edit: " + edit + "\r\n")
                    ? Optional.of(true) : Optional.empty();
        });
    }

    /** One GET / on a new connection: its status and head, or 0 and what failed (a refused connect too). */
    private static StartupIT.Seen get() {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(DistRun.HOST, rt.port), 2000);
            StartupIT.Seen seen = StartupIT.request(s, "/");
            int end = seen.detail().indexOf("\r\n\r\n");
            return new StartupIT.Seen(seen.status(), end > 0 ? seen.detail().substring(0, end + 4) : seen.detail());
        } catch (IOException e) {
            return new StartupIT.Seen(0, e.toString());
        }
    }

    private static int count(String text, String what) {
        int n = 0;
        for (int i = text.indexOf(what); i >= 0; i = text.indexOf(what, i + 1)) {
            n++;
        }
        return n;
    }

}
