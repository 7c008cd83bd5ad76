import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Benchmark driver (not a test) for slow-peers.sh: N connections on one port that each send one
 * byte of a request head every P seconds for D seconds (a "slowloris" on 127.0.0.1), while one
 * normal client makes requests every 20 ms on that port and on a second port, each on a new
 * connection. Prints the normal client's latency (p50, p99, max) per port, its failures and
 * statuses other than 200, and how many slow peers the server answered 408 or closed.
 *
 *   java SlowPeers.java PORT OTHER_PORT PEERS PERIOD_SECS DURATION_SECS
 */
public final class SlowPeers {
    public static void main(String[] args) throws Exception {
        int port = Integer.parseInt(args[0]);
        int other = Integer.parseInt(args[1]);
        int peers = Integer.parseInt(args[2]);
        long period = TimeUnit.SECONDS.toNanos(Long.parseLong(args[3]));
        long duration = TimeUnit.SECONDS.toNanos(Long.parseLong(args[4]));

        List<SocketChannel> slow = new ArrayList<>();
        for (int i = 0; i < peers; i++) {
            SocketChannel ch = SocketChannel.open(new InetSocketAddress("127.0.0.1", port));
            ch.configureBlocking(false);
            slow.add(ch);
        }
        byte[] head = "GET /index.html HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ".getBytes(StandardCharsets.US_ASCII);
        int[] sent = new int[peers];
        int[] gone = new int[peers];
        int answered408 = 0;
        List<Long> samePort = new ArrayList<>();
        List<Long> otherPort = new ArrayList<>();
        List<String> problems = new ArrayList<>();

        long start = System.nanoTime();
        long nextByte = start;
        long nextProbe = start;
        while (System.nanoTime() - start < duration) {
            long now = System.nanoTime();
            if (now >= nextByte) {
                for (int i = 0; i < peers; i++) {
                    if (gone[i] != 0) {
                        continue;
                    }
                    byte b = sent[i] < head.length ? head[sent[i]] : (byte) 'x';
                    try {
                        slow.get(i).write(ByteBuffer.wrap(new byte[] {b}));
                        sent[i]++;
                    } catch (IOException e) {
                        gone[i] = 1;
                    }
                }
                nextByte += period;
            }
            if (now >= nextProbe) {
                probe(port, samePort, problems);
                probe(other, otherPort, problems);
                nextProbe += TimeUnit.MILLISECONDS.toNanos(20);
            }
            long wait = Math.min(nextByte, nextProbe) - System.nanoTime();
            if (wait > 0) {
                TimeUnit.NANOSECONDS.sleep(wait);
            }
        }
        ByteBuffer buf = ByteBuffer.allocate(512);
        for (int i = 0; i < peers; i++) {
            buf.clear();
            try {
                int n = slow.get(i).read(buf);
                if (n > 0 && new String(buf.array(), 0, n, StandardCharsets.ISO_8859_1).startsWith("HTTP/1.1 408")) {
                    answered408++;
                } else if (n < 0) {
                    gone[i] = 1;
                }
            } catch (IOException e) {
                gone[i] = 1;
            }
            slow.get(i).close();
        }
        System.out.printf("slow peers: %d, a byte every %d s for %d s; answered 408: %d, closed: %d%n", peers,
                TimeUnit.NANOSECONDS.toSeconds(period), TimeUnit.NANOSECONDS.toSeconds(duration), answered408,
                Arrays.stream(gone).sum());
        report("normal client, same port ", samePort);
        report("normal client, other port", otherPort);
        System.out.printf("normal client problems (failures, non-200): %d%s%n", problems.size(),
                problems.isEmpty() ? "" : " " + problems.subList(0, Math.min(5, problems.size())));
    }

    private static void probe(int port, List<Long> latencies, List<String> problems) {
        long t0 = System.nanoTime();
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 5000);
            s.setSoTimeout(30_000);
            OutputStream out = s.getOutputStream();
            out.write("GET /index.html HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"
                    .getBytes(StandardCharsets.US_ASCII));
            InputStream in = s.getInputStream();
            byte[] all = in.readAllBytes();
            String status = new String(all, 0, Math.min(12, all.length), StandardCharsets.ISO_8859_1);
            latencies.add(System.nanoTime() - t0);
            if (!status.equals("HTTP/1.1 200")) {
                problems.add(port + ": " + status);
            }
        } catch (IOException e) {
            problems.add(port + ": " + e);
        }
    }

    private static void report(String what, List<Long> l) {
        long[] v = l.stream().mapToLong(Long::longValue).sorted().toArray();
        if (v.length == 0) {
            System.out.println(what + ": no requests");
            return;
        }
        System.out.printf("%s: %d requests, p50 %.2f ms, p99 %.2f ms, max %.2f ms%n", what, v.length,
                v[v.length / 2] / 1e6, v[(int) Math.min(v.length - 1, Math.ceil(v.length * 0.99) - 1)] / 1e6,
                v[v.length - 1] / 1e6);
    }
}
