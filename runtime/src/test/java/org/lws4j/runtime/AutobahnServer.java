package org.lws4j.runtime;

import java.nio.file.Path;

/**
 * The server the Autobahn fuzzing client tests: the real runtime (a copy of target/lws4j, see
 * {@link DistRun}) run as its own process with {@code bin/lws4j run}, serving one vhost on
 * 127.0.0.1 whose default WebSocket protocol is {@code lws-echo}. The Autobahn plugin calls
 * {@link #main} with the port on a daemon thread and interrupts that thread when the suite is
 * done; the runtime is then stopped (and also by a shutdown hook, should Maven exit first).
 */
public final class AutobahnServer {
    private AutobahnServer() {
    }

    public static void main(String[] args) throws Exception {
        int port = Integer.parseInt(args[0]);
        Path target = Path.of(AutobahnServer.class.getProtectionDomain().getCodeSource().getLocation().toURI()).getParent();
        // only what the suite needs: no demo site on 7681
        DistRun rt = DistRun.copy("autobahn-runtime", target.resolve("lws4j"), target).withoutDemo();
        try {
            rt.config("autobahn.json", "{ \"vhosts\": [ { \"name\": \"autobahn\", \"port\": \"" + port
                    + "\", \"interface\": \"127.0.0.1\", \"mounts\": [], \"ws-protocols\": [ { \"lws-echo\": { \"default\": \"1\" } } ] } ] }\n");
            // the port answers and the echo protocol is bound, so case 1.1.1 finds it
            rt.start();
            long pid = rt.pid();
            Runtime.getRuntime().addShutdownHook(new Thread(() -> ProcessHandle.of(pid).ifPresent(ProcessHandle::destroy)));
            try {
                rt.awaitLog("protocol lws-echo bound", DistRun.BOOT_TIMEOUT);
                rt.awaitListening(port, DistRun.BOOT_TIMEOUT);
            } catch (AssertionError e) {
                rt.failed("start failed");
                throw e;
            }
            while (rt.isAlive()) {
                Thread.sleep(500);
            }
        } catch (InterruptedException done) {
            // the suite is over
        } finally {
            rt.close();
        }
    }
}
