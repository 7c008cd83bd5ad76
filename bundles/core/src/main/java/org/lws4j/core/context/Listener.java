package org.lws4j.core.context;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.channels.SelectionKey;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import org.lws4j.core.loop.Selectable;
import org.lws4j.core.loop.ServiceThread;
import org.lws4j.core.loop.Timer;
import org.lws4j.core.vhost.VhostImpl;

/**
 * One listen socket, shared by every vhost on its address and port, registered on service
 * thread 0. Accepted sockets are handed to the context, which picks a thread for each.
 */
final class Listener implements Selectable {
    private final ContextImpl ctx;
    private final ServiceThread pt;
    private final ServerSocketChannel ssc;
    private final InetSocketAddress address;
    private final List<VhostImpl> vhosts = new CopyOnWriteArrayList<>();
    private final Timer resumeAccept;
    private final boolean tls;
    private volatile org.lws4j.spi.tls.TlsProvider.Server tlsServer;
    private volatile String tlsProblem = "no TLS provider is installed (the lws4j tls bundle)";
    private SelectionKey key;

    Listener(ContextImpl ctx, ServiceThread pt, InetSocketAddress address, boolean tls) throws IOException {
        this.ctx = ctx;
        this.pt = pt;
        this.address = address;
        this.tls = tls;
        this.ssc = ServerSocketChannel.open();
        this.resumeAccept = new Timer(() -> {
            if (key != null && key.isValid()) {
                key.interestOps(SelectionKey.OP_ACCEPT);
            }
        });
        try {
            ssc.setOption(StandardSocketOptions.SO_REUSEADDR, true);
            ssc.configureBlocking(false);
            ssc.bind(address, 512);
        } catch (IOException e) {
            ssc.close();
            throw e;
        }
    }

    /** On thread 0: joins the loop, accepting now or only after {@link #acceptNow()}. */
    void register(boolean accept) throws IOException {
        key = ssc.register(pt.selector(), accept ? SelectionKey.OP_ACCEPT : 0, this);
    }

    /** On thread 0: starts accepting (connections made before wait in the backlog until now). */
    void acceptNow() {
        if (key != null && key.isValid()) {
            key.interestOps(SelectionKey.OP_ACCEPT);
        }
    }

    @Override
    public void onSelected(SelectionKey k) {
        for (int i = 0; i < 64; i++) {
            SocketChannel ch;
            try {
                ch = ssc.accept();
            } catch (IOException e) {
                // typically EMFILE: stop accepting for a moment rather than spin on it
                ctx.log().warn("accept on %s failed: %s; pausing accepts for 100 ms", address, e.getMessage());
                k.interestOps(0);
                pt.timers().schedule(resumeAccept, System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(100));
                return;
            }
            if (ch == null) {
                return;
            }
            ctx.accepted(ch, this);
        }
    }

    InetSocketAddress address() {
        return address;
    }

    /** True when this port speaks TLS. */
    boolean isTls() {
        return tls;
    }

    /** The TLS server side now, or null when TLS cannot be served (see {@link #tlsProblem()}). */
    org.lws4j.spi.tls.TlsProvider.Server tlsServer() {
        return tlsServer;
    }

    String tlsProblem() {
        return tlsProblem;
    }

    void setTls(org.lws4j.spi.tls.TlsProvider.Server server, String problem) {
        this.tlsServer = server;
        this.tlsProblem = problem;
    }

    /** The port actually bound (useful when configured as 0 in tests). */
    int boundPort() {
        return ssc.socket().getLocalPort();
    }

    List<VhostImpl> vhosts() {
        return vhosts;
    }

    /**
     * On thread 0. The port is free when this returns: a channel registered with a selector is
     * closed for real only once the selector has dropped its cancelled key, at its next
     * selection, so this runs one at once (what it finds ready stays in the selected set for
     * the loop's next turn).
     */
    void close() {
        pt.timers().cancel(resumeAccept);
        try {
            ssc.close();
        } catch (IOException ignored) {
            // already unusable
        }
        if (key != null) {
            key.cancel();
            pt.flushCancelledKeys();
        }
    }

    @Override
    public String toString() {
        return "listener " + address;
    }
}
