/*
 * FirstByte: the time from starting a server process to the first byte of its first HTTP
 * response (a benchmark, not a test). compare.sh runs it for each server:
 *
 *   java FirstByte <port> <path> <timeout-seconds> <log-file> <command> [args...]
 *
 * Checks that nothing listens on 127.0.0.1:<port> yet, starts the command (standard output and
 * error to <log-file>, standard input from /dev/null), then tries to connect every millisecond;
 * once a connection is accepted it sends "GET <path>" and waits for the first byte of the answer.
 * Prints "first-byte <ms> ms" (from just before the process was started) and the CPU time the
 * process had used by then ("cpu <ms> ms", utime+stime from /proc/PID/stat, CLK_TCK of
 * -Dwsbench.clktck, default 100: less sensitive to a busy machine; with -Dfirstbyte.threads=true
 * also a second line, "threads:" and each thread's CPU time in ms, threads of one name with a
 * number, such as "GC Thread#0", added up), then stops the process
 * (SIGTERM, then SIGKILL after 30 s) and exits 0; exits 1 if the process ends or the time runs out
 * first. Talks to 127.0.0.1 only.
 */

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

public final class FirstByte {
    private FirstByte() {
    }

    public static void main(String[] a) throws Exception {
        if (a.length < 5) {
            System.err.println("usage: java FirstByte <port> <path> <timeout-seconds> <log-file> <command> [args...]");
            System.exit(2);
        }
        int port = Integer.parseInt(a[0]);
        String path = a[1];
        long timeout = TimeUnit.SECONDS.toNanos(Long.parseLong(a[2]));
        File log = new File(a[3]);
        List<String> command = Arrays.asList(a).subList(4, a.length);
        if (firstByte(port, path) >= 0) {
            System.err.println("something already answers on 127.0.0.1:" + port);
            System.exit(1);
        }
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.to(log)).redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        long t0 = System.nanoTime();
        Process p = pb.start();
        try {
            while (true) {
                if (firstByte(port, path) >= 0) {
                    double ms = (System.nanoTime() - t0) / 1e6;
                    System.out.printf(Locale.ROOT, "first-byte %.0f ms cpu %.0f ms%n", ms, cpuMillis(p.pid()));
                    if (Boolean.getBoolean("firstbyte.threads")) {
                        System.out.println(threadCpu(p.pid()));
                    }
                    return;
                }
                if (!p.isAlive()) {
                    System.err.println("the server ended (status " + p.exitValue() + ") before it answered; see " + log);
                    System.exit(1);
                }
                if (System.nanoTime() - t0 > timeout) {
                    System.err.println("no answer on 127.0.0.1:" + port + " within " + a[2] + " s; see " + log);
                    System.exit(1);
                }
                Thread.sleep(1);
            }
        } finally {
            p.destroy();
            if (!p.waitFor(30, TimeUnit.SECONDS)) {
                p.destroyForcibly().waitFor();
            }
        }
    }

    /** utime + stime of process {@code pid} in milliseconds. */
    static double cpuMillis(long pid) throws IOException {
        String stat = java.nio.file.Files.readString(java.nio.file.Path.of("/proc/" + pid + "/stat"));
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return (Long.parseLong(f[11]) + Long.parseLong(f[12])) * 1000.0 / Long.getLong("wsbench.clktck", 100L);
    }

    /**
     * "threads:" and the CPU time of each thread of process {@code pid} (utime + stime of
     * /proc/PID/task/TID/stat, in ms), most first; threads whose names differ only in a trailing
     * number are added up ("C2 CompilerThre#", "GC Thread##").
     */
    static String threadCpu(long pid) throws IOException {
        java.util.Map<String, Double> byName = new java.util.TreeMap<>();
        File[] tasks = new File("/proc/" + pid + "/task").listFiles();
        for (File t : tasks == null ? new File[0] : tasks) {
            String stat;
            try {
                stat = java.nio.file.Files.readString(new File(t, "stat").toPath());
            } catch (IOException gone) {
                continue; // the thread ended meanwhile
            }
            String name = stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')')).replaceAll("[0-9]+$", "#");
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            byName.merge(name, (Long.parseLong(f[11]) + Long.parseLong(f[12])) * 1000.0 / Long.getLong("wsbench.clktck", 100L),
                    Double::sum);
        }
        StringBuilder b = new StringBuilder("threads:");
        byName.entrySet().stream().filter(e -> e.getValue() > 0)
                .sorted((x, y) -> Double.compare(y.getValue(), x.getValue()))
                .forEach(e -> b.append(" [").append(e.getKey()).append("]=").append(Math.round(e.getValue())));
        return b.toString();
    }

    /** The first byte of the answer to GET path, or -1 if nothing accepts the connection. */
    static int firstByte(int port, String path) throws IOException {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 1000);
            s.setSoTimeout(30_000);
            s.getOutputStream().write(("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            InputStream in = s.getInputStream();
            int b = in.read();
            if (b < 0) {
                throw new IOException("the server accepted, then closed without an answer");
            }
            return b;
        } catch (ConnectException refused) {
            return -1;
        }
    }
}
