package org.lws4j.core.h2;

import java.util.ArrayList;
import java.util.List;

/**
 * The client half of {@link H2Connection}: this side opens the streams (odd identifiers, each
 * above the last, RFC 9113 section 5.1.1) within the peer's SETTINGS_MAX_CONCURRENT_STREAMS and
 * not after its GOAWAY; a field block the peer sends on one is the response head (after any
 * 1xx interim heads, which are dropped), or its trailers. The peer opens nothing: push is off in
 * our SETTINGS, so a PUSH_PROMISE or a field block on a stream we never opened ends the
 * connection. Service thread only, like the connection.
 */
final class ClientStreams {
    private final H2Connection c;
    private int nextId = 1;
    private long peerMaxStreams = Long.MAX_VALUE;
    private int goAwayLastId = Integer.MAX_VALUE;

    ClientStreams(H2Connection connection) {
        this.c = connection;
    }

    void peerMaxStreams(long n) {
        peerMaxStreams = n;
    }

    /** Whether a stream may be opened now (the peer's limit, its GOAWAY, identifiers left). */
    boolean canOpen() {
        return goAwayLastId == Integer.MAX_VALUE && c.streams().size() < peerMaxStreams && nextId > 0;
    }

    /** Opens a stream with the request's field block; its identifier, or -1 when none may open now. */
    int open(List<HeaderField> fields, boolean endStream, long initialSendWindow, int receiveWindow) {
        if (!canOpen()) {
            return -1;
        }
        int id = nextId;
        nextId += 2;
        c.streams().opened(id);
        H2Stream s = new H2Stream(id, initialSendWindow, receiveWindow);
        s.state = StreamState.OPEN;
        s.surfaced = true;
        c.streams().put(s);
        c.sendHeaders(id, fields, endStream);
        return id;
    }

    /** A whole field block from the server, already decoded ({@code fits}: within our list size). */
    void onFieldBlock(int id, boolean endStream, List<HeaderField> fields, boolean fits) throws H2Exception {
        H2Stream s = c.streams().get(id);
        if (s == null) {
            if (c.streams().isIdle(id)) {
                throw H2Exception.connection(ErrorCode.PROTOCOL_ERROR, "HEADERS on stream " + id + ", which we never opened");
            }
            if (c.streams().wasResetByUs(id)) {
                return;
            }
            throw H2Exception.stream(id, ErrorCode.STREAM_CLOSED, "HEADERS on closed stream " + id);
        }
        if (!s.state.remoteOpen()) {
            throw H2Exception.stream(id, ErrorCode.STREAM_CLOSED, "HEADERS after END_STREAM");
        }
        if (!fits) {
            throw H2Exception.stream(id, ErrorCode.ENHANCE_YOUR_CALM, "response head over the header list limit");
        }
        if (s.responded) {
            c.trailers(s, fields, true, endStream);
            return;
        }
        int status = RequestHeaders.checkResponse(id, fields);
        if (status < 200) {
            if (endStream || status == 101) {
                throw H2Exception.stream(id, ErrorCode.PROTOCOL_ERROR, "interim status " + status + (endStream ? " ending the stream" : ""));
            }
            return; // 100 Continue, 103 Early Hints: the final head follows
        }
        s.responded = true;
        List<HeaderField> regular = new ArrayList<>(fields.size());
        for (HeaderField f : fields) {
            if (!f.name().startsWith(":")) {
                regular.add(f);
            }
        }
        if (endStream) {
            c.remoteEnded(s);
        }
        c.listener().onResponse(id, status, regular, endStream);
        c.forgetIfClosed(s);
    }

    /**
     * The server's GOAWAY: streams above {@code lastStreamId} were not processed and are gone
     * (the listener hears REFUSED_STREAM: a retry elsewhere is safe); nothing new opens.
     */
    void onGoAway(int lastStreamId) {
        goAwayLastId = Math.min(goAwayLastId, lastStreamId);
        for (H2Stream s : c.streams().all()) {
            if (s.id > lastStreamId) {
                c.streams().remove(s.id);
                c.listener().onReset(s.id, ErrorCode.REFUSED_STREAM, true);
            }
        }
    }
}
