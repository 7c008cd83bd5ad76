package org.lws4j.jakarta.websocket.session;

import java.io.IOException;
import java.io.OutputStream;
import java.io.Writer;
import java.nio.ByteBuffer;

import jakarta.websocket.RemoteEndpoint;

/**
 * {@code getSendStream()} and {@code getSendWriter()}: one message written in parts, each full
 * buffer sent as a partial message through the basic remote, {@code close()} sending the last
 * part. Used by one application thread at a time, as any stream.
 */
final class SendStreams {
    private static final int SIZE = 16 * 1024;

    private SendStreams() {
    }

    /** A binary message as an OutputStream. */
    static final class Binary extends OutputStream {
        private final RemoteEndpoint.Basic remote;
        private final byte[] buf = new byte[SIZE];
        private int len;
        private boolean closed;

        Binary(RemoteEndpoint.Basic remote) {
            this.remote = remote;
        }

        @Override
        public void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int n) throws IOException {
            if (closed) {
                throw new IOException("the message was closed");
            }
            while (n > 0) {
                if (len == buf.length) {
                    remote.sendBinary(ByteBuffer.wrap(buf.clone(), 0, len), false);
                    len = 0;
                }
                int k = Math.min(n, buf.length - len);
                System.arraycopy(b, off, buf, len, k);
                len += k;
                off += k;
                n -= k;
            }
        }

        @Override
        public void close() throws IOException {
            if (!closed) {
                closed = true;
                remote.sendBinary(ByteBuffer.wrap(buf, 0, len), true);
            }
        }
    }

    /** A text message as a Writer. */
    static final class Text extends Writer {
        private final RemoteEndpoint.Basic remote;
        private final StringBuilder buf = new StringBuilder();
        private boolean closed;

        Text(RemoteEndpoint.Basic remote) {
            this.remote = remote;
        }

        @Override
        public void write(char[] c, int off, int n) throws IOException {
            if (closed) {
                throw new IOException("the message was closed");
            }
            buf.append(c, off, n);
            if (buf.length() >= SIZE) {
                // keep a high surrogate for the next part: a part must end on a whole character
                int cut = Character.isHighSurrogate(buf.charAt(buf.length() - 1)) ? buf.length() - 1 : buf.length();
                remote.sendText(buf.substring(0, cut), false);
                buf.delete(0, cut);
            }
        }

        @Override
        public void flush() {
            // parts go out as the buffer fills; the last one on close
        }

        @Override
        public void close() throws IOException {
            if (!closed) {
                closed = true;
                remote.sendText(buf.toString(), true);
            }
        }
    }
}
