package org.lws4j.protocol.echo;

import java.nio.ByteBuffer;
import java.util.ArrayDeque;

import org.lws4j.api.Connection;
import org.lws4j.api.Protocol;
import org.lws4j.api.ProtocolAdapter;
import org.lws4j.api.ProtocolName;
import org.lws4j.api.Result;
import org.lws4j.api.WriteMode;
import org.osgi.service.component.annotations.Component;

/**
 * {@code lws-echo}: every text or binary message comes back as it was, fragmented or not. Each
 * piece received is queued with its place in the message and written from SERVER_WRITEABLE as a
 * fragment of the echoed message, so a message of any size goes back without being gathered
 * whole. When more than {@link #HIGH_WATER} bytes wait to go out, reading stops (rx flow
 * control) until they are under {@link #LOW_WATER}: a peer that does not read cannot make the
 * server buffer without bound.
 */
@Component(service = Protocol.class)
@ProtocolName(EchoProtocol.NAME)
public final class EchoProtocol extends ProtocolAdapter {
    public static final String NAME = "lws-echo";
    static final int HIGH_WATER = 1 << 20;
    static final int LOW_WATER = 256 << 10;
    private static final int RX = 64 * 1024;

    /** One piece waiting to go back. */
    record Piece(ByteBuffer data, boolean first, boolean last, boolean binary) {
    }

    /** Per connection: the pieces not yet echoed. */
    static final class Session {
        final ArrayDeque<Piece> queue = new ArrayDeque<>();
        long queued;
        boolean paused;
    }

    @Override
    public Object newSession(Connection wsi) {
        return new Session();
    }

    @Override
    public int rxBufferSize() {
        return RX;
    }

    @Override
    protected Result onReceive(Connection wsi, ByteBuffer in) {
        Session s = wsi.session();
        ByteBuffer copy = ByteBuffer.allocate(in.remaining());
        copy.put(in).flip();
        s.queue.add(new Piece(copy, wsi.isFirstFragment(), wsi.isFinalFragment(), wsi.isBinary()));
        s.queued += copy.remaining();
        if (s.queued > HIGH_WATER && !s.paused) {
            s.paused = true;
            wsi.rxFlowControl(false);
        }
        wsi.requestWriteable();
        return Result.CONTINUE;
    }

    @Override
    protected Result onServerWriteable(Connection wsi, ByteBuffer in) {
        Session s = wsi.session();
        // write while the socket takes it; what it cannot take waits for the next WRITEABLE
        while (!s.queue.isEmpty() && !wsi.sendPipeChoked()) {
            Piece p = s.queue.poll();
            s.queued -= p.data().remaining();
            WriteMode mode = !p.first() ? WriteMode.CONTINUATION : p.binary() ? WriteMode.BINARY : WriteMode.TEXT;
            if (!wsi.write(p.data(), mode, p.last())) {
                return Result.CLOSE;
            }
        }
        if (s.paused && s.queued < LOW_WATER) {
            s.paused = false;
            wsi.rxFlowControl(true);
        }
        if (!s.queue.isEmpty()) {
            wsi.requestWriteable();
        }
        return Result.CONTINUE;
    }
}
