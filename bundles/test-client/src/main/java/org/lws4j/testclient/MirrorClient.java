package org.lws4j.testclient;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import org.lws4j.api.Connection;
import org.lws4j.api.Result;
import org.lws4j.api.WriteMode;

/**
 * lws-mirror-protocol, client side, as lws's test client: draws random circles by sending
 * {@code c #RRGGBB X Y R;} (x 0-511, y 0-255, radius 1-32) that the server mirrors to everyone in
 * the group (the demo page draws them), and closes after a random lifetime of 16384 to 81919
 * circles, to be reopened. Unlike lws's client, which sends as fast as the socket takes them, it
 * paces them ({@code --rate}, 0 for lws's way).
 *
 * <p>It counts what comes back and which of it is its own (a set of the last
 * {@link #REMEMBERED} circles sent); {@link #printStats()} prints the counts. Service thread only.
 */
final class MirrorClient extends WsClient {
    static final String NAME = "lws-mirror-protocol";
    static final int REMEMBERED = 4096;

    private final StdoutSink stdout;
    private final int rate;
    private final Random random = new Random();
    private final LinkedHashSet<String> recent = new LinkedHashSet<>();
    private final ByteArrayOutputStream partial = new ByteArrayOutputStream();
    private int lifetime;
    private boolean due;
    private long sent;
    private long received;
    private long own;
    private long printed = -1;

    MirrorClient(StdoutSink stdout, int rate) {
        super(NAME);
        this.stdout = stdout;
        this.rate = rate;
    }

    /** One circle in the test client's format, e.g. {@code c #7F8080 300 120 17;}. */
    static String circle(Random r) {
        return String.format("c #%06X %d %d %d;", r.nextInt() & 0xffffff, r.nextInt(512), r.nextInt(256), r.nextInt(32) + 1);
    }

    @Override
    protected Result onClientEstablished(Connection wsi, ByteBuffer in) {
        lifetime = 16384 + random.nextInt(65536);
        wsi.context().log().notice("%s: opened mirror connection with %d lifetime%s%s", NAME, lifetime,
                wsi.extensions().isEmpty() ? "" : ", " + wsi.extensions(), WsClient.overH2(wsi));
        partial.reset();
        due = true;
        wsi.requestWriteable();
        return Result.CONTINUE;
    }

    @Override
    protected Result onClientWriteable(Connection wsi, ByteBuffer in) {
        if (!due) {
            return Result.CONTINUE; // an extra WRITEABLE: wait for the next circle's time
        }
        due = false;
        String c = circle(random);
        if (!wsi.write(ByteBuffer.wrap(c.getBytes(StandardCharsets.US_ASCII)), WriteMode.TEXT)) {
            return Result.CLOSE;
        }
        sent++;
        remember(c);
        if (--lifetime <= 0) {
            wsi.context().log().notice("%s: closing mirror session", NAME);
            wsi.close(1000, "");
            return Result.CLOSE;
        }
        if (rate == 0) {
            due = true;
            wsi.requestWriteable();
        } else {
            wsi.setTimer(1_000_000L / rate, TimeUnit.MICROSECONDS);
        }
        return Result.CONTINUE;
    }

    @Override
    protected Result onTimer(Connection wsi, ByteBuffer in) {
        due = true;
        wsi.requestWriteable();
        return Result.CONTINUE;
    }

    @Override
    protected Result onClientReceive(Connection wsi, ByteBuffer in) {
        byte[] b = new byte[in.remaining()];
        in.get(b);
        partial.write(b, 0, b.length);
        if (wsi.isFinalFragment()) {
            String msg = partial.toString(StandardCharsets.UTF_8);
            partial.reset();
            received++;
            if (recent.remove(msg)) {
                own++;
            }
        }
        return Result.CONTINUE;
    }

    private void remember(String c) {
        recent.add(c);
        if (recent.size() > REMEMBERED) {
            Iterator<String> it = recent.iterator();
            it.next();
            it.remove();
        }
    }

    /** Prints {@code mirror: sent S circles, received R messages, O of them ours} when a count changed. */
    void printStats() {
        long sum = sent + received;
        if (sum != printed) {
            printed = sum;
            stdout.println("mirror: sent " + sent + " circles, received " + received + " messages, " + own + " of them ours");
        }
    }
}
