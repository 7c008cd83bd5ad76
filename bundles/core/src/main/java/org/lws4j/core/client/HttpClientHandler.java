package org.lws4j.core.client;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

import org.lws4j.api.ClientConnectInfo;
import org.lws4j.api.Reason;
import org.lws4j.api.Result;
import org.lws4j.api.Role;
import org.lws4j.api.WriteMode;
import org.lws4j.core.http.BodyDecoder;
import org.lws4j.core.http.HttpHost;
import org.lws4j.core.conn.ConnectionImpl;
import org.lws4j.core.conn.RoleHandler;

/**
 * An HTTP/1.1 client exchange: sends the request once connected (the body, for methods that have
 * one, from CLIENT_HTTP_WRITEABLE), reads the response head (ESTABLISHED_CLIENT_HTTP with status
 * and headers available), then for each arrival of body bytes calls RECEIVE_CLIENT_HTTP and stops
 * reading until the protocol calls {@link #httpClientRead()}, which hands the bytes over as
 * RECEIVE_CLIENT_HTTP_READ: the protocol reads at its own pace. Fixed-length, chunked and
 * close-delimited bodies; COMPLETED_CLIENT_HTTP at the end, then the connection closes.
 */
final class HttpClientHandler extends RoleHandler {
    private final ClientConnectInfo info;
    private final HttpHost host;
    private ResponseHeadReader reader = new ResponseHeadReader();
    private final boolean sendsBody;
    private boolean requestChunked;
    private boolean requestDone;
    private boolean headDone;
    private BodyDecoder body;
    private boolean closeDelimited;
    private ByteBuffer pending;
    private boolean eof;
    private boolean completed;
    private boolean failed;

    HttpClientHandler(ConnectionImpl conn, ClientConnectInfo info, HttpHost host) {
        super(conn);
        this.info = info;
        this.host = host;
        String m = info.method();
        this.sendsBody = m.equals("POST") || m.equals("PUT") || m.equals("PATCH");
    }

    @Override
    public Role role() {
        return Role.HTTP;
    }

    @Override
    public void onConnected() {
        StringBuilder b = new StringBuilder(256);
        b.append(info.method()).append(' ').append(info.path()).append(" HTTP/1.1\r\n");
        int p = info.port();
        boolean defPort = (info.tls() && p == 443) || (!info.tls() && p == 80);
        b.append("Host: ").append(info.host()).append(defPort ? "" : ":" + p).append("\r\n");
        b.append("User-Agent: lws4j\r\nAccept: */*\r\nConnection: close\r\n");
        boolean hasLength = false;
        for (var h : info.headers().entrySet()) {
            b.append(h.getKey()).append(": ").append(h.getValue()).append("\r\n");
            hasLength |= h.getKey().equalsIgnoreCase("content-length");
        }
        if (sendsBody && !hasLength) {
            requestChunked = true;
            b.append("Transfer-Encoding: chunked\r\n");
        }
        b.append("\r\n");
        requestDone = !sendsBody;
        conn.setRoleDeadline(TimeUnit.SECONDS.toNanos(host.config().timeoutSecs()));
        conn.send(ByteBuffer.wrap(b.toString().getBytes(StandardCharsets.ISO_8859_1)));
        if (sendsBody) {
            conn.requestWriteable();
        }
    }

    @Override
    public void onWriteable() {
        if (!requestDone && !failed) {
            if (conn.call(Reason.CLIENT_HTTP_WRITEABLE, null) == Result.CLOSE) {
                conn.closeNow("protocol closed while sending the request");
            }
        }
    }

