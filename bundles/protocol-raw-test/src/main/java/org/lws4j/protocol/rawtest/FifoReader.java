package org.lws4j.protocol.rawtest;

import java.io.IOException;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

import org.lws4j.api.Context;
import org.lws4j.api.Log;
import org.lws4j.api.Vhost;
import org.lws4j.api.VhostProtocol;

/**
 * The FIFO of one binding. {@link #start()} makes it ({@code mkfifo -m 600}), opens it and adopts
 * it onto the binding's vhost as a raw file, all on a thread of its own: the service thread that
 * runs PROTOCOL_INIT never waits for a process or a file.
 *
 * <p>The FIFO is opened for reading <em>and</em> writing. Opened read-only it would block until
 * a writer appears, and report end of file each time a writer (an {@code echo hello > FIFO})
 * closes, which in lws means closing and re-adopting it; holding a write end of our own, the open
 * returns at once and the reader only ever sees data. The core's bridge thread reads it (a FIFO
 * cannot be selected in Java) and posts what it reads into the loop, so RAW_RX_FILE arrives on
 * the service thread.
 *
 * <p>{@link #stop()} (PROTOCOL_DESTROY) closes the channel, which ends the bridge's blocked read,
 * and removes the FIFO, but only the one this binding made: a binding that replaced this one may
 * have made a new FIFO at the same path.
 */
final class FifoReader {
    /** How long the opener waits for the binding to become visible on its vhost. */
    private static final long BIND_WAIT_MS = 30_000;

    private final VhostProtocol binding;
    private final Path path;
    private final Log log;
    private final Thread opener;
    private FileChannel channel; // guarded by this
    private Object fileKey; // guarded by this
    private boolean stopped; // guarded by this

    FifoReader(VhostProtocol binding, Path path) {
        this.binding = binding;
        this.path = path;
        this.log = binding.vhost().context().log();
        this.opener = new Thread(this::open, "lws4j-raw-test-fifo-" + binding.vhost().name());
        this.opener.setDaemon(true);
    }

    Path path() {
        return path;
    }

    void start() {
        opener.start();
    }

    private void open() {
        String name = RawTestProtocol.NAME;
        try {
            Object key = make();
            FileChannel ch = FileChannel.open(path, StandardOpenOption.READ, StandardOpenOption.WRITE);
            synchronized (this) {
                fileKey = key;
                if (stopped) {
                    ch.close();
                    removeIfOurs();
                    return;
                }
                channel = ch;
            }
            if (!awaitBinding()) {
                stop();
                return;
            }
            Vhost v = binding.vhost();
            synchronized (this) {
                if (stopped) {
                    return;
                }
                // adoption by name: the core picks the vhost of that name, checked unique in awaitBinding
                v.context().adoptStream(Channels.newInputStream(ch), null, v.name(), name);
            }
            log.notice("%s: FIFO %s created", name, path);
        } catch (IOException | RuntimeException e) {
            log.err("%s: vhost %s: no FIFO at %s: %s", name, binding.vhost().name(), path, e.getMessage() == null ? e : e.getMessage());
            stop();
        } catch (InterruptedException e) {
            stop();
        }
    }

    /** Makes the FIFO (replacing a FIFO left at the path, never another kind of file); returns its file key. */
    private Object make() throws IOException, InterruptedException {
        if (Files.exists(path, LinkOption.NOFOLLOW_LINKS)) {
            if (!isFifo(path)) {
                throw new IOException(path + " exists and is not a FIFO; set pvo \"fifo-path\" elsewhere");
            }
            Files.delete(path); // a FIFO left by an earlier run, as lws unlinks it first
        }
        Process p = new ProcessBuilder("mkfifo", "-m", "600", path.toString()).redirectErrorStream(true).start();
        if (!p.waitFor(10, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IOException("mkfifo did not finish in 10 s");
        }
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        if (p.exitValue() != 0) {
            throw new IOException("mkfifo failed (" + p.exitValue() + "): " + out);
        }
        return Files.readAttributes(path, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS).fileKey();
    }

    /**
     * The binding is installed on its vhost only after PROTOCOL_INIT returns, and adoption names
     * a vhost and a protocol: wait until the name leads to this very binding.
     */
    private boolean awaitBinding() throws InterruptedException {
        Vhost v = binding.vhost();
        Context ctx = v.context();
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(BIND_WAIT_MS);
        while (System.nanoTime() < deadline) {
            synchronized (this) {
                if (stopped) {
                    return false;
                }
            }
            if (ctx.vhost(v.name()) != v) {
                log.warn("%s: vhost %s on port %d: another vhost has that name, and adoption finds vhosts by name:"
                        + " no FIFO here (give the vhost a name of its own)", RawTestProtocol.NAME, v.name(), v.port());
                return false;
            }
            if (v.protocol(RawTestProtocol.NAME) == binding) {
                return true;
            }
            Thread.sleep(20);
        }
        log.warn("%s: vhost %s: the binding did not appear in %d ms; no FIFO", RawTestProtocol.NAME, v.name(), BIND_WAIT_MS);
        return false;
    }

    /** Closes the FIFO (the bridge's read ends) and removes it if it is still the one made here. */
    void stop() {
        FileChannel ch;
        synchronized (this) {
            if (stopped) {
                return;
            }
            stopped = true;
            ch = channel;
            channel = null;
        }
        if (Thread.currentThread() != opener) {
            opener.interrupt();
        }
        try {
            if (ch != null) {
                ch.close();
            }
        } catch (IOException ignored) {
            // closing anyway
        }
        synchronized (this) {
            removeIfOurs();
        }
    }

    private void removeIfOurs() {
        try {
            if (fileKey != null && Files.exists(path, LinkOption.NOFOLLOW_LINKS) && Objects.equals(fileKey,
                    Files.readAttributes(path, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS).fileKey())) {
                Files.delete(path);
            }
        } catch (IOException e) {
            log.warn("%s: cannot remove FIFO %s: %s", RawTestProtocol.NAME, path, e.getMessage());
        }
    }

    static boolean isFifo(Path p) throws IOException {
        BasicFileAttributes a = Files.readAttributes(p, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        return a.isOther() && !a.isDirectory() && !a.isRegularFile() && !a.isSymbolicLink()
                && ((Integer) Files.getAttribute(p, "unix:mode", LinkOption.NOFOLLOW_LINKS) & 0170000) == 0010000;
    }
}
