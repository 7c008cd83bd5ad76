import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;

/**
 * The driver of handoff-bench.sh (see there): N mirror connections on a running copy of the
 * runtime, UPDATES updates of the mirror bundle with the pause the sender sees, then the live heap
 * with the N bound, parked and gone. JDK only; blocking sockets (idle connections are never read:
 * their group is silent).
 *
 * <p>Usage: HandoffBench PORT SERVER_PID RUNTIME_HOME N UPDATES LIMIT_MIN
 */
public final class HandoffBench {
    static final String TOOK_OVER = "protocol lws-mirror-protocol: its new version took over";

    final int port;
    final long pid;
    final Path home;
    final long deadline;

    HandoffBench(int port, long pid, Path home, long limitMin) {
        this.port = port;
        this.pid = pid;
        this.home = home;
        this.deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(limitMin);
    }

    public static void main(String[] a) throws Exception {
        HandoffBench b = new HandoffBench(Integer.parseInt(a[0]), Long.parseLong(a[1]), Paths.get(a[2]), Long.parseLong(a[5]));
        b.run(Integer.parseInt(a[3]), Integer.parseInt(a[4]));
    }

    void run(int n, int updates) throws Exception {
        long zero = liveHeap();
        long t0 = System.nanoTime();
        List<Socket> idle = Collections.synchronizedList(new ArrayList<>());
        java.util.concurrent.ExecutorService opener = java.util.concurrent.Executors.newFixedThreadPool(8);
        List<java.util.concurrent.Future<?>> opened = new ArrayList<>();
        for (int i = 0; i < n - 1; i++) {
            opened.add(opener.submit(() -> idle.add(handshake("/?mirror=idle"))));
        }
        for (java.util.concurrent.Future<?> f : opened) {
            f.get(); // a handshake that failed fails the run
        }
        opener.shutdown();
        Socket sender = handshake("/?mirror=bench-" + pid);
        System.out.printf(Locale.ROOT, "%d connections open in %d ms%n", n, ms(System.nanoTime() - t0));
        Echoes echoes = new Echoes(sender);
        Thread t = new Thread(echoes, "bench-sender");
        t.setDaemon(true);
        t.start();
        awaitEchoes(echoes, 200);

        Path jar = home.resolve("deploy/protocol-mirror.jar");
        byte[] original = Files.readAllBytes(jar);
        List<Long> pauses = new ArrayList<>();
        List<Long> handedOver = new ArrayList<>();
        for (int u = 1; u <= updates; u++) {
            awaitEchoes(echoes, 100);
            int before = count(log(), TOOK_OVER);
            long moved = replace(jar, revision(original, u));
            String log = awaitLog(TOOK_OVER, before + 1);
            long done = System.nanoTime();
            int firstAfter = echoes.count();
            awaitEchoes(echoes, 1);
            pauses.add(echoes.longestGap(moved, echoes.nanosOf(firstAfter)));
            handedOver.add(lastTookOverMs(log));
            System.out.printf(Locale.ROOT, "update %2d: pause %6.1f ms, the core's park-to-resume %d ms, log seen %d ms after the move%n",
                    u, pauses.get(pauses.size() - 1) / 1000.0, handedOver.get(handedOver.size() - 1), ms(done - moved));
        }
        long bound = liveHeap();
        // parked: the bundle removed, the connections wait for its next version (grace 60 s here)
        Path aside = home.resolve("protocol-mirror.jar.aside");
        int parks = count(log(), "parked for its next version");
        Files.move(jar, aside, StandardCopyOption.ATOMIC_MOVE);
        awaitLog("parked for its next version", parks + 1);
        long parked = liveHeap();
        int before = count(log(), TOOK_OVER);
        Files.move(aside, jar, StandardCopyOption.ATOMIC_MOVE);
        awaitLog(TOOK_OVER, before + 1);
        awaitEchoes(echoes, 10);
        boolean closedAny = log().contains("parked connection(s) closed");
        echoes.stop = true;
        sender.close();
        for (Socket s : idle) {
            s.close();
        }

        List<Long> sorted = new ArrayList<>(pauses);
        Collections.sort(sorted);
        System.out.printf(Locale.ROOT, "RESULT connections=%d updates=%d pause_median_ms=%.1f pause_worst_ms=%.1f "
                        + "heap_none_mib=%.1f heap_bound_mib=%.1f heap_parked_mib=%.1f bytes_per_bound=%d bytes_per_parked=%d "
                        + "closed_any=%b%n",
                n, updates, median(sorted) / 1000.0, sorted.get(sorted.size() - 1) / 1000.0, zero / 1048576.0,
                bound / 1048576.0, parked / 1048576.0, (bound - zero) / n, (parked - zero) / n, closedAny);
        if (closedAny) {
            throw new IllegalStateException("parked connections were closed: see " + home.resolve("run.log"));
        }
    }

