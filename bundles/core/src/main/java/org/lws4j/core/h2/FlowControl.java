package org.lws4j.core.h2;

import java.nio.ByteBuffer;

/**
 * The flow-control half of {@link H2Connection} (RFC 9113 sections 5.2, 6.9): DATA received
 * against the connection and stream windows, DATA sent within both, WINDOW_UPDATE and
 * SETTINGS_INITIAL_WINDOW_SIZE, and streams stalled on a window the peer never opens.
 *
 * <p>Receiving: the connection window is given back as soon as DATA arrives (a stream whose
 * reader is slow must not stall the others; what one stream can hold is bounded by its own
 * window), a stream's window once the layer above reports it consumed ({@link ReceiveWindow}).
 * Padding is consumed at once. Service thread only, like the connection.
 */
final class FlowControl {
    private final H2Connection c;

    FlowControl(H2Connection connection) {
        this.c = connection;
    }

    void onData(Frame.Data d) throws H2Exception {
        int id = d.streamId();
        int length = d.flowLength();
        if (!c.connectionReceive().receive(length)) {
            throw H2Exception.connection(ErrorCode.FLOW_CONTROL_ERROR, "DATA past the connection window");
        }
        int increment = c.connectionReceive().consumed(length);
        if (increment > 0) {
            c.sink().accept(FrameWriter.windowUpdate(0, increment));
        }
        if (length == 0 && !d.endStream()) {
            c.spendEmpty("empty DATA");
        }
        StreamTable streams = c.streams();
        H2Stream s = streams.get(id);
        if (s == null) {
            if (streams.isIdle(id)) {
                throw H2Exception.connection(ErrorCode.PROTOCOL_ERROR, "DATA on idle stream " + id);
            }
            if (streams.wasResetByUs(id)) {
                return;
            }
            throw H2Exception.stream(id, ErrorCode.STREAM_CLOSED, "DATA on closed stream " + id);
        }
        if (!s.state.remoteOpen()) {
            throw H2Exception.stream(id, ErrorCode.STREAM_CLOSED, "DATA after END_STREAM");
        }
        if (!s.receive.receive(length)) {
            throw H2Exception.stream(id, ErrorCode.FLOW_CONTROL_ERROR, "DATA past the stream window");
        }
        ByteBuffer data = d.data();
        int padding = length - data.remaining();
        if (padding > 0) {
            c.consumed(id, padding);
        }
        s.received += data.remaining();
        checkContentLength(s, d.endStream());
        if (d.endStream()) {
            c.remoteEnded(s);
        }
        c.listener().onData(id, data, d.endStream());
        c.forgetIfClosed(s);
    }

    /** A body longer than its content-length, or shorter at its end, is malformed (8.1.1). */
    void checkContentLength(H2Stream s, boolean atEnd) throws H2Exception {
        if (s.contentLength >= 0 && (s.received > s.contentLength || atEnd && s.received != s.contentLength)) {
            throw H2Exception.stream(s.id, ErrorCode.PROTOCOL_ERROR,
                    "body of " + s.received + " octets, content-length " + s.contentLength);
        }
    }

    void onWindowUpdate(Frame.WindowUpdate w) throws H2Exception {
        int id = w.streamId();
        if (id == 0) {
            if (!c.connectionSend().add(w.increment())) {
                throw H2Exception.connection(ErrorCode.FLOW_CONTROL_ERROR, "connection window past 2^31-1");
            }
            for (H2Stream s : c.streams().all()) {
                wake(s);
            }
            return;
        }
        H2Stream s = c.streams().get(id);
        if (s == null) {
            if (c.streams().isIdle(id)) {
                throw H2Exception.connection(ErrorCode.PROTOCOL_ERROR, "WINDOW_UPDATE on idle stream " + id);
            }
            return;
        }
        if (!s.send.add(w.increment())) {
            throw H2Exception.stream(id, ErrorCode.FLOW_CONTROL_ERROR, "stream window past 2^31-1");
        }
        wake(s);
    }

    /** A new SETTINGS_INITIAL_WINDOW_SIZE moves every stream's send window by the difference (6.9.2). */
    void initialWindowChanged(long delta) throws H2Exception {
        for (H2Stream s : c.streams().all()) {
            if (!s.send.add(delta)) {
                throw H2Exception.connection(ErrorCode.FLOW_CONTROL_ERROR, "stream window past 2^31-1");
            }
        }
        if (delta > 0) {
            for (H2Stream s : c.streams().all()) {
                wake(s);
            }
        }
    }

    int sendable(H2Stream s) {
        return Math.min(c.connectionSend().available(), s.send.available());
    }

    int send(H2Stream s, ByteBuffer data, boolean endStream, int maxFrameSize) {
        int sent = 0;
        boolean ended = false;
        while (data.hasRemaining()) {
            int n = Math.min(Math.min(sendable(s), maxFrameSize), data.remaining());
            if (n <= 0) {
                break;
            }
            ended = endStream && n == data.remaining();
            c.sink().accept(FrameWriter.data(s.id, data, n, ended));
            c.connectionSend().consume(n);
            s.send.consume(n);
            sent += n;
        }
        if (data.hasRemaining()) {
            if (s.blockedSince == H2Stream.NOT_BLOCKED) {
                s.blockedSince = c.now();
            }
            return sent;
        }
        s.blockedSince = H2Stream.NOT_BLOCKED;
        if (endStream && !ended) {
            c.sink().accept(FrameWriter.data(s.id, data, 0, true));
            ended = true;
        }
        if (ended) {
            c.localEnded(s);
        }
        return sent;
    }

    int resetStalled(long timeoutNanos) {
        long now = c.now();
        int n = 0;
        for (H2Stream s : c.streams().all()) {
            if (s.blockedSince != H2Stream.NOT_BLOCKED && now - s.blockedSince >= timeoutNanos) {
                c.resetByUs(s, ErrorCode.CANCEL);
                n++;
            }
        }
        return n;
    }

    private void wake(H2Stream s) {
        if (s.blockedSince != H2Stream.NOT_BLOCKED && s.state.localOpen() && sendable(s) > 0) {
            s.blockedSince = H2Stream.NOT_BLOCKED;
            c.listener().onWritable(s.id);
        }
    }
}
