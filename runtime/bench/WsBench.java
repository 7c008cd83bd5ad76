/*
 * WsBench: a small WebSocket load tool for lws4j (a benchmark, not a test). Dependency-free Java
 * 17, run as a single-file program; its own NIO client (handshake, masking, framing), one selector
 * thread for all connections, talking to 127.0.0.1 only. Every mode stops by itself.
 *
 *   java runtime/bench/WsBench.java mirror <port> <clients> <seconds>
 *       <clients> connections join /?mirror=bench on lws-mirror-protocol; the first one also sends
 *       small text messages as fast as the server takes them (at most 32 of its own messages in
 *       flight, counted by its own echoes). After a 2 s warm-up, prints messages sent per second
 *       and messages delivered per second summed over all receivers (the sender is one of them),
 *       and checks after a drain that every receiver got every message.
 *
 *   java runtime/bench/WsBench.java idle <port> <connections> <protocol> [trigger-file] [max-seconds]
 *       opens <connections> WebSocket connections on <protocol> (handshake done, then idle,
 *       answering pings), prints "ready <n>", waits for a line on stdin, for [trigger-file] to
 *       exist, or for [max-seconds] (default 600), then closes them all and exits.
 *
 * System properties: -Dwsbench.size=<bytes> mirror message size (default 24),
 * -Dwsbench.inflight=<n> sender window (default 32), -Dwsbench.concurrent=<n> handshakes under way
 * at once while connecting (default 256).
 */

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

public final class WsBench {
    static final String HOST = "127.0.0.1";
    static final int SIZE = Integer.getInteger("wsbench.size", 24);
    static final int INFLIGHT = Integer.getInteger("wsbench.inflight", 32);
    static final int CONCURRENT = Integer.getInteger("wsbench.concurrent", 256);

    public static void main(String[] a) throws Exception {
        if (a.length >= 4 && a[0].equals("mirror")) {
            mirror(Integer.parseInt(a[1]), Integer.parseInt(a[2]), Double.parseDouble(a[3]));
        } else if (a.length >= 4 && a[0].equals("idle")) {
            idle(Integer.parseInt(a[1]), Integer.parseInt(a[2]), a[3], a.length > 4 ? Path.of(a[4]) : null,
                    a.length > 5 ? Integer.parseInt(a[5]) : 600);
        } else {
            System.err.println("usage: java WsBench.java mirror <port> <clients> <seconds>\n"
                    + "       java WsBench.java idle <port> <connections> <protocol> [trigger-file] [max-seconds]");
            System.exit(2);
        }
    }

    // ---- mirror ----------------------------------------------------------------------------------

