package org.lws4j.core.raw;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.Pipe;
import java.nio.channels.SelectableChannel;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;

import org.lws4j.core.loop.Endpoint;

/**
 * A stream Java cannot select on (a FIFO, stdin, a process's output) made into an endpoint: a
 * bridge thread reads the stream and writes into a pipe the loop selects on, so callbacks stay on
 * the service thread and a loop that stops reading stops the bridge (the pipe fills). Writes go
 * to a bounded queue a second thread drains into the output stream; when it has room again it
 * wakes the loop, since this channel cannot be selected for writing.
 */
public final class StreamBridgeEndpoint implements Endpoint {
    private static final int QUEUE = 16;

    private final InputStream in;
    private final OutputStream out;
    private final Pipe pipe;
    private final BlockingQueue<byte[]> outQueue = new ArrayBlockingQueue<>(QUEUE);
    private final String name;
    private volatile Runnable wake = () -> { };
    private volatile boolean closed;
    private volatile boolean ending;
    private Thread reader;
    private Thread writer;

    public StreamBridgeEndpoint(InputStream in, OutputStream out, String name) throws IOException {
        this.in = in;
        this.out = out;
        this.name = name;
        this.pipe = Pipe.open();
        pipe.source().configureBlocking(false);
    }

    /** What to run (from the writer thread) when the output queue has room again. */
    public void setWake(Runnable r) {
        wake = r;
    }

    @Override
    public SelectableChannel channel() {
        return pipe.source();
    }

    @Override
    public void start() {
        reader = new Thread(this::pumpIn, "lws4j-bridge-in-" + name);
        reader.setDaemon(true);
        reader.start();
        if (out != null) {
            writer = new Thread(this::pumpOut, "lws4j-bridge-out-" + name);
            writer.setDaemon(true);
            writer.start();
        }
    }

    private void pumpIn() {
        byte[] buf = new byte[16 * 1024];
        try (Pipe.SinkChannel sink = pipe.sink()) {
            int n;
            while (!closed && (n = in.read(buf)) >= 0) {
                ByteBuffer b = ByteBuffer.wrap(buf, 0, n);
                while (b.hasRemaining()) {
                    sink.write(b); // blocks while the loop is not reading: back-pressure
                }
            }
        } catch (IOException e) {
            // the stream or the pipe closed: the loop sees the end
        }
    }

    /**
     * Writes queued bytes to the output stream; closes it once the connection ended its output
     * (or closed) and everything queued before that is written. The end is a flag, not a queue
     * entry, so a full queue cannot lose it.
     */
    private void pumpOut() {
        try {
            while (true) {
                byte[] b = outQueue.poll(100, java.util.concurrent.TimeUnit.MILLISECONDS);
                if (b != null) {
                    out.write(b);
                    out.flush();
                    if (outQueue.remainingCapacity() > QUEUE / 2) {
                        wake.run();
                    }
                } else if (ending || closed) {
                    out.close();
                    return;
                }
            }
        } catch (IOException | InterruptedException e) {
            closed = true;
            try {
                out.close();
            } catch (IOException ignored) {
                // gone either way
            }
        }
    }

    @Override
    public int read(ByteBuffer dst) throws IOException {
        return pipe.source().read(dst);
    }

    @Override
    public long write(ByteBuffer[] srcs) throws IOException {
        if (out == null) {
            throw new IOException("this stream is read-only");
        }
        if (closed) {
            throw new IOException("the output stream is closed");
        }
        long taken = 0;
        for (ByteBuffer s : srcs) {
            if (!s.hasRemaining()) {
                continue;
            }
            byte[] copy = new byte[s.remaining()];
            s.duplicate().get(copy);
            if (!outQueue.offer(copy)) {
                break; // full: the rest waits in the connection until the writer wakes us
            }
            s.position(s.limit());
            taken += copy.length;
        }
        return taken;
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
        return false;
    }

    @Override
    public boolean selectsWrite() {
        return false;
    }

    @Override
    public void shutdownOutput() {
        ending = true;
    }

    @Override
    public void close() throws IOException {
        closed = true;
        pipe.source().close();
        try {
            in.close(); // unblocks the reader on most streams
        } catch (IOException ignored) {
            // closing anyway
        }
    }

    @Override
    public boolean isSecure() {
        return false;
    }
}