    static long median(List<Long> sorted) {
        int m = sorted.size() / 2;
        return sorted.size() % 2 == 1 ? sorted.get(m) : (sorted.get(m - 1) + sorted.get(m)) / 2;
    }

    static long ms(long nanos) {
        return TimeUnit.NANOSECONDS.toMillis(nanos);
    }

    /** The sender: sends "seq N+1" when "seq N" came back; keeps when each came. */
    static final class Echoes implements Runnable {
        final Socket s;
        final List<Long> nanos = Collections.synchronizedList(new ArrayList<>());
        volatile boolean stop;
        volatile Exception failure;

        Echoes(Socket s) {
            this.s = s;
        }

        @Override
        public void run() {
            try {
                DataInputStream in = new DataInputStream(s.getInputStream());
                OutputStream out = s.getOutputStream();
                long seq = 0;
                out.write(frame("seq " + seq));
                while (!stop) {
                    String got = readText(in);
                    if (!got.equals("seq " + seq)) {
                        throw new IOException("expected seq " + seq + ", got " + got);
                    }
                    nanos.add(System.nanoTime());
                    seq++;
                    out.write(frame("seq " + seq));
                }
            } catch (Exception e) {
                if (!stop) {
                    failure = e;
                }
            }
        }

        int count() {
            return nanos.size();
        }

        long nanosOf(int i) {
            return nanos.get(i);
        }

        /** The longest wait, in microseconds, between echoes from {@code from} to {@code to} (the bounds count as echoes). */
        long longestGap(long from, long to) {
            long prev = from;
            long max = 0;
            synchronized (nanos) {
                for (long t : nanos) {
                    if (t <= from) {
                        continue;
                    }
                    if (t > to) {
                        break;
                    }
                    max = Math.max(max, t - prev);
                    prev = t;
                }
            }
            return TimeUnit.NANOSECONDS.toMicros(max);
        }
    }

    void awaitEchoes(Echoes e, int more) throws Exception {
        int target = e.count() + more;
        while (e.count() < target) {
            check(e);
            Thread.sleep(1); // a bench's poll, not a test's synchronisation
        }
    }

    void check(Echoes e) {
        if (e.failure != null) {
            throw new IllegalStateException("the sender failed", e.failure);
        }
        if (System.nanoTime() > deadline) {
            throw new IllegalStateException("the time limit passed");
        }
    }

    /** Waits until the server's log holds {@code text} at least {@code times} times; returns the log. */
    String awaitLog(String text, int times) throws Exception {
        while (true) {
            String l = log();
            if (count(l, text) >= times) {
                return l;
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("the time limit passed waiting for \"" + text + "\" x" + times);
            }
            Thread.sleep(5);
        }
    }

    String log() throws IOException {
        return Files.readString(home.resolve("run.log"), StandardCharsets.UTF_8);
    }

    static long lastTookOverMs(String log) {
        int i = log.lastIndexOf(TOOK_OVER);
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("after (\\d+) ms").matcher(log.substring(i));
        return m.find() ? Long.parseLong(m.group(1)) : -1;
    }

    static int count(String text, String what) {
        if (what.isEmpty()) {
            return 0;
        }
        int n = 0;
        for (int i = text.indexOf(what); i >= 0; i = text.indexOf(what, i + what.length())) {
            n++;
        }
        return n;
    }

