package org.lws4j.testkit;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.lws4j.api.Connection;
import org.lws4j.api.HttpResponse;
import org.lws4j.api.ProtocolAdapter;
import org.lws4j.api.Reason;
import org.lws4j.api.Result;
import org.lws4j.api.WriteMode;

class TestExchangeTest {
    /** Collects the body, answers at completion with headers, then the body back in 3-byte pieces. */
    static final class Upcase extends ProtocolAdapter {
        boolean pauseAfterFirstPiece;
        String pathInMount;

        static final class Session {
            final ByteArrayOutputStream body = new ByteArrayOutputStream();
            ByteBuffer out;
        }

        @Override
        public Object newSession(Connection wsi) {
            return new Session();
        }

        @Override
        protected Result onHttp(Connection wsi, ByteBuffer in) {
            pathInMount = UTF_8.decode(in).toString();
            if (wsi.request().contentLength() < 0 && wsi.request().header("transfer-encoding") == null) {
                return answer(wsi, "no body");
            }
            return Result.CONTINUE;
        }

        @Override
        protected Result onHttpBody(Connection wsi, ByteBuffer in) {
            Session s = wsi.session();
            byte[] b = new byte[in.remaining()];
            in.get(b);
            s.body.writeBytes(b);
            if (pauseAfterFirstPiece) {
                pauseAfterFirstPiece = false;
                wsi.rxFlowControl(false);
            }
            return Result.CONTINUE;
        }

        @Override
        protected Result onHttpBodyCompletion(Connection wsi, ByteBuffer in) {
            Session s = wsi.session();
            return answer(wsi, s.body.toString(UTF_8).toUpperCase());
        }

        private Result answer(Connection wsi, String text) {
            Session s = wsi.session();
            s.out = ByteBuffer.wrap(text.getBytes(UTF_8));
            wsi.writeHttpHeaders(HttpResponse.of(200).contentType("text/plain").header("X-Kit", "1"));
            return Result.CONTINUE;
        }

        @Override
        protected Result onHttpWriteable(Connection wsi, ByteBuffer in) {
            Session s = wsi.session();
            int n = Math.min(3, s.out.remaining());
            ByteBuffer piece = s.out.slice(s.out.position(), n);
            s.out.position(s.out.position() + n);
            wsi.write(piece, WriteMode.HTTP, !s.out.hasRemaining());
            if (s.out.hasRemaining()) {
                wsi.requestWriteable();
            }
            return Result.CONTINUE;
        }
    }

    final TestContext ctx = new TestContext();
    final TestVhost vhost = ctx.addVhost("localhost").mount("/up", "callback://upcase");
    final Upcase p = new Upcase();

    @Test
    void theCallbacksComeInTheCoresOrderAndTheClientSeesAChunkedResponse() {
        vhost.bind("upcase", p);
        TestExchange x = vhost.http(TestRequest.post("/up/there").chunked());
        assertEquals("/there", p.pathInMount);
        x.sendBody("hello ");
        x.sendBody("kit");
        assertEquals(0, x.status(), "nothing before the body is complete");
        x.endBody();
        assertEquals(200, x.status());
        assertEquals("chunked", x.header("transfer-encoding"));
        assertEquals("1", x.header("X-Kit"));
        assertEquals("", x.bodyText(), "the body comes from HTTP_WRITEABLE, when the socket drains");
        assertEquals(3, x.drain());
        assertEquals("HELLO KIT", x.bodyText());
        assertTrue(x.isComplete());
        assertEquals(List.of(Reason.HTTP, Reason.HTTP_BODY, Reason.HTTP_BODY, Reason.HTTP_BODY_COMPLETION,
                Reason.HTTP_WRITEABLE, Reason.HTTP_WRITEABLE, Reason.HTTP_WRITEABLE, Reason.HTTP_DROP_PROTOCOL), x.reasons());
        assertFalse(x.isClosed(), "kept alive");
        x.disconnect();
        assertTrue(x.isClosed());
        assertFalse(x.reasons().contains(Reason.CLOSED_HTTP), "the transaction had ended");
    }

    @Test
    void aBodyWithContentLengthCompletesByItselfEvenEmpty() {
        vhost.bind("upcase", p);
        TestExchange x = vhost.http(TestRequest.post("/up").body("abcdefg".getBytes(UTF_8), 3));
        assertEquals(List.of(Reason.HTTP, Reason.HTTP_BODY, Reason.HTTP_BODY, Reason.HTTP_BODY,
                Reason.HTTP_BODY_COMPLETION), x.reasons());
        x.drain();
        assertEquals("ABCDEFG", x.bodyText());
        TestExchange empty = vhost.http(TestRequest.post("/up").contentLength(0));
        assertEquals(List.of(Reason.HTTP, Reason.HTTP_BODY_COMPLETION), empty.reasons());
    }

