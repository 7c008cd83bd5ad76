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
        return ((GatheringByteChannel) ch).write(srcs);
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
