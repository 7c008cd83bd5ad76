package org.lws4j.testkit;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;

import org.lws4j.api.HttpRequest;
import org.lws4j.api.HttpResponse;
import org.lws4j.api.Reason;
import org.lws4j.api.Result;
import org.lws4j.api.Role;
import org.lws4j.api.WriteMode;

/**
 * A raw connection (lws's raw-skt, or raw-file for an adopted file, pipe or stream), with the test
 * at its other end. The protocol gets RAW_ADOPT, RAW_RX with what the test sends, RAW_WRITEABLE
 * when the test lets the socket drain after it asked, RAW_CLOSE at the end (the _FILE reasons for
 * files). While the protocol has stopped reading, what the test sends waits and arrives in one
 * RAW_RX once it resumes, as the core hands over what it held.
 */
public final class TestRaw extends TestConnection {
    private final boolean file;
    private boolean adopted;
    private final ArrayDeque<byte[]> inbound = new ArrayDeque<>();
    private final ByteArrayOutputStream received = new ByteArrayOutputStream();

    TestRaw(TestBinding binding, boolean file) {
        super(binding.vhost(), null);
        this.file = file;
        this.binding = binding; // bound in adopted(), on the service thread
    }

    void adopted() {
        TestBinding b = binding;
        binding = null;
        ctx.opened(this);
        bind(b);
        adopted = true;
        if (call(file ? Reason.RAW_ADOPT_FILE : Reason.RAW_ADOPT, null) == Result.CLOSE) {
            closeAfterFlush("protocol closed on adoption");
        }
    }

    // ---- the other end -------------------------------------------------------------------------

    /**
     * Bytes arrive: RAW_RX (RAW_RX_FILE) with them, or held while the protocol does not read.
     *
     * @return false when the connection has closed or is closing: the bytes went nowhere
     */
    public boolean send(byte[] data) {
        ctx.checkOwner();
        if (state != State.OPEN) {
            return false;
        }
        ctx.turn(() -> {
            inbound.add(data.clone());
            countIn(data.length);
            resumeDelivery();
        });
        return true;
    }

    /** {@link #send(byte[])} of UTF-8 text. */
    public boolean send(String text) {
        return send(text.getBytes(StandardCharsets.UTF_8));
    }

    /** Everything the protocol wrote that reached this end, in order. */
    public byte[] received() {
        return received.toByteArray();
    }

    /** {@link #received()} as UTF-8. */
    public String receivedText() {
        return received.toString(StandardCharsets.UTF_8);
    }

    /** Forgets what was received so far. */
    public void clearReceived() {
        received.reset();
    }

    /** This end closes (end of file): RAW_CLOSE once what the protocol queued is out. */
    @Override
    public void disconnect() {
        ctx.checkOwner();
        ctx.turn(() -> {
            if (queuedBytes() > 0) {
                closeAfterFlush("peer closed its side");
            } else {
                closeNow("peer closed");
            }
        });
    }

    // ---- the role ------------------------------------------------------------------------------

    @Override
    void resumeDelivery() {
        if (isRxPaused() || inbound.isEmpty() || state != State.OPEN) {
            return;
        }
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        while (!inbound.isEmpty()) {
            all.writeBytes(inbound.poll());
        }
        ByteBuffer in = ByteBuffer.wrap(all.toByteArray()).asReadOnlyBuffer();
        if (call(file ? Reason.RAW_RX_FILE : Reason.RAW_RX, in) == Result.CLOSE) {
            closeAfterFlush("protocol closed from RAW_RX");
        }
    }

    @Override
    void onWriteable() {
        if (call(file ? Reason.RAW_WRITEABLE_FILE : Reason.RAW_WRITEABLE, null) == Result.CLOSE) {
            closeAfterFlush("protocol closed from RAW_WRITEABLE");
        }
    }

    @Override
    void closeByProtocol(int code, String reason) {
        closeAfterFlush("closed by protocol (" + code + " " + reason + ")");
    }

    @Override
    void onClosed(String why) {
        if (adopted) {
            call(file ? Reason.RAW_CLOSE_FILE : Reason.RAW_CLOSE, null);
        }
    }

    @Override
    void unbound() {
        if (adopted) {
            call(file ? Reason.RAW_CLOSE_FILE : Reason.RAW_CLOSE, null);
            adopted = false;
        }
        unbind();
        closeAfterFlush("protocol went away");
    }

    @Override
    public Role role() {
        return file ? Role.RAW_FILE : Role.RAW_SOCKET;
    }

    @Override
    public HttpRequest request() {
        checkThread();
        throw unsupported("request headers");
    }

    @Override
    public boolean write(ByteBuffer data, WriteMode mode, boolean fin) {
        checkThread();
        if (state != State.OPEN) {
            return false;
        }
        if (mode != WriteMode.RAW && mode != WriteMode.HTTP) {
            throw new IllegalStateException("write(" + mode + ") on a raw connection; use WriteMode.RAW");
        }
        Reason expected = file ? Reason.RAW_WRITEABLE_FILE : Reason.RAW_WRITEABLE;
        if (inCallback() != expected) {
            throw new IllegalStateException("raw writes belong in " + expected + ", not " + inCallback());
        }
        byte[] b = new byte[data.remaining()];
        data.get(b);
        send(b.length, () -> received.writeBytes(b));
        return true;
    }

    @Override
    public void writeHttpHeaders(HttpResponse response) {
        checkThread();
        throw unsupported("writeHttpHeaders");
    }

    @Override
    public void respond(HttpResponse response, ByteBuffer body) {
        checkThread();
        throw unsupported("respond");
    }

    @Override
    public void respondStatus(int status, String message) {
        checkThread();
        throw unsupported("respondStatus");
    }

    @Override
    public void redirect(int status, String location) {
        checkThread();
        throw unsupported("redirect");
    }

    @Override
    public String toString() {
        return (file ? "raw-file#" : "raw#") + id();
    }
}
