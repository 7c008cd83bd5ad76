// The benchmark client of WsBench.java: a dependency-free NIO WebSocket client (RFC 6455 client
// side: handshake, masked frames, ping answered), several connections per selector thread.
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayDeque;
import java.util.Base64;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadLocalRandom;

/** The WebSocket client WsBench drives: {@link Loop}s of {@link Conn}s reporting to {@link Events}. */
final class BenchWs {
    static final String HOST = "127.0.0.1";

    private BenchWs() {
    }

    // ---- measuring -----------------------------------------------------------------------------------

    /**
     * utime + stime of process {@code pid} in microseconds (/proc/PID/stat fields 14 and 15, clock
     * ticks of -Dwsbench.clktck, default 100 = getconf CLK_TCK), or 0 when pid is 0.
     */
    static long cpuMicros(long pid) throws IOException {
        if (pid == 0) {
            return 0;
        }
        String stat = java.nio.file.Files.readString(java.nio.file.Path.of("/proc/" + pid + "/stat"));
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return (Long.parseLong(f[11]) + Long.parseLong(f[12])) * 1_000_000L / Long.getLong("wsbench.clktck", 100L);
    }

    /** Latencies in whole microseconds up to 10 s (one counter each), for percentiles. One thread. */
    static final class Latencies {
        final int[] counts = new int[10_000_001];
        long n;

        void add(long nanos) {
            counts[(int) Math.min(counts.length - 1, Math.max(0, nanos / 1000))]++;
            n++;
        }

        /** The p-th percentile (0 < p < 100) in microseconds, or -1 with no sample. */
        long percentile(double p) {
            long want = (long) Math.ceil(n * p / 100.0);
            long seen = 0;
            for (int us = 0; us < counts.length; us++) {
                seen += counts[us];
                if (seen >= want && seen > 0) {
                    return us;
                }
            }
            return -1;
        }
    }

    /**
     * Writes the time now (System.nanoTime, decimal, then a space) at the start of {@code p}, the
     * rest of it 'x': a message a receiver in this JVM can time with {@link #stampAge}.
     */
    static byte[] stamped(int size) {
        byte[] p = new byte[Math.max(size, 21)];
        java.util.Arrays.fill(p, (byte) 'x');
        byte[] t = (System.nanoTime() + " ").getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(t, 0, p, 0, t.length);
        return p;
    }

    /** Nanoseconds since the stamp at the start of c's latest message was made, or -1 without one. */
    static long stampAge(Conn c) {
        long t = 0;
        int i = 0;
        boolean neg = i < c.startHave && c.start[i] == '-';
        if (neg) {
            i++;
        }
        int digits = 0;
        for (; i < c.startHave && c.start[i] >= '0' && c.start[i] <= '9'; i++, digits++) {
            t = t * 10 + (c.start[i] - '0');
        }
        if (digits == 0 || i >= c.startHave || c.start[i] != ' ') {
            return -1;
        }
        return System.nanoTime() - (neg ? -t : t);
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
        /** The first bytes of the latest data message (a sender's time stamp, say), valid in message(). */
        final byte[] start = new byte[24];
        int startHave;

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
                    + (protocol == null ? "" : "Sec-WebSocket-Protocol: " + protocol + "\r\n") + "\r\n";
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
                    } else if (op != 0) {
                        startHave = 0; // a new message (not a continuation)
                    }
                }
                int n = (int) Math.min(left, b.remaining());
                if (op >= 8) {
                    b.get(ctrl, ctrlHave, n);
                    ctrlHave += n;
                } else {
                    int keep = Math.min(n, start.length - startHave);
                    b.get(start, startHave, keep);
                    startHave += keep;
                    b.position(b.position() + n - keep);
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
