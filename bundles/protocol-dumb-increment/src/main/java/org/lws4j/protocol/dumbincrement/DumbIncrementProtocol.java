package org.lws4j.protocol.dumbincrement;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

import org.lws4j.api.CloseStatus;
import org.lws4j.api.Connection;
import org.lws4j.api.Handoff;
import org.lws4j.api.HandoffState;
import org.lws4j.api.Protocol;
import org.lws4j.api.ProtocolAdapter;
import org.lws4j.api.ProtocolName;
import org.lws4j.api.Result;
import org.lws4j.api.VhostProtocol;
import org.lws4j.api.WriteMode;
import org.osgi.service.component.annotations.Component;

/**
 * {@code dumb-increment-protocol}, wire-compatible with libwebsockets' test plugin: each
 * connection gets its own counter, sent as ASCII text 20 times a second; "reset\n" sets it to 0,
 * "closeme\n" makes the server close with 1001 "Seeya".
 *
 * <p>A timed vhost callback every 50 ms asks for WRITEABLE on every connection; each WRITEABLE
 * sends the counter and counts up. Nothing is written anywhere else.
 *
 * <p>An update keeps the connections ({@link Handoff}): each counter goes over as
 * {@value #FORMAT} and goes on where it was; the new version's PROTOCOL_INIT arms its own timer.
 */
@Component(service = Protocol.class)
@ProtocolName(DumbIncrementProtocol.NAME)
public final class DumbIncrementProtocol extends ProtocolAdapter implements Handoff {
    public static final String NAME = "dumb-increment-protocol";
    /** What a session is handed over as: its counter. */
    static final String FORMAT = "dumb-increment/1";
    private static final long PERIOD_MS = 50;
    private static final Object TICK = "tick";

    /** Per connection: the counter. */
    static final class Session {
        int number;
    }

    @Override
    public Object newSession(Connection wsi) {
        return new Session();
    }

    /** Only "reset\n" and "closeme\n" come in: lws's plugin asks for 10 bytes, and so do we. */
    @Override
    public int rxBufferSize() {
        return 10;
    }

    @Override
    protected Result onProtocolInit(VhostProtocol binding) {
        binding.timedCallback(TICK, PERIOD_MS, TimeUnit.MILLISECONDS);
        return Result.CONTINUE;
    }

    @Override
    protected void onTimedCallback(VhostProtocol binding, Object tag) {
        binding.requestWriteableAll();
        binding.timedCallback(TICK, PERIOD_MS, TimeUnit.MILLISECONDS);
    }

    @Override
    protected Result onServerWriteable(Connection wsi, ByteBuffer in) {
        Session s = wsi.session();
        byte[] text = Integer.toString(s.number++).getBytes(StandardCharsets.US_ASCII);
        return wsi.write(ByteBuffer.wrap(text), WriteMode.TEXT) ? Result.CONTINUE : Result.CLOSE;
    }

    @Override
    protected Result onReceive(Connection wsi, ByteBuffer in) {
        // the commands are tiny; anything that is not exactly one of them is ignored, as lws does
        if (in.remaining() < 6 || !wsi.isFirstFragment()) {
            return Result.CONTINUE;
        }
        String msg = StandardCharsets.US_ASCII.decode(in).toString();
        if (msg.startsWith("reset\n")) {
            Session s = wsi.session();
            s.number = 0;
        } else if (msg.startsWith("closeme\n")) {
            wsi.close(CloseStatus.GOING_AWAY, "Seeya");
            return Result.CLOSE;
        }
        return Result.CONTINUE;
    }

    @Override
    public HandoffState exportSession(Connection wsi) {
        Session s = wsi.session();
        return HandoffState.of(FORMAT).put("number", s.number);
    }

    @Override
    public boolean importSession(Connection wsi, HandoffState state) {
        if (!FORMAT.equals(state.format()) || !state.has("number")) {
            return false;
        }
        Session s = wsi.session();
        s.number = (int) state.getLong("number", 0);
        return true;
    }
}
