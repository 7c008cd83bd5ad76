package org.lws4j.protocol.fraggle;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.SplittableRandom;

import org.lws4j.api.Connection;
import org.lws4j.api.Protocol;
import org.lws4j.api.ProtocolAdapter;
import org.lws4j.api.ProtocolName;
import org.lws4j.api.Result;
import org.lws4j.api.VhostProtocol;
import org.lws4j.api.WriteMode;
import org.osgi.service.component.annotations.Component;

/**
 * {@code fraggle-protocol}, server side, wire-compatible with libwebsockets' test-fraggle: from
 * ESTABLISHED on, the server sends randomly fragmented binary messages, each followed by its
 * 4-byte sum ({@link FraggleSender}), as fast as the connection takes them, for as long as it is
 * open (or {@code messages} pairs, a pvo).
 *
 * <p>The other way round, which lws's server does not do: binary messages the client sends in the
 * same pairs are checked ({@link FraggleChecker}), and each verdict goes back as a text message
 * ({@link FraggleChecker.Verdict#report()}) between two pairs. lws's client never sends, so it
 * never gets one. While {@value #REPORTS_HIGH} verdicts wait, the client is not read.
 */
@Component(service = Protocol.class)
@ProtocolName(FraggleProtocol.NAME)
public final class FraggleProtocol extends ProtocolAdapter {
    public static final String NAME = "fraggle-protocol";
    static final int REPORTS_HIGH = 64;
    static final int REPORTS_LOW = 16;

    /** Per vhost: how many pairs to send per connection (0: no end). */
    record Settings(long messages) {
    }

    /** Per connection. */
    static final class Session {
        final FraggleSender sender = new FraggleSender(new SplittableRandom());
        final FraggleChecker checker = new FraggleChecker();
        final ArrayDeque<String> reports = new ArrayDeque<>();
        long limit;
        boolean paused;
    }

    @Override
    public Object newSession(Connection wsi) {
        return new Session();
    }

    @Override
    protected Result onProtocolInit(VhostProtocol binding) {
        String v = binding.option("messages", "0");
        long n;
        try {
            n = Long.parseLong(v.trim());
        } catch (NumberFormatException e) {
            n = -1;
        }
        if (n < 0) {
            binding.vhost().context().log().warn("%s on vhost %s: pvo messages \"%s\" is not a count; sending without end",
                    NAME, binding.vhost().name(), v);
            n = 0;
        }
        binding.setData(new Settings(n));
        return Result.CONTINUE;
    }

    @Override
    protected Result onEstablished(Connection wsi, ByteBuffer in) {
        Session s = wsi.session();
        Settings settings = wsi.protocolBinding().data();
        s.limit = settings == null ? 0 : settings.messages();
        wsi.context().log().info("%s: %s connected", NAME, wsi.peerAddress());
        wsi.requestWriteable();
        return Result.CONTINUE;
    }

    @Override
    protected Result onServerWriteable(Connection wsi, ByteBuffer in) {
        Session s = wsi.session();
        if (s.sender.betweenMessages() && !s.reports.isEmpty()) {
            String line = s.reports.poll();
            if (!wsi.write(ByteBuffer.wrap(line.getBytes(StandardCharsets.US_ASCII)), WriteMode.TEXT)) {
                return Result.CLOSE;
            }
            if (s.paused && s.reports.size() <= REPORTS_LOW) {
                s.paused = false;
                wsi.rxFlowControl(true);
            }
            wsi.requestWriteable();
            return Result.CONTINUE;
        }
        if (s.sender.betweenMessages() && s.limit > 0 && s.sender.messagesSent() >= s.limit) {
            return Result.CONTINUE; // all sent; verdicts still go out as they come
        }
        long before = s.sender.messagesSent();
        if (!s.sender.writeNext(wsi)) {
            return Result.CLOSE;
        }
        if (s.sender.messagesSent() != before) {
            FraggleSender.Sent m = s.sender.lastSent();
            wsi.context().log().info("%s: sent message %d: %d bytes in %d fragments, sum 0x%08x", NAME,
                    m.number(), m.length(), m.fragments(), m.sum());
        }
        wsi.requestWriteable();
        return Result.CONTINUE;
    }

    @Override
    protected Result onReceive(Connection wsi, ByteBuffer in) {
        if (!wsi.isBinary()) {
            return Result.CONTINUE; // text is not part of the test
        }
        Session s = wsi.session();
        FraggleChecker.Verdict v = s.checker.feed(in, wsi.isFinalFragment());
        if (v == null) {
            return Result.CONTINUE;
        }
        if (v.ok()) {
            wsi.context().log().info("%s: message %d from %s received correctly: %d bytes in %d pieces", NAME,
                    v.number(), wsi.peerAddress(), v.length(), v.pieces());
        } else {
            wsi.context().log().warn("%s: message %d from %s: %d bytes summing to 0x%08x, the client says %s", NAME,
                    v.number(), wsi.peerAddress(), v.length(), v.sum(),
                    v.claimed() < 0 ? "nothing (its sum message was not 4 bytes)" : String.format("0x%08x", v.claimed()));
        }
        s.reports.add(v.report());
        if (!s.paused && s.reports.size() >= REPORTS_HIGH) {
            s.paused = true;
            wsi.rxFlowControl(false);
        }
        wsi.requestWriteable();
        return Result.CONTINUE;
    }
}
