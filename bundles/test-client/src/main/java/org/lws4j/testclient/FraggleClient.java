package org.lws4j.testclient;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

import org.lws4j.api.Connection;
import org.lws4j.api.Result;
import org.lws4j.protocol.fraggle.FraggleChecker;
import org.lws4j.protocol.fraggle.FraggleProtocol;
import org.lws4j.protocol.fraggle.FraggleSender;

/**
 * {@code fraggle-protocol}, client side: libwebsockets' test-fraggle client (it checks the
 * randomly fragmented messages the server sends against the sum that follows each), and the other
 * way round: it sends {@code messages} pairs of its own ({@link FraggleSender}) and reads the
 * server's verdict on each (lws4j's server sends one as a text message; lws's sends none).
 *
 * <p>Once it has received and sent {@code messages} pairs and the server has judged them all, it
 * closes (1000). A server that judges nothing (lws's) gets {@link #CONFIRM_WAIT_MS} to start
 * before the client closes anyway. {@code messages} 0 runs until stopped. Every line it prints:
 * <pre>
 * rx N: LENGTH bytes in P pieces, sum 0xSUM: ok         (or: ERROR, the server says 0xCLAIMED)
 * tx N: LENGTH bytes in F fragments, sum 0xSUM
 * server: ok N LENGTH 0xSUM                             (or: bad N LENGTH 0xSUM 0xCLAIMED)
 * fraggle: received R of N messages correctly, sent S, the server found C of S correct
 * </pre>
 * Service thread only, but for {@link #exitStatus()} and {@link #summary()} after the end.
 */
final class FraggleClient extends WsClient {
    static final long CONFIRM_WAIT_MS = 5000;

    private final StdoutSink stdout;
    private final Outcome outcome;
    private final long messages;
    private final FraggleSender sender = new FraggleSender(new SplittableRandom());
    private final FraggleChecker checker = new FraggleChecker();
    private final ByteArrayOutputStream text = new ByteArrayOutputStream();
    private volatile long received;
    private volatile long receivedOk;
    private volatile long receivedBad;
    private volatile boolean stopRequested;
    private volatile long judged;
    private volatile long judgedBad;
    private volatile boolean established;
    private boolean waiting;
    private boolean closing;

    FraggleClient(StdoutSink stdout, Outcome outcome, long messages) {
        super(FraggleProtocol.NAME);
        this.stdout = stdout;
        this.outcome = outcome;
        this.messages = messages;
    }

    @Override
    protected Result onClientEstablished(Connection wsi, ByteBuffer in) {
        established = true;
        wsi.context().log().notice("%s: established%s%s", name, wsi.extensions().isEmpty() ? "" : " with " + wsi.extensions(),
                WsClient.overH2(wsi));
        wsi.requestWriteable();
        return Result.CONTINUE;
    }

    @Override
    protected Result onClientWriteable(Connection wsi, ByteBuffer in) {
        if (closing || (messages > 0 && sender.betweenMessages() && sender.messagesSent() >= messages)) {
            return Result.CONTINUE;
        }
        long before = sender.messagesSent();
        if (!sender.writeNext(wsi)) {
            return Result.CLOSE;
        }
        if (sender.messagesSent() != before) {
            FraggleSender.Sent s = sender.lastSent();
            stdout.println(String.format("tx %d: %d bytes in %d fragments, sum 0x%08x", s.number(), s.length(), s.fragments(), s.sum()));
            if (done(wsi)) {
                return Result.CLOSE;
            }
        }
        wsi.requestWriteable();
        return Result.CONTINUE;
    }

    @Override
    protected Result onClientReceive(Connection wsi, ByteBuffer in) {
        if (closing) {
            return Result.CONTINUE;
        }
        if (!wsi.isBinary()) {
            byte[] b = new byte[in.remaining()];
            in.get(b);
            text.write(b, 0, b.length);
            if (wsi.isFinalFragment()) {
                String line = text.toString(StandardCharsets.UTF_8);
                text.reset();
                verdict(line);
            }
        } else {
            FraggleChecker.Verdict v = checker.feed(in, wsi.isFinalFragment());
            if (v != null) {
                received++;
                if (!v.ok()) {
                    receivedBad++;
                } else if (messages == 0 || v.number() <= messages) {
                    receivedOk++;
                }
                if (messages == 0 || v.number() <= messages) {
                    stdout.println(String.format("rx %d: %d bytes in %d pieces, sum 0x%08x: %s", v.number(), v.length(),
                            v.pieces(), v.sum(), v.ok() ? "ok" : v.claimed() < 0 ? "ERROR, no 4-byte sum followed"
                                    : String.format("ERROR, the server says 0x%08x", v.claimed())));
                }
            }
        }
        return done(wsi) ? Result.CLOSE : Result.CONTINUE;
    }

    private void verdict(String line) {
        FraggleChecker.Verdict v = FraggleChecker.Verdict.parse(line);
        if (v == null) {
            stdout.println("server said: " + line);
            return;
        }
        judged++;
        if (!v.ok()) {
            judgedBad++;
        }
        stdout.println("server: " + line);
    }

    @Override
    protected Result onTimer(Connection wsi, ByteBuffer in) {
        // the server judged nothing (more) in time: end anyway
        return finish(wsi) ? Result.CLOSE : Result.CONTINUE;
    }

    /** True when the run is complete and the connection is being closed. */
    private boolean done(Connection wsi) {
        if (messages == 0 || closing) {
            return false;
        }
        boolean exchanged = received >= messages && sender.messagesSent() >= messages;
        if (!exchanged) {
            return false;
        }
        if (judged >= sender.messagesSent()) {
            return finish(wsi);
        }
        if (!waiting) {
            waiting = true;
            wsi.setTimer(CONFIRM_WAIT_MS, TimeUnit.MILLISECONDS);
        }
        return false;
    }

    private boolean finish(Connection wsi) {
        closing = true;
        stdout.println(summary());
        if (judged == 0) {
            stdout.println("fraggle: the server judged none of what we sent (libwebsockets' test-fraggle server only sends)");
        }
        outcome.end(exitStatus());
        wsi.close(1000, "");
        return true;
    }

    /** 0 when every check passed; 1 for a wrong sum either way, a short run, or verdicts missing. */
    int exitStatus() {
        boolean all = messages == 0 || receivedOk >= messages;
        boolean judgedAll = judged == 0 || judged >= sender.messagesSent();
        return established && all && receivedBad == 0 && judgedBad == 0 && judgedAll ? 0 : 1;
    }

    String summary() {
        return String.format("fraggle: received %d of %d messages correctly, sent %d, the server found %d of %d correct",
                receivedOk, messages == 0 ? received : messages, sender.messagesSent(), judged - judgedBad,
                sender.messagesSent());
    }

    /** Ctrl-C: close (1000) and report; any thread. */
    void stop() {
        stopRequested = true;
        close();
    }

    @Override
    void failed(Connection wsi) {
        outcome.end(1);
    }

    @Override
    void closed(Connection wsi) {
        if (!closing) {
            stdout.println(summary());
            if (!stopRequested) {
                stdout.println("fraggle: the server closed the connection");
            }
        }
        outcome.end(closing || stopRequested ? exitStatus() : 1);
    }
}
