/*
 * WsH2Bench: WebSocket echo round trips per second over HTTP/2 (RFC 8441) and over HTTP/1.1, with
 * one client for both (a benchmark, not a test), so that only the transport differs: <clients>
 * connections, one blocking thread each, each with one small text message in flight.
 *
 *   java WsH2Bench <h2|h1> <port> <protocol> <clients> <seconds> [server-pid]
 *
 * h1: the RFC 6455 upgrade, then frames on the socket. h2: h2c with prior knowledge, the client's
 * SETTINGS (stream window 2^31-1) and a big connection WINDOW_UPDATE, an extended CONNECT
 * (:protocol websocket) on stream 1 whose fields are HPACK literals, then the same frames in DATA
 * frames; the server's SETTINGS are acked and its PINGs answered. After a 2 s warm-up it counts the
 * echoes for <seconds> and prints round trips/s, the p99 round trip, and, given the server's pid,
 * the server's CPU per message (utime+stime from /proc over the same window). 127.0.0.1 only.
 */

import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;

public final class WsH2Bench {
    static final byte[] PREFACE = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1);
    static final int DATA = 0, HEADERS = 1, RST_STREAM = 3, SETTINGS = 4, PING = 6, GOAWAY = 7;
    static final byte[] MESSAGE = "lws4j echo bench, 24 B..".getBytes(StandardCharsets.US_ASCII);

    /** utime + stime of process {@code pid} in clock ticks (/proc/PID/stat fields 14 and 15). */
    static long cpuTicks(long pid) throws IOException {
        String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return Long.parseLong(f[11]) + Long.parseLong(f[12]);
    }

    public static void main(String[] a) throws Exception {
        boolean h2 = a[0].equals("h2");
        int port = Integer.parseInt(a[1]);
        String protocol = a[2];
        int clients = Integer.parseInt(a[3]);
        double seconds = Double.parseDouble(a[4]);
        long pid = a.length > 5 ? Long.parseLong(a[5]) : 0;
        AtomicBoolean counting = new AtomicBoolean();
        AtomicBoolean running = new AtomicBoolean(true);
        LongAdder echoes = new LongAdder();
        List<long[]> rtts = new ArrayList<>();
        List<Thread> threads = new ArrayList<>();
        List<Throwable> errors = new ArrayList<>();
        for (int i = 0; i < clients; i++) {
            long[] samples = new long[1 << 20];
            rtts.add(samples);
            Thread t = new Thread(() -> {
                try (Socket s = new Socket("127.0.0.1", port)) {
                    s.setTcpNoDelay(true);
                    Client c = h2 ? new H2Client(s, protocol) : new H1Client(s, protocol);
                    int n = 0;
                    while (running.get()) {
                        long t0 = System.nanoTime();
                        c.roundTrip();
                        if (counting.get()) {
                            echoes.increment();
                            samples[n++ & (samples.length - 1)] = System.nanoTime() - t0;
                        }
                    }
                    samples[samples.length - 1] = n; // how many were taken
                } catch (Throwable e) {
                    synchronized (errors) {
                        errors.add(e);
                    }
                }
            }, "ws-" + i);
            t.setDaemon(true);
            t.start();
            threads.add(t);
        }
        Thread.sleep(2000);
        long c0 = pid > 0 ? cpuTicks(pid) : 0;
        long t0 = System.nanoTime();
        counting.set(true);
        Thread.sleep((long) (seconds * 1000));
        counting.set(false);
        long elapsed = System.nanoTime() - t0;
        long c1 = pid > 0 ? cpuTicks(pid) : 0;
        long n = echoes.sum();
        running.set(false);
        for (Thread t : threads) {
            t.join(5000);
        }
        if (!errors.isEmpty()) {
            errors.get(0).printStackTrace();
            System.out.println(a[0] + " FAILED: " + errors.size() + " connection(s): " + errors.get(0));
            System.exit(1);
        }
        List<Long> all = new ArrayList<>();
        for (long[] s : rtts) {
            int taken = (int) Math.min(s[s.length - 1], s.length - 1);
            for (int i = 0; i < taken; i++) {
                all.add(s[i]);
            }
        }
        long[] sorted = all.stream().mapToLong(Long::longValue).toArray();
        Arrays.sort(sorted);
        double p99 = sorted.length == 0 ? 0 : sorted[Math.min(sorted.length - 1, (int) Math.ceil(sorted.length * 0.99) - 1)] / 1e6;
        long tck = Long.getLong("clktck", 100);
        System.out.println(String.format(Locale.ROOT, "ws over %-8s %d clients: %.0f round trips/s, p99 %.2f ms, server CPU %s us/message",
                h2 ? "HTTP/2" : "HTTP/1.1", clients, n / (elapsed / 1e9), p99,
                pid > 0 && n > 0 ? String.format(Locale.ROOT, "%.1f", (c1 - c0) * 1e6 / tck / n) : "-"));
    }

    /** One echo: a masked text frame out, the server's frame back. */
    interface Client {
        void roundTrip() throws IOException;
    }

    static byte[] maskedText(byte[] payload) {
        byte[] f = new byte[6 + payload.length];
        f[0] = (byte) 0x81;
        f[1] = (byte) (0x80 | payload.length);
        byte[] mask = new byte[4];
        ThreadLocalRandom.current().nextBytes(mask);
        System.arraycopy(mask, 0, f, 2, 4);
        for (int i = 0; i < payload.length; i++) {
            f[6 + i] = (byte) (payload[i] ^ mask[i & 3]);
        }
        return f;
    }

    /** Reads WebSocket frames from a byte source until a text frame of the message's length has come. */
    static final class FrameReader {
        private byte[] buf = new byte[4096];
        private int have;

        void add(byte[] b, int off, int len) {
            if (have + len > buf.length) {
                buf = Arrays.copyOf(buf, Math.max(buf.length * 2, have + len));
            }
            System.arraycopy(b, off, buf, have, len);
            have += len;
        }

        /** True when one whole unmasked frame (short payload) is here; it is taken. */
        boolean takeEcho() throws IOException {
            if (have < 2 || have < 2 + (buf[1] & 0x7f)) {
                return false;
            }
            int len = 2 + (buf[1] & 0x7f);
            if ((buf[0] & 0x0f) != 1 || (buf[1] & 0x7f) != MESSAGE.length) {
                throw new IOException("not the echo: opcode " + (buf[0] & 0x0f) + ", length " + (buf[1] & 0x7f));
            }
            System.arraycopy(buf, len, buf, 0, have - len);
            have -= len;
            return true;
        }
    }

    static final class H1Client implements Client {
        final DataInputStream in;
        final OutputStream out;
        final FrameReader frames = new FrameReader();
        final byte[] rbuf = new byte[8192];

        H1Client(Socket s, String protocol) throws IOException {
            in = new DataInputStream(s.getInputStream());
            out = s.getOutputStream();
            byte[] k = new byte[16];
            ThreadLocalRandom.current().nextBytes(k);
            out.write(("GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                    + "Sec-WebSocket-Key: " + Base64.getEncoder().encodeToString(k) + "\r\nSec-WebSocket-Version: 13\r\n"
                    + "Sec-WebSocket-Protocol: " + protocol + "\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
            StringBuilder head = new StringBuilder();
            while (!head.toString().endsWith("\r\n\r\n")) {
                int b = in.read();
                if (b < 0) {
                    throw new IOException("closed during the handshake: " + head);
                }
                head.append((char) b);
            }
            if (!head.toString().startsWith("HTTP/1.1 101")) {
                throw new IOException("not upgraded: " + head);
            }
        }

        @Override
        public void roundTrip() throws IOException {
            out.write(maskedText(MESSAGE));
            while (!frames.takeEcho()) {
                int n = in.read(rbuf);
                if (n < 0) {
                    throw new IOException("closed");
                }
                frames.add(rbuf, 0, n);
            }
        }
    }

    static final class H2Client implements Client {
        final DataInputStream in;
        final OutputStream out;
        final FrameReader frames = new FrameReader();
        final byte[] header = new byte[9];

        H2Client(Socket s, String protocol) throws IOException {
            in = new DataInputStream(s.getInputStream());
            out = s.getOutputStream();
            byte[] settings = {0, 4, 0x7f, (byte) 0xff, (byte) 0xff, (byte) 0xff}; // INITIAL_WINDOW_SIZE 2^31-1
            byte[] block = literals(":method", "CONNECT", ":protocol", "websocket", ":scheme", "http", ":path", "/",
                    ":authority", "127.0.0.1", "sec-websocket-version", "13", "sec-websocket-protocol", protocol);
            out.write(concat(PREFACE, frame(SETTINGS, 0, 0, settings), frame(8, 0, 0, int32(1 << 30)),
                    frame(HEADERS, 0x4, 1, block)));
            while (true) {
                byte[] p = readFrame();
                if (type() == HEADERS) {
                    // :status 200 is the static table's entry 8, indexed: 0x88
                    if (p.length == 0 || (p[0] & 0xff) != 0x88) {
                        throw new IOException("the extended CONNECT was not answered 200 (block " + Arrays.toString(p) + ")");
                    }
                    return;
                }
                if (type() == DATA) {
                    frames.add(p, 0, p.length);
                }
            }
        }

        int type() {
            return header[3] & 0xff;
        }

        /** The next frame's payload; SETTINGS acked, PING answered, GOAWAY and RST_STREAM fatal. */
        byte[] readFrame() throws IOException {
            while (true) {
                in.readFully(header);
                int len = (header[0] & 0xff) << 16 | (header[1] & 0xff) << 8 | header[2] & 0xff;
                byte[] p = new byte[len];
                in.readFully(p);
                int flags = header[4] & 0xff;
                switch (type()) {
                    case SETTINGS -> {
                        if ((flags & 1) == 0) {
                            out.write(frame(SETTINGS, 1, 0, new byte[0]));
                        }
                    }
                    case PING -> {
                        if ((flags & 1) == 0) {
                            out.write(frame(PING, 1, 0, p));
                        }
                    }
                    case GOAWAY, RST_STREAM -> throw new IOException("the server ended it: frame type " + type());
                    case DATA, HEADERS -> {
                        return p;
                    }
                    default -> {
                    }
                }
            }
        }

        @Override
        public void roundTrip() throws IOException {
            out.write(frame(DATA, 0, 1, maskedText(MESSAGE)));
            while (!frames.takeEcho()) {
                byte[] p = readFrame();
                if (type() == DATA) {
                    frames.add(p, 0, p.length);
                }
            }
        }

        /** HPACK "literal field without indexing, new name", no Huffman: every string under 127 octets. */
        static byte[] literals(String... nv) {
            java.io.ByteArrayOutputStream b = new java.io.ByteArrayOutputStream();
            for (int i = 0; i < nv.length; i += 2) {
                b.write(0);
                for (String s : new String[] {nv[i], nv[i + 1]}) {
                    byte[] o = s.getBytes(StandardCharsets.ISO_8859_1);
                    b.write(o.length);
                    b.write(o, 0, o.length);
                }
            }
            return b.toByteArray();
        }

        static byte[] int32(int v) {
            return new byte[] {(byte) (v >>> 24), (byte) (v >>> 16), (byte) (v >>> 8), (byte) v};
        }

        static byte[] frame(int type, int flags, int stream, byte[] payload) {
            byte[] f = new byte[9 + payload.length];
            f[0] = (byte) (payload.length >>> 16);
            f[1] = (byte) (payload.length >>> 8);
            f[2] = (byte) payload.length;
            f[3] = (byte) type;
            f[4] = (byte) flags;
            System.arraycopy(int32(stream), 0, f, 5, 4);
            System.arraycopy(payload, 0, f, 9, payload.length);
            return f;
        }

        static byte[] concat(byte[]... parts) {
            java.io.ByteArrayOutputStream b = new java.io.ByteArrayOutputStream();
            for (byte[] p : parts) {
                b.write(p, 0, p.length);
            }
            return b.toByteArray();
        }
    }
}
