package org.lws4j.protocol.echo;

import java.nio.ByteBuffer;

import org.lws4j.api.Connection;
import org.lws4j.api.Handoff;
import org.lws4j.api.HandoffState;
import org.lws4j.api.Protocol;
import org.lws4j.api.ProtocolAdapter;
import org.lws4j.api.ProtocolName;
import org.lws4j.api.Result;
import org.lws4j.api.WriteMode;
import org.lws4j.api.util.SendQueue;
import org.osgi.service.component.annotations.Component;

/**
 * {@code lws-echo}: every text or binary message comes back as it was, fragmented or not. Each
 * piece received is queued with its place in the message and written from SERVER_WRITEABLE as a
 * fragment of the echoed message, so a message of any size goes back without being gathered
 * whole. The queue is the API's {@link SendQueue}: past {@link #HIGH_WATER} bytes waiting to go
 * out, reading stops (rx flow control) until no more than {@link #LOW_WATER} are left, so a peer
 * that does not read cannot make the server buffer without bound.
 *
 * <p>An update keeps the connections ({@link Handoff}): what waits to be echoed goes over as
 * {@value #FORMAT} and is written by the new version, after which it echoes what came meanwhile,
 * a message echoed half under the old version finished under the new one.
 */
@Component(service = Protocol.class)
@ProtocolName(EchoProtocol.NAME)
public final class EchoProtocol extends ProtocolAdapter implements Handoff {
    public static final String NAME = "lws-echo";
    /** What a session is handed over as: the echo not yet written, piece by piece. */
    static final String FORMAT = "lws-echo/1";
    static final int HIGH_WATER = 1 << 20;
    static final int LOW_WATER = 256 << 10;
    static final int RX = 64 * 1024;

    @Override
    public Object newSession(Connection wsi) {
        return new SendQueue(HIGH_WATER, LOW_WATER);
    }

    @Override
    public int rxBufferSize() {
        return RX;
    }

    @Override
    protected Result onReceive(Connection wsi, ByteBuffer in) {
        SendQueue q = wsi.session();
        WriteMode mode = !wsi.isFirstFragment() ? WriteMode.CONTINUATION : wsi.isBinary() ? WriteMode.BINARY : WriteMode.TEXT;
        q.add(wsi, in, mode, wsi.isFinalFragment());
        return Result.CONTINUE;
    }

    @Override
    protected Result onServerWriteable(Connection wsi, ByteBuffer in) {
        SendQueue q = wsi.session();
        return q.write(wsi) ? Result.CONTINUE : Result.CLOSE;
    }

    @Override
    public HandoffState exportSession(Connection wsi) {
        SendQueue q = wsi.session();
        return HandoffState.of(FORMAT).put("queue", q.exportState());
    }

    @Override
    public boolean importSession(Connection wsi, HandoffState state) {
        HandoffState queue = state.getState("queue");
        if (!FORMAT.equals(state.format()) || queue == null) {
            return false;
        }
        SendQueue q = wsi.session();
        q.importState(wsi, queue);
        return true;
    }
}
