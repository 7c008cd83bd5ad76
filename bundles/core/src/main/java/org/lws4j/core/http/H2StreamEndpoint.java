package org.lws4j.core.http;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectableChannel;
import java.util.List;

import org.lws4j.core.conn.ConnectionImpl;
import org.lws4j.core.h2.ErrorCode;
import org.lws4j.core.h2.HeaderField;
import org.lws4j.core.loop.Endpoint;

/**
 * The endpoint of one HTTP/2 stream's connection (lws's child wsi of a stream): what the HTTP
 * role writes there (an HTTP/1.1 response) goes out on the stream as HEADERS and DATA
 * ({@link H1ResponseReader}), as far as the stream's and the connection's windows and the
 * socket's queue allow; the rest waits in the stream connection's own queue until
 * {@link H2ServerHandler} wakes it. Its input is delivered by the parent, not read. Ending the
 * output ends the stream (END_STREAM, or RST_STREAM when the response was cut short); it does
 * not linger. Service thread only.
 */
final class H2StreamEndpoint implements Endpoint, H1ResponseReader.Sink {
    private final H2ServerHandler parent;
    private final Endpoint socket;
    final int streamId;
    private final H1ResponseReader response;
    ConnectionImpl child;
    /** The request body goes to the HTTP role chunked (it came without a content-length). */
    boolean chunkedRequest;
    /** An extended CONNECT: the stream carries a WebSocket both ways. */
    boolean tunnel;
    /** Request octets the stream's connection holds unread (its protocol paused): not yet given back to the peer. */
    int uncredited;
    private boolean ended;

    H2StreamEndpoint(H2ServerHandler parent, Endpoint socket, int streamId, boolean headRequest, boolean connect) {
        this.parent = parent;
        this.socket = socket;
        this.streamId = streamId;
        this.response = new H1ResponseReader(headRequest, connect, this);
    }

    @Override
    public SelectableChannel channel() {
        return null;
    }

    @Override
    public InetSocketAddress remote() {
        return socket.remote();
    }

    @Override
    public InetSocketAddress local() {
        return socket.local();
    }

    @Override
    public boolean selectsWrite() {
        return false;
    }

    @Override
    public boolean lingers() {
        return false;
    }

    @Override
    public boolean isStream() {
        return true;
    }

    @Override
    public int read(ByteBuffer dst) {
        return 0; // input is delivered (Wire.deliver), never read
    }

    @Override
    public long write(ByteBuffer[] srcs) {
        long taken = 0;
        for (ByteBuffer s : srcs) {
            int before = s.remaining();
            if (before == 0) {
                continue;
            }
            if (response.wantsWindow() && !mayWrite()) {
                break;
            }
            response.read(s);
            taken += before - s.remaining();
            if (s.hasRemaining()) {
                break;
            }
        }
        if (taken > 0) {
            parent.flushSoon();
        }
        return taken;
    }

    /** Whether body octets can go now; if not, the parent wakes this stream once they can. */
    private boolean mayWrite() {
        if (parent.socketFull()) {
            parent.waitForSocket(this);
            return false;
        }
        if (parent.h2().sendable(streamId) <= 0) {
            parent.h2().awaitWindow(streamId);
            return false;
        }
        return true;
    }

    @Override
    public void headers(List<HeaderField> fields, boolean endStream) {
        parent.h2().sendHeaders(streamId, fields, endStream);
    }

    @Override
    public int data(ByteBuffer src, int n, boolean endStream) {
        if (n == 0 && !endStream) {
            return 0;
        }
        if (parent.socketFull()) {
            parent.waitForSocket(this);
            return 0;
        }
        ByteBuffer slice = src.slice(src.position(), n);
        int sent = parent.h2().sendData(streamId, slice, endStream);
        if (sent < 0) {
            // the stream is gone (reset by the peer): what the role writes is dropped
            src.position(src.position() + n);
            return n;
        }
        src.position(src.position() + sent);
        return sent;
    }

    @Override
    public boolean flush() {
        // the stream connection's WRITEABLE comes only when the stream may send
        return !response.headersSent() || !response.wantsWindow() || mayWrite();
    }

    @Override
    public void heldInputTaken() {
        if (uncredited > 0) {
            parent.h2().consumed(streamId, uncredited);
            uncredited = 0;
            parent.flushSoon();
        }
    }

    @Override
    public boolean hasPendingOutput() {
        return false;
    }

    @Override
    public boolean hasBufferedInput() {
        return false;
    }

    @Override
    public boolean canTransferFiles() {
        return false;
    }

    @Override
    public void shutdownOutput() {
        finish();
    }

    @Override
    public void close() {
        finish();
        parent.childClosed(this);
    }

    private void finish() {
        if (ended) {
            return;
        }
        ended = true;
        if (response.end()) {
            if (parent.h2().isRemoteOpen(streamId)) {
                // the response is complete: the rest of the request is not needed (RFC 9113 8.1)
                parent.h2().resetStream(streamId, ErrorCode.NO_ERROR);
            }
        } else {
            parent.h2().resetStream(streamId, response.headersSent() ? ErrorCode.INTERNAL_ERROR : ErrorCode.CANCEL);
        }
        parent.flushSoon();
    }

    @Override
    public boolean isSecure() {
        return socket.isSecure();
    }

    @Override
    public String sniHost() {
        return socket.sniHost();
    }

    @Override
    public String tlsVhost() {
        return socket.tlsVhost();
    }
}