    @Test
    void pausedReadingHoldsTheBody() {
        vhost.bind("upcase", p);
        p.pauseAfterFirstPiece = true;
        TestExchange x = vhost.http(TestRequest.post("/up").contentLength(4));
        x.sendBody("ab");
        x.sendBody("cd");
        assertTrue(x.isRxPaused());
        assertEquals(List.of(Reason.HTTP, Reason.HTTP_BODY), x.reasons());
        x.execute(() -> x.rxFlowControl(true)); // from the test's own thread: runs at once
        assertEquals(List.of(Reason.HTTP, Reason.HTTP_BODY, Reason.HTTP_BODY, Reason.HTTP_BODY_COMPLETION), x.reasons());
        x.drain();
        assertEquals("ABCD", x.bodyText());
    }

    @Test
    void noMountIs404AndAnUnboundProtocol503() {
        TestExchange x = vhost.http(TestRequest.get("/nothing"));
        assertEquals(404, x.status());
        TestExchange y = vhost.http(TestRequest.get("/up"));
        assertEquals(503, y.status());
        assertEquals("5", y.header("Retry-After"));
    }

    @Test
    void bodyWritesOutsideHttpWriteableThrow() {
        ProtocolAdapter eager = new ProtocolAdapter() {
            @Override
            protected Result onHttp(Connection wsi, ByteBuffer in) {
                wsi.writeHttpHeaders(HttpResponse.of(200).contentLength(2));
                wsi.write(ByteBuffer.wrap(new byte[2]), WriteMode.HTTP);
                return Result.CONTINUE;
            }
        };
        vhost.bind("upcase", eager);
        TestExchange[] x = new TestExchange[1];
        CallbackFailure f = assertThrows(CallbackFailure.class, () -> x[0] = vhost.http(TestRequest.get("/up")));
        assertInstanceOf(IllegalStateException.class, f.getCause());
        assertTrue(f.getCause().getMessage().contains("HTTP_WRITEABLE"));
    }

    @Test
    void respondAnswersAtOnceAndAnEarlyAnswerToABigBodyCloses() {
        ProtocolAdapter early = new ProtocolAdapter() {
            @Override
            protected Result onHttp(Connection wsi, ByteBuffer in) {
                wsi.respondStatus(413, "too big <b>");
                return Result.CONTINUE;
            }
        };
        vhost.bind("upcase", early);
        TestExchange x = vhost.http(TestRequest.post("/up").contentLength(1 << 20));
        assertEquals(413, x.status());
        assertTrue(x.bodyText().contains("too big &lt;b&gt;"));
        assertTrue(x.isClosed());
        assertEquals(List.of(Reason.HTTP, Reason.CLOSED_HTTP), x.reasons());
        assertFalse(x.sendBody(new byte[10]), "nobody reads it");
    }

    @Test
    void headSendsNoBodyAndHttp10WithoutLengthCloses() {
        ProtocolAdapter page = new ProtocolAdapter() {
            @Override
            protected Result onHttp(Connection wsi, ByteBuffer in) {
                wsi.respond(HttpResponse.of(200).contentType("text/plain"), ByteBuffer.wrap("page".getBytes(UTF_8)));
                return Result.CONTINUE;
            }
        };
        vhost.bind("upcase", page);
        TestExchange head = vhost.http(TestRequest.of("HEAD", "/up"));
        assertEquals("4", head.header("content-length"));
        assertEquals("", head.bodyText());
        TestExchange old = vhost.http(TestRequest.get("/up").version("HTTP/1.0"));
        assertEquals("page", old.bodyText());
        assertTrue(old.isClosed());
        assertNull(old.header("Transfer-Encoding"));
    }

    @Test
    void theClientLeavingMidResponseGivesClosedHttp() {
        vhost.bind("upcase", p);
        TestExchange x = vhost.http(TestRequest.post("/up").body("abcdefghi"));
        x.writeable();
        x.disconnect();
        assertEquals(Reason.CLOSED_HTTP, x.reasons().get(x.reasons().size() - 1));
        assertEquals("ABC", x.bodyText());
    }

    @Test
    void unbindingMidRequestAnswers503() {
        vhost.bind("upcase", p);
        TestExchange x = vhost.http(TestRequest.post("/up").contentLength(10));
        vhost.unbind("upcase");
        assertEquals(503, x.status());
        assertEquals(List.of(Reason.HTTP, Reason.CLOSED_HTTP), x.reasons());
    }
}
