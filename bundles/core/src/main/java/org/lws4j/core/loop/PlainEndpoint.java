package org.lws4j.core.loop;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;

/** Plain TCP: the socket as it is. */
public final class PlainEndpoint implements Endpoint {
    private final SocketChannel ch;

    public PlainEndpoint(SocketChannel ch) {
        this.ch = ch;
    }

    @Override
    public SocketChannel socket() {
        return ch;
    }

    @Override
    public int read(ByteBuffer dst) throws IOException {
        return ch.read(dst);
    }

    @Override
    public long write(ByteBuffer[] srcs) throws IOException {
        return ch.write(srcs);
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
        return true;
    }

    @Override
    public void shutdownOutput() throws IOException {
        ch.shutdownOutput();
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
