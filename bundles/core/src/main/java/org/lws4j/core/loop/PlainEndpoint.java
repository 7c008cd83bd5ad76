package org.lws4j.core.loop;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.GatheringByteChannel;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.SelectableChannel;
import java.nio.channels.SocketChannel;

/** A channel as it is: a plain TCP socket, or an adopted pipe or other selectable channel. */
public final class PlainEndpoint implements Endpoint {
    /** Writes up to this size go out of one direct buffer per thread. */
    private static final int GATHER_LIMIT = 16 * 1024;
    private static final ThreadLocal<ByteBuffer> GATHER = ThreadLocal.withInitial(() -> ByteBuffer.allocateDirect(GATHER_LIMIT));

    private final SelectableChannel ch;

    public PlainEndpoint(SelectableChannel ch) {
        if (!(ch instanceof ReadableByteChannel)) {
            throw new IllegalArgumentException("not a readable channel: " + ch);
        }
        this.ch = ch;
    }

    @Override
    public SelectableChannel channel() {
        return ch;
    }

    @Override
    public InetSocketAddress remote() {
        try {
            return ch instanceof SocketChannel ? (InetSocketAddress) ((SocketChannel) ch).getRemoteAddress() : null;
        } catch (IOException e) {
            return null;
        }
    }

    @Override
    public InetSocketAddress local() {
        try {
            return ch instanceof SocketChannel ? (InetSocketAddress) ((SocketChannel) ch).getLocalAddress() : null;
        } catch (IOException e) {
            return null;
        }
    }

    @Override
    public int read(ByteBuffer dst) throws IOException {
        return ((ReadableByteChannel) ch).read(dst);
    }

    @Override
    public long write(ByteBuffer[] srcs) throws IOException {
        if (!(ch instanceof GatheringByteChannel)) {
            throw new IOException("this channel is read-only");
        }
        long total = 0;
        for (ByteBuffer b : srcs) {
            total += b.remaining();
        }
        if (total == 0) {
            return 0;
        }
        if (srcs.length == 1 && ch instanceof SocketChannel) {
            return ((SocketChannel) ch).write(srcs[0]); // one write(2) already; a direct one (a batch) is not copied
        }
        if (total > GATHER_LIMIT || !(ch instanceof SocketChannel)) {
            return ((GatheringByteChannel) ch).write(srcs);
        }
        // a small write (a frame header and its payload, a response head and a small body): one
        // copy into this thread's direct buffer and one write(2), where the JDK would copy each
        // heap buffer into a direct one of its own and gather them with writev(2)
        ByteBuffer g = GATHER.get();
        g.clear();
        for (ByteBuffer b : srcs) {
            g.put(b.duplicate());
        }
        g.flip();
        int n = ((SocketChannel) ch).write(g);
        for (int i = 0, left = n; left > 0; i++) {
            int step = Math.min(left, srcs[i].remaining());
            srcs[i].position(srcs[i].position() + step);
            left -= step;
        }
        return n;
    }

    @Override
    public boolean flush() {
        return true;
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
        return ch instanceof SocketChannel;
    }

    @Override
    public void shutdownOutput() throws IOException {
        if (ch instanceof SocketChannel) {
            ((SocketChannel) ch).shutdownOutput();
        }
    }

    @Override
    public void close() throws IOException {
        ch.close();
    }

    @Override
    public boolean isSecure() {
        return false;
    }
}
