package org.lws4j.protocol.dynamic;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.nio.ByteBuffer;
import java.time.Clock;

import org.lws4j.api.Connection;
import org.lws4j.api.HttpRequest;
import org.lws4j.api.HttpResponse;
import org.lws4j.api.Protocol;
import org.lws4j.api.ProtocolAdapter;
import org.lws4j.api.ProtocolName;
import org.lws4j.api.Result;
import org.lws4j.api.WriteMode;
import org.osgi.service.component.annotations.Component;

/**
 * The {@value #NAME} protocol: lws's minimal-http-server-dynamic. Mounted as
 * {@code callback://lws4j-dynamic}, it answers every request below the mountpoint with an HTML
 * page built for that request (see {@link DynamicPage}), carrying the header
 * {@code X-Lws4j-Dynamic: 1}.
 *
 * <p>It shows the writeable discipline: the headers go out from HTTP (or, for a request with a
 * body, from HTTP_BODY_COMPLETION), the page waits in the connection's {@link Exchange}, and each
 * HTTP_WRITEABLE writes at most {@value #PIECE} bytes and asks for another while more remains.
 * A request body is collected up to {@value #BODY_LIMIT} bytes; a bigger one gets 413.
 *
 * <p>It keeps no state outside the sessions, so it needs no locks and has no per-vhost options.
 */
@Component(service = Protocol.class)
@ProtocolName(DynamicProtocol.NAME)
public final class DynamicProtocol extends ProtocolAdapter {
    /** The protocol name, as a mount origin names it: {@code callback://lws4j-dynamic}. */
    public static final String NAME = "lws4j-dynamic";
    /** The most body bytes written by one HTTP_WRITEABLE. */
    static final int PIECE = 4096;
    /** The biggest request body accepted. */
    static final int BODY_LIMIT = 64 * 1024;
    /** The response header that tells tests (and curious people) who answered. */
    static final String MARK_HEADER = "X-Lws4j-Dynamic";

    private final Clock clock;

    /** For DS. */
    public DynamicProtocol() {
        this(Clock.systemUTC());
    }

    /** For tests that want a fixed server time. */
    DynamicProtocol(Clock clock) {
        this.clock = clock;
    }

    @Override
    public Object newSession(Connection wsi) {
        return new Exchange(BODY_LIMIT);
    }

    @Override
    protected Result onHttp(Connection wsi, ByteBuffer in) {
        Exchange exchange = wsi.session();
        HttpRequest request = wsi.request();
        if (request.contentLength() > BODY_LIMIT) {
            // Refuse before reading a byte of it: the peer said how much is coming.
            return tooLarge(wsi, exchange);
        }
        if (request.contentLength() >= 0 || request.header("Transfer-Encoding") != null) {
            // A declared body, even an empty one, ends with HTTP_BODY_COMPLETION: answer there.
            exchange.expectBody();
            return Result.CONTINUE;
        }
        return answer(wsi, exchange, -1);
    }

    @Override
    protected Result onHttpBody(Connection wsi, ByteBuffer in) {
        Exchange exchange = wsi.session();
        if (exchange.isReadingBody() && !exchange.collect(in)) {
            return tooLarge(wsi, exchange);
        }
        return Result.CONTINUE;
    }

    @Override
    protected Result onHttpBodyCompletion(Connection wsi, ByteBuffer in) {
        Exchange exchange = wsi.session();
        if (!exchange.isReadingBody()) {
            // Already answered from HTTP (no body was announced) or already refused.
            return Result.CONTINUE;
        }
        return answer(wsi, exchange, exchange.bodyLength());
    }

    @Override
    protected Result onHttpWriteable(Connection wsi, ByteBuffer in) {
        Exchange exchange = wsi.session();
        ByteBuffer piece = exchange.nextPiece(PIECE);
        if (piece == null) {
            // A WRITEABLE we did not need (headers only so far, or all sent): nothing to do.
            return Result.CONTINUE;
        }
        boolean last = !exchange.hasMoreToSend();
        if (!wsi.write(piece, WriteMode.HTTP, last)) {
            return Result.CLOSE;
        }
        if (!last) {
            wsi.requestWriteable();
        }
        return Result.CONTINUE;
    }

    private Result answer(Connection wsi, Exchange exchange, long bodyLength) {
        HttpRequest request = wsi.request();
        String html = DynamicPage.render(request, wsi.peerAddress(), clock.instant(), bodyLength);
        byte[] page = html.getBytes(UTF_8);
        wsi.writeHttpHeaders(HttpResponse.of(200)
                .contentType("text/html; charset=utf-8")
                .contentLength(page.length)
                .header(MARK_HEADER, "1")
                .header("Cache-Control", "no-store"));
        exchange.send(page);
        // The core calls HTTP_WRITEABLE once the headers are out anyway; asking does no harm.
        wsi.requestWriteable();
        return Result.CONTINUE;
    }

    private static Result tooLarge(Connection wsi, Exchange exchange) {
        exchange.refuse();
        wsi.respondStatus(413, "The request body is over " + BODY_LIMIT / 1024 + " KiB.");
        return Result.CLOSE;
    }
}