    static void mirror(int port, int clients, double seconds) throws Exception {
        LongAdder delivered = new LongAdder();
        AtomicInteger open = new AtomicInteger();
        AtomicInteger failed = new AtomicInteger();
        Sender sender = new Sender();
        Loop loop = new Loop();
        List<Conn> conns = new ArrayList<>();
        Events ev = new Events() {
            @Override
            public void opened(Conn c) {
                open.incrementAndGet();
            }

            @Override
            public void failed(Conn c, String why) {
                if (failed.incrementAndGet() <= 5) {
                    System.err.println("connection " + c.id + " failed: " + why);
                }
            }

            @Override
            public void message(Conn c) {
                delivered.increment();
                if (c == sender.conn) {
                    sender.echoed();
                }
            }
        };
        for (int i = 0; i < clients; i++) {
            conns.add(new Conn(i, loop, port, "/?mirror=bench", "lws-mirror-protocol", ev));
        }
        sender.conn = conns.get(0);
        Thread t = new Thread(loop, "wsbench-loop");
        t.start();
        connectAll(loop, conns, open, failed, 60);
        if (failed.get() > 0) {
            loop.stop(t);
            throw new IllegalStateException(failed.get() + " of " + clients + " connections failed");
        }
        // the sender runs on the loop thread: it sends when its own echoes come back
        loop.execute(sender::pump);
        double warm = Math.min(2.0, seconds / 5);
        sleepSeconds(warm);
        long d0 = delivered.sum();
        long s0 = sender.sent.sum();
        long t0 = System.nanoTime();
        sleepSeconds(seconds);
        long d1 = delivered.sum();
        long s1 = sender.sent.sum();
        double el = (System.nanoTime() - t0) / 1e9;
        sender.stop.set(true);
        // drain: every receiver should have every message the sender sent
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (delivered.sum() < sender.sent.sum() * clients && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        long missing = sender.sent.sum() * clients - delivered.sum();
        loop.execute(() -> conns.forEach(Conn::sendClose));
        Thread.sleep(300);
        loop.stop(t);
        System.out.printf(Locale.ROOT, "mirror  clients=%d  window=%.1fs  msg=%dB  sent=%.0f msg/s  "
                        + "delivered=%.0f msg/s (sum over %d receivers, sender included)  per-receiver=%.0f msg/s  "
                        + "undelivered-after-drain=%d%n",
                clients, el, SIZE, (s1 - s0) / el, (d1 - d0) / el, clients, (d1 - d0) / el / clients, missing);
    }

    /** The one sender: keeps at most INFLIGHT of its own messages unechoed. Loop thread only. */
    static final class Sender {
        Conn conn;
        final LongAdder sent = new LongAdder();
        final AtomicBoolean stop = new AtomicBoolean();
        long seq;
        int inflight;

        void echoed() {
            inflight--;
            pump();
        }

        void pump() {
            while (!stop.get() && inflight < INFLIGHT && conn.state == Conn.OPEN) {
                byte[] p = new byte[SIZE];
                byte[] label = ("m" + seq++ + " ").getBytes(StandardCharsets.US_ASCII);
                java.util.Arrays.fill(p, (byte) 'x');
                System.arraycopy(label, 0, p, 0, Math.min(label.length, p.length));
                conn.send(Frames.frame(Frames.TEXT, p));
                inflight++;
                sent.increment();
            }
        }
    }

    // ---- idle ------------------------------------------------------------------------------------

    static void idle(int port, int n, String protocol, Path trigger, int maxSeconds) throws Exception {
        AtomicInteger open = new AtomicInteger();
        AtomicInteger failed = new AtomicInteger();
        AtomicInteger lost = new AtomicInteger();
        Loop loop = new Loop();
        List<Conn> conns = new ArrayList<>(n);
        Events ev = new Events() {
            @Override
            public void opened(Conn c) {
                open.incrementAndGet();
            }

            @Override
            public void failed(Conn c, String why) {
                if (failed.incrementAndGet() <= 5) {
                    System.err.println("connection " + c.id + " failed: " + why);
                }
            }

            @Override
            public void closedByServer(Conn c) {
                lost.incrementAndGet();
            }
        };
        for (int i = 0; i < n; i++) {
            conns.add(new Conn(i, loop, port, "/", protocol, ev));
        }
        Thread t = new Thread(loop, "wsbench-loop");
        t.start();
        long t0 = System.nanoTime();
        connectAll(loop, conns, open, failed, 300);
        System.out.printf(Locale.ROOT, "ready %d connections on %s (%d failed) in %.1f s%n", open.get(), protocol,
                failed.get(), (System.nanoTime() - t0) / 1e9);
        System.out.flush();

        AtomicBoolean enter = new AtomicBoolean();
        Thread stdin = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8))) {
                if (r.readLine() != null) {
                    enter.set(true); // a line; end of input (stdin from /dev/null) is no trigger
                }
            } catch (IOException ignored) {
                // no stdin: wait for the file or the time limit
            }
        }, "wsbench-stdin");
        stdin.setDaemon(true);
        stdin.start();
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(maxSeconds);
        String why = "time limit";
        while (System.nanoTime() < end) {
            if (enter.get()) {
                why = "enter";
                break;
            }
            if (trigger != null && Files.exists(trigger)) {
                why = "trigger file";
                break;
            }
            Thread.sleep(100);
        }
        loop.execute(() -> conns.forEach(Conn::sendClose));
        Thread.sleep(500);
        loop.stop(t);
        System.out.printf(Locale.ROOT, "closed %d connections (%s); %d were closed by the server while idle%n",
                open.get(), why, lost.get());
    }

    /** Starts every connection, at most CONCURRENT handshakes at a time; waits up to maxSeconds. */
    static void connectAll(Loop loop, List<Conn> conns, AtomicInteger open, AtomicInteger failed, int maxSeconds)
            throws InterruptedException {
        Semaphore window = new Semaphore(CONCURRENT);
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(maxSeconds);
        for (Conn c : conns) {
            while (!window.tryAcquire(100, TimeUnit.MILLISECONDS)) {
                if (System.nanoTime() > end) {
                    throw new IllegalStateException("connecting took over " + maxSeconds + " s");
                }
            }
            c.window = window;
            loop.execute(c::start);
        }
        while (open.get() + failed.get() < conns.size()) {
            if (System.nanoTime() > end) {
                throw new IllegalStateException("only " + open.get() + " of " + conns.size() + " connected in "
                        + maxSeconds + " s");
            }
            Thread.sleep(20);
        }
    }

    static void sleepSeconds(double s) throws InterruptedException {
        Thread.sleep((long) (s * 1000));
    }

    // ---- the client --------------------------------------------------------------------------------

    /** What a connection reports; called on the loop thread. */
    interface Events {
        default void opened(Conn c) {
        }

        default void failed(Conn c, String why) {
        }

        default void message(Conn c) {
        }

        default void closedByServer(Conn c) {
        }
    }

    /** One selector thread, its connections and a task queue. */
    static final class Loop implements Runnable {
        final Selector selector;
        final ByteBuffer rbuf = ByteBuffer.allocateDirect(256 * 1024);
        final ConcurrentLinkedQueue<Runnable> tasks = new ConcurrentLinkedQueue<>();
        volatile boolean running = true;

        Loop() throws IOException {
            selector = Selector.open();
        }

        void execute(Runnable r) {
            tasks.add(r);
            selector.wakeup();
        }

        void stop(Thread t) throws InterruptedException {
            running = false;
            selector.wakeup();
            t.join(5000);
        }

        @Override
        public void run() {
            try {
                while (running) {
                    selector.select(100);
                    for (var it = selector.selectedKeys().iterator(); it.hasNext(); ) {
                        SelectionKey k = it.next();
                        it.remove();
                        Conn c = (Conn) k.attachment();
                        try {
                            if (k.isValid() && k.isConnectable()) {
                                c.connected();
                            }
                            if (k.isValid() && k.isWritable()) {
                                c.flush();
                            }
                            if (k.isValid() && k.isReadable()) {
                                c.readable(rbuf);
                            }
                        } catch (IOException | RuntimeException e) {
                            c.fail(e.toString());
                        }
                    }
                    for (Runnable r; (r = tasks.poll()) != null; ) {
                        r.run();
                    }
                }
                for (SelectionKey k : selector.keys()) {
                    ((Conn) k.attachment()).closeQuietly();
                }
                selector.close();
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }
    }

    /** One client connection: handshake, then frames; everything on its loop's thread. */
    static final class Conn {
        static final int CONNECTING = 0;
        static final int HANDSHAKE = 1;
        static final int OPEN = 2;
        static final int CLOSED = 3;

        final int id;
        final Loop loop;
        final int port;
        final String path;
        final String protocol;
        final Events events;
        Semaphore window;
        SocketChannel ch;
        SelectionKey key;
        int state = CONNECTING;
        boolean closeSent;
        String wsKey;
        byte[] head = new byte[0];
        final ArrayDeque<ByteBuffer> out = new ArrayDeque<>(2);
        // the frame being read
        final byte[] hdr = new byte[10];
        int hdrHave;
        boolean inPayload;
        long left;
        int op;
        boolean fin;
        byte[] ctrl;
        int ctrlHave;

        Conn(int id, Loop loop, int port, String path, String protocol, Events events) {
            this.id = id;
            this.loop = loop;
            this.port = port;
            this.path = path;
            this.protocol = protocol;
            this.events = events;
        }

        void start() {
            try {
                ch = SocketChannel.open();
                ch.configureBlocking(false);
                ch.setOption(StandardSocketOptions.TCP_NODELAY, true);
                key = ch.register(loop.selector, SelectionKey.OP_CONNECT, this);
                if (ch.connect(new InetSocketAddress(HOST, port))) {
                    connected();
                }
            } catch (IOException e) {
                fail("connect: " + e);
            }
        }

        void connected() throws IOException {
            if (!ch.finishConnect()) {
                return;
            }
            state = HANDSHAKE;
            byte[] k = new byte[16];
            ThreadLocalRandom.current().nextBytes(k);
            wsKey = Base64.getEncoder().encodeToString(k);
            String req = "GET " + path + " HTTP/1.1\r\nHost: " + HOST + ":" + port + "\r\nUpgrade: websocket\r\n"
                    + "Connection: Upgrade\r\nSec-WebSocket-Key: " + wsKey + "\r\nSec-WebSocket-Version: 13\r\n"
                    + "Sec-WebSocket-Protocol: " + protocol + "\r\n\r\n";
            key.interestOps(SelectionKey.OP_READ);
            send(ByteBuffer.wrap(req.getBytes(StandardCharsets.ISO_8859_1)));
        }

        void send(ByteBuffer b) {
            if (state == CLOSED) {
                return;
            }
            try {
                if (out.isEmpty()) {
                    ch.write(b);
                }
                if (b.hasRemaining()) {
                    out.add(b);
                    key.interestOps(key.interestOps() | SelectionKey.OP_WRITE);
                }
            } catch (IOException e) {
                fail("write: " + e);
            }
        }

        void flush() throws IOException {
            while (!out.isEmpty()) {
                ByteBuffer b = out.peek();
                ch.write(b);
                if (b.hasRemaining()) {
                    return;
                }
                out.poll();
            }
            key.interestOps(key.interestOps() & ~SelectionKey.OP_WRITE);
        }

        void readable(ByteBuffer buf) throws IOException {
            for (int i = 0; i < 8 && state != CLOSED; i++) {
                buf.clear();
                int n = ch.read(buf);
                if (n < 0) {
                    if (state == OPEN && !closeSent) {
                        events.closedByServer(this);
                    }
                    if (state == HANDSHAKE) {
                        fail("closed during the handshake");
                    }
                    closeQuietly();
                    return;
                }
                if (n == 0) {
                    return;
                }
                buf.flip();
                if (state == HANDSHAKE && !handshake(buf)) {
                    return;
                }
                frames(buf);
                if (n < buf.capacity()) {
                    return;
                }
            }
        }

        /** Takes response-head bytes; true once the head is in and accepted (state OPEN). */
        private boolean handshake(ByteBuffer buf) throws IOException {
            int start = head.length;
            byte[] more = new byte[Math.min(buf.remaining(), 8192)];
            buf.get(more);
            byte[] h = new byte[start + more.length];
            System.arraycopy(head, 0, h, 0, start);
            System.arraycopy(more, 0, h, start, more.length);
            int end = -1;
            for (int i = Math.max(3, start - 3); i < h.length; i++) {
                if (h[i - 3] == '\r' && h[i - 2] == '\n' && h[i - 1] == '\r' && h[i] == '\n') {
                    end = i + 1;
                    break;
                }
            }
            if (end < 0) {
                if (h.length > 16384) {
                    fail("response head too long");
                }
                head = h;
                return false;
            }
            String resp = new String(h, 0, end, StandardCharsets.ISO_8859_1);
            head = null;
            // bytes after the head were taken from buf: put them back in front of the rest
            buf.position(buf.position() - (h.length - end));
            if (!resp.startsWith("HTTP/1.1 101")) {
                fail("handshake refused: " + resp.lines().findFirst().orElse(""));
                return false;
            }
            String accept = null;
            for (String line : resp.split("\r\n")) {
                int colon = line.indexOf(':');
                if (colon > 0 && line.substring(0, colon).trim().equalsIgnoreCase("sec-websocket-accept")) {
                    accept = line.substring(colon + 1).trim();
                }
            }
            if (!expectedAccept(wsKey).equals(accept)) {
                fail("bad Sec-WebSocket-Accept: " + accept);
                return false;
            }
            state = OPEN;
            if (window != null) {
                window.release();
                window = null;
            }
            events.opened(this);
            return true;
        }

        /** Parses server frames as they come, without keeping data payloads. */
        private void frames(ByteBuffer b) {
            while (b.hasRemaining() && state == OPEN) {
                if (!inPayload) {
                    hdr[hdrHave++] = b.get();
                    if (hdrHave < 2) {
                        continue;
                    }
                    int len7 = hdr[1] & 0x7F;
                    int need = len7 == 126 ? 4 : len7 == 127 ? 10 : 2;
                    if ((hdr[1] & 0x80) != 0) {
                        fail("masked frame from the server");
                        return;
                    }
                    if (hdrHave < need) {
                        continue;
                    }
                    fin = (hdr[0] & 0x80) != 0;
                    op = hdr[0] & 0x0F;
                    left = len7 < 126 ? len7 : 0;
                    for (int i = 2; i < need; i++) {
                        left = (left << 8) | (hdr[i] & 0xff);
                    }
                    hdrHave = 0;
                    inPayload = true;
                    if (op >= 8) {
                        ctrl = new byte[(int) left];
                        ctrlHave = 0;
                    }
                }
                int n = (int) Math.min(left, b.remaining());
                if (op >= 8) {
                    b.get(ctrl, ctrlHave, n);
                    ctrlHave += n;
                } else {
                    b.position(b.position() + n);
                }
                left -= n;
                if (left == 0) {
                    inPayload = false;
                    frameDone();
                }
            }
        }

        private void frameDone() {
            switch (op) {
                case 0, 1, 2 -> {
                    if (fin) {
                        events.message(this);
                    }
                }
                case 9 -> send(Frames.frame(Frames.PONG, ctrl));
                case 8 -> {
                    if (!closeSent) {
                        events.closedByServer(this);
                        send(Frames.frame(Frames.CLOSE, ctrl.length >= 2 ? new byte[] {ctrl[0], ctrl[1]} : new byte[0]));
                    }
                    closeQuietly();
                }
                default -> {
                    // pong and the rest: nothing to do
                }
            }
        }

        void sendClose() {
            if (state == OPEN && !closeSent) {
                closeSent = true;
                send(Frames.frame(Frames.CLOSE, new byte[] {0x03, (byte) 0xE8}));
            }
        }

        void fail(String why) {
            if (state != CLOSED && state != OPEN) {
                if (window != null) {
                    window.release();
                    window = null;
                }
                events.failed(this, why);
            }
            closeQuietly();
        }

        void closeQuietly() {
            state = CLOSED;
            if (key != null) {
                key.cancel();
            }
            try {
                if (ch != null) {
                    ch.close();
                }
            } catch (IOException ignored) {
                // closing anyway
            }
        }
    }

    static String expectedAccept(String key) {
        try {
            MessageDigest sha1 = MessageDigest.getInstance("SHA-1");
            byte[] d = sha1.digest((key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11").getBytes(StandardCharsets.ISO_8859_1));
            return Base64.getEncoder().encodeToString(d);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** Client frames: always masked, with a fresh key each (RFC 6455 section 5.3). */
    static final class Frames {
        static final int TEXT = 1;
        static final int CLOSE = 8;
        static final int PONG = 10;

        static ByteBuffer frame(int opcode, byte[] payload) {
            int len = payload.length;
            int ext = len < 126 ? 0 : len <= 0xFFFF ? 2 : 8;
            ByteBuffer b = ByteBuffer.allocate(2 + ext + 4 + len);
            b.put((byte) (0x80 | opcode));
            if (ext == 0) {
                b.put((byte) (0x80 | len));
            } else if (ext == 2) {
                b.put((byte) (0x80 | 126)).putShort((short) len);
            } else {
                b.put((byte) (0x80 | 127)).putLong(len);
            }
            byte[] mask = new byte[4];
            ThreadLocalRandom.current().nextBytes(mask);
            b.put(mask);
            for (int i = 0; i < len; i++) {
                b.put((byte) (payload[i] ^ mask[i & 3]));
            }
            return b.flip();
        }
    }
}
