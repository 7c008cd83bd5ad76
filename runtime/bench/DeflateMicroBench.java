import java.nio.ByteBuffer;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import org.lws4j.spi.extension.Extension;
import org.lws4j.spi.extension.ExtensionOffer;
import org.lws4j.spi.extension.ExtensionSession;
import org.lws4j.ext.deflate.PermessageDeflate;

/**
 * Benchmark (not a test): what permessage-deflate costs per message for a typical 2 KiB JSON
 * message, in process, through the extension as the core drives it: compressed size, and CPU time
 * to compress (the server's session sending) and to inflate (the client's session receiving), per
 * parameter set, on one thread.
 *
 *   java -cp api.jar:ext-deflate.jar:jzlib.jar runtime/bench/DeflateMicroBench.java [messages]
 *
 * (runtime/bench/deflate-bench.sh runs it with the built jars.)
 */
public class DeflateMicroBench {
    public static void main(String[] args) throws Exception {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 20000;
        List<byte[]> msgs = new ArrayList<>();
        Random rnd = new Random(42);
        for (int i = 0; i < 1000; i++) {
            msgs.add(json(rnd, i).getBytes(StandardCharsets.UTF_8));
        }
        double avg = msgs.stream().mapToInt(m -> m.length).average().orElse(0);
        System.out.printf("messages: %d distinct JSON messages, %.0f bytes on average; %d measured per row%n", msgs.size(), avg, n);
        System.out.printf("%-58s %12s %10s %14s %14s%n", "parameters", "payload B", "ratio", "deflate us/msg", "inflate us/msg");
        row("none (no extension)", null, null, msgs, n);
        row("permessage-deflate, context takeover, level 1 (default)", "permessage-deflate", "1", msgs, n);
        row("permessage-deflate, context takeover, level 6", "permessage-deflate", "6", msgs, n);
        row("permessage-deflate, context takeover, 9-bit windows", "permessage-deflate; server_max_window_bits=9; client_max_window_bits=9", "1", msgs, n);
        row("permessage-deflate, no context takeover, level 1",
                "permessage-deflate; server_no_context_takeover; client_no_context_takeover", "1", msgs, n);
    }

    private static void row(String name, String offer, String level, List<byte[]> msgs, int n) throws Exception {
        if (offer == null) {
            double avg = msgs.stream().mapToInt(m -> m.length).average().orElse(0);
            System.out.printf("%-58s %12.0f %10s %14s %14s%n", name, avg, "1.00", "-", "-");
            return;
        }
        Extension ext = new PermessageDeflate();
        ExtensionSession.Limits limits = new ExtensionSession.Limits(65536, 64L << 20);
        // the server's session sends, the client's session (from the server's answer) receives
        ExtensionSession tx = ext.accept(ExtensionOffer.parse(List.of(offer)), limits);
        ExtensionSession rx = ext.clientAccept(tx.response(), limits);
        tx.setOption("compression_level", level);
        ThreadMXBean cpu = ManagementFactory.getThreadMXBean();
        long[] sink = {0};
        ExtensionSession.Sink out = b -> {
            sink[0] += b.remaining();
            b.position(b.limit());
            return true;
        };
        // warm up the JIT, then measure
        for (int i = 0; i < 5000; i++) {
            ByteBuffer c = tx.encode(ByteBuffer.wrap(msgs.get(i % msgs.size())), true);
            rx.decode(c, true, out);
        }
        List<ByteBuffer> wire = new ArrayList<>(n);
        long bytes = 0;
        long in = 0;
        long t0 = cpu.getCurrentThreadCpuTime();
        for (int i = 0; i < n; i++) {
            byte[] m = msgs.get(i % msgs.size());
            in += m.length;
            ByteBuffer c = tx.encode(ByteBuffer.wrap(m), true);
            bytes += c.remaining();
            wire.add(c);
        }
        long t1 = cpu.getCurrentThreadCpuTime();
        sink[0] = 0;
        for (ByteBuffer c : wire) {
            rx.decode(c, true, out);
        }
        long t2 = cpu.getCurrentThreadCpuTime();
        if (sink[0] != in) {
            throw new AssertionError("inflated " + sink[0] + " bytes of " + in);
        }
        System.out.printf("%-58s %12.0f %10.2f %14.1f %14.1f%n", name, (double) bytes / n, (double) in / bytes,
                (t1 - t0) / 1e3 / n, (t2 - t1) / 1e3 / n);
        tx.close();
        rx.close();
    }

    /** A typical application message: a JSON update with a dozen records, about 2 KiB. */
    static String json(Random rnd, int seq) {
        StringBuilder b = new StringBuilder(2200);
        b.append("{\"type\":\"update\",\"seq\":").append(seq).append(",\"ts\":\"2026-11-25T10:").append(10 + rnd.nextInt(50))
                .append(':').append(10 + rnd.nextInt(50)).append('.').append(100 + rnd.nextInt(900)).append("Z\",\"items\":[");
        String[] units = {"C", "kPa", "%", "lx", "ppm"};
        String[] states = {"ok", "warning", "stale", "ok", "ok"};
        for (int i = 0; b.length() < 1950; i++) {
            if (i > 0) {
                b.append(',');
            }
            int id = rnd.nextInt(5000);
            b.append("{\"id\":").append(id).append(",\"name\":\"sensor-").append(id % 300).append("\",\"value\":")
                    .append(rnd.nextInt(10000) / 100.0).append(",\"unit\":\"").append(units[rnd.nextInt(units.length)])
                    .append("\",\"state\":\"").append(states[rnd.nextInt(states.length)]).append("\",\"tags\":[\"floor-")
                    .append(rnd.nextInt(9)).append("\",\"zone-").append((char) ('a' + rnd.nextInt(6))).append("\"]}");
        }
        b.append("],\"more\":false}");
        return b.toString();
    }
}