    @Override
    public boolean write(ByteBuffer data, WriteMode mode, boolean fin) {
        if (mode != WriteMode.HTTP) {
            throw new IllegalStateException("write(" + mode + ") on an HTTP client; use WriteMode.HTTP");
        }
        if (conn.inCallback() != Reason.CLIENT_HTTP_WRITEABLE) {
            throw new IllegalStateException("request bodies are written from CLIENT_HTTP_WRITEABLE, not " + conn.inCallback());
        }
        if (requestDone) {
            throw new IllegalStateException("the request body is already complete");
        }
        int n = data.remaining();
        if (requestChunked) {
            if (n > 0) {
                conn.send(ByteBuffer.wrap((Integer.toHexString(n) + "\r\n").getBytes(StandardCharsets.ISO_8859_1)), data,
                        ByteBuffer.wrap("\r\n".getBytes(StandardCharsets.ISO_8859_1)));
            }
            if (fin) {
                conn.send(ByteBuffer.wrap("0\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1)));
            }
        } else if (n > 0) {
            conn.send(data);
        }
        requestDone = fin;
        return conn.isOpen();
    }

    @Override
    public void onData(ByteBuffer in) {
        if (failed || completed) {
            in.position(in.limit());
            return;
        }
        if (!headDone) {
            if (!reader.feed(in)) {
                return;
            }
            if (reader.error() != null) {
                fail(reader.error());
                return;
            }
            if (reader.status() >= 100 && reader.status() < 200) {
                // an interim answer (100 Continue): the real one follows
                reader = new ResponseHeadReader();
                onData(in);
                return;
            }
            headDone = true;
            conn.setRoleDeadline(0);
            frameBody();
            if (conn.call(Reason.ESTABLISHED_CLIENT_HTTP, null) == Result.CLOSE) {
                conn.closeNow("protocol closed on the response head");
                return;
            }
            if (body == null && !closeDelimited) {
                complete();
                return;
            }
        }
        if (!in.hasRemaining()) {
            return;
        }
        // body bytes wait here until the protocol reads them
        int have = pending == null ? 0 : pending.remaining();
        ByteBuffer p = ByteBuffer.allocate(have + in.remaining());
        if (pending != null) {
            p.put(pending);
        }
        p.put(in).flip();
        pending = p;
        conn.holdRx();
        if (conn.call(Reason.RECEIVE_CLIENT_HTTP, null) == Result.CLOSE) {
            conn.closeNow("protocol closed while receiving the response");
        }
    }

    private void frameBody() {
        ResponseHeadReader r = reader;
        int st = r.status();
        if (info.method().equals("HEAD") || st == 204 || st == 304) {
            return;
        }
        String te = r.header("transfer-encoding");
        String cl = r.header("content-length");
        if (te != null && te.toLowerCase(Locale.ROOT).contains("chunked")) {
            body = BodyDecoder.chunked(Long.MAX_VALUE);
        } else if (cl != null) {
            try {
                body = BodyDecoder.fixed(Long.parseLong(cl.trim()));
            } catch (NumberFormatException e) {
                closeDelimited = true;
            }
        } else {
            closeDelimited = true;
        }
    }

    @Override
    public int httpClientRead() {
        if (pending == null || !pending.hasRemaining()) {
            maybeEndAfterEof();
            return 0;
        }
        ByteBuffer p = pending;
        pending = null;
        int delivered = 0;
        if (closeDelimited) {
            delivered = p.remaining();
            if (conn.call(Reason.RECEIVE_CLIENT_HTTP_READ, p.asReadOnlyBuffer()) == Result.CLOSE) {
                conn.closeNow("protocol closed while reading the response");
                return delivered;
            }
        } else {
            while (true) {
                BodyDecoder.Step s = body.next(p);
                if (s == BodyDecoder.Step.PIECE) {
                    delivered += body.piece().remaining();
                    if (conn.call(Reason.RECEIVE_CLIENT_HTTP_READ, body.piece().asReadOnlyBuffer()) == Result.CLOSE) {
                        conn.closeNow("protocol closed while reading the response");
                        return delivered;
                    }
                } else if (s == BodyDecoder.Step.DONE) {
                    complete();
                    return delivered;
                } else if (s == BodyDecoder.Step.ERROR) {
                    fail("bad response body: " + body.errorMessage());
                    return delivered;
                } else {
                    break;
                }
            }
        }
        if (!maybeEndAfterEof()) {
            conn.resumeRx();
        }
        return delivered;
    }

    private boolean maybeEndAfterEof() {
        if (eof && !completed && !failed) {
            if (closeDelimited) {
                complete();
            } else {
                fail("the server closed the connection before the response ended");
            }
            return true;
        }
        return false;
    }

    private void complete() {
        if (completed) {
            return;
        }
        completed = true;
        conn.call(Reason.COMPLETED_CLIENT_HTTP, null);
        conn.closeAfterFlush("response complete");
    }

    private void fail(String why) {
        failed = true;
        conn.failClient("HTTP client failed", why);
    }

    @Override
    public void onConnectFailed(String why) {
        fail(why);
    }

    @Override
    public void onRoleTimeout() {
        fail(conn.isConnecting() ? "connect timed out" : "no response in time");
    }

    @Override
    public void onEof() {
        eof = true;
        if (!headDone) {
            fail("the server closed the connection before answering");
        } else if (pending == null || !pending.hasRemaining()) {
            maybeEndAfterEof();
        }
        // else: the protocol reads what is pending first; the end follows its read
    }

    @Override
    public void onClosed(String why) {
        if (headDone && !failed) {
            conn.call(Reason.CLOSED_CLIENT_HTTP, null);
        } else if (!failed) {
            // closed before the answer (a reset, a TLS alert): still a connection error
            failed = true;
            conn.callConnectionError(why);
        }
    }

    @Override
    public void onUnbind() {
        failed = true;
        conn.unbindProtocol();
        conn.closeNow("protocol went away");
    }

    @Override
    public int responseStatus() {
        return headDone ? reader.status() : 0;
    }

    @Override
    public String responseHeader(String name) {
        return headDone ? reader.header(name) : null;
    }
}