    /** Moves {@code bytes} over {@code jar} in one step; returns when. */
    long replace(Path jar, byte[] bytes) throws IOException {
        Path staged = home.resolve("protocol-mirror.jar.tmp");
        Files.write(staged, bytes);
        long t = System.nanoTime();
        Files.move(staged, jar, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        return t;
    }

    static byte[] revision(byte[] jar, int n) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream(jar.length + 512);
        try (ZipInputStream in = new ZipInputStream(new java.io.ByteArrayInputStream(jar)); ZipOutputStream z = new ZipOutputStream(out)) {
            for (ZipEntry e = in.getNextEntry(); e != null; e = in.getNextEntry()) {
                z.putNextEntry(new ZipEntry(e.getName()));
                in.transferTo(z);
                z.closeEntry();
            }
            z.putNextEntry(new ZipEntry("META-INF/lws4j-handoff-bench-revision.txt"));
            z.write(("revision " + n + "\n").getBytes(StandardCharsets.UTF_8));
            z.closeEntry();
        }
        return out.toByteArray();
    }

    /** The live heap after a full GC (GC.class_histogram runs one), in bytes. */
    long liveHeap() throws Exception {
        Process p = new ProcessBuilder("jcmd", String.valueOf(pid), "GC.class_histogram").redirectErrorStream(true).start();
        String out;
        try (InputStream in = p.getInputStream()) {
            out = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        p.waitFor(120, TimeUnit.SECONDS);
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("(?m)^Total\\s+\\d+\\s+(\\d+)").matcher(out);
        if (!m.find()) {
            throw new IllegalStateException("no total in jcmd's histogram: " + out.substring(0, Math.min(500, out.length())));
        }
        return Long.parseLong(m.group(1));
    }

    Socket handshake(String path) throws IOException {
        Socket s = new Socket();
        s.connect(new InetSocketAddress("127.0.0.1", port), 10_000);
        s.setSoTimeout(60_000);
        s.setTcpNoDelay(true);
        byte[] k = new byte[16];
        ThreadLocalRandom.current().nextBytes(k);
        String req = "GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                + "Sec-WebSocket-Key: " + Base64.getEncoder().encodeToString(k) + "\r\nSec-WebSocket-Version: 13\r\n"
                + "Sec-WebSocket-Protocol: lws-mirror-protocol\r\n\r\n";
        s.getOutputStream().write(req.getBytes(StandardCharsets.ISO_8859_1));
        InputStream in = s.getInputStream();
        StringBuilder head = new StringBuilder();
        while (!head.toString().endsWith("\r\n\r\n")) {
            int c = in.read();
            if (c < 0) {
                throw new IOException("closed in the handshake: " + head);
            }
            head.append((char) c);
        }
        if (!head.toString().startsWith("HTTP/1.1 101")) {
            throw new IOException("handshake refused: " + head);
        }
        return s;
    }

    static byte[] frame(String text) {
        byte[] p = text.getBytes(StandardCharsets.UTF_8);
        byte[] f = new byte[6 + p.length];
        f[0] = (byte) 0x81;
        f[1] = (byte) (0x80 | p.length); // texts here are under 126 bytes
        byte[] mask = new byte[4];
        ThreadLocalRandom.current().nextBytes(mask);
        System.arraycopy(mask, 0, f, 2, 4);
        for (int i = 0; i < p.length; i++) {
            f[6 + i] = (byte) (p[i] ^ mask[i & 3]);
        }
        return f;
    }

    static String readText(DataInputStream in) throws IOException {
        while (true) {
            int b0 = in.readUnsignedByte();
            int b1 = in.readUnsignedByte();
            long len = b1 & 0x7f;
            if (len == 126) {
                len = in.readUnsignedShort();
            } else if (len == 127) {
                len = in.readLong();
            }
            byte[] p = new byte[(int) len];
            in.readFully(p);
            int op = b0 & 0x0f;
            if (op == 1) {
                return new String(p, StandardCharsets.UTF_8);
            }
            if (op == 8) {
                throw new IOException("closed by the server: " + (p.length >= 2 ? ((p[0] & 0xff) << 8 | (p[1] & 0xff)) : 1005));
            }
        }
    }
}
