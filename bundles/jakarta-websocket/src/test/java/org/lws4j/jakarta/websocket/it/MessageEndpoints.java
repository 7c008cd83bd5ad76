package org.lws4j.jakarta.websocket.it;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;

import jakarta.websocket.DecodeException;
import jakarta.websocket.Decoder;
import jakarta.websocket.EncodeException;
import jakarta.websocket.Encoder;
import jakarta.websocket.OnMessage;
import jakarta.websocket.OnOpen;
import jakarta.websocket.PongMessage;
import jakarta.websocket.SendResult;
import jakarta.websocket.Session;
import jakarta.websocket.server.ServerEndpoint;

/** Endpoints for messages: decoders and encoders, partial messages, pongs, async sends. */
final class MessageEndpoints {
    private MessageEndpoints() {
    }

    /** A point, "x,y" on the wire. */
    record Point(int x, int y) {
    }

    public static class PointDecoder implements Decoder.Text<Point> {
        @Override
        public Point decode(String s) throws DecodeException {
            String[] p = s.split(",");
            return new Point(Integer.parseInt(p[0].trim()), Integer.parseInt(p[1].trim()));
        }

        @Override
        public boolean willDecode(String s) {
            return s.matches("\\s*-?\\d+\\s*,\\s*-?\\d+\\s*");
        }
    }

    public static class PointEncoder implements Encoder.Text<Point> {
        @Override
        public String encode(Point p) throws EncodeException {
            return "(" + p.x() + " " + p.y() + ")";
        }
    }

    /** Moves each point by (1, 1) and sends it back through the encoder. */
    @ServerEndpoint(value = "/points", decoders = PointDecoder.class, encoders = PointEncoder.class)
    public static class Points {
        @OnMessage
        public Point move(Point p) {
            return new Point(p.x() + 1, p.y() + 1);
        }
    }

    /** Counts the parts of each text message and echoes it whole, with the count. */
    @ServerEndpoint("/partial")
    public static class Partial {
        private final StringBuilder text = new StringBuilder();
        private int parts;

        @OnMessage
        public void part(String part, boolean last, Session s) throws IOException {
            text.append(part);
            parts++;
            if (last) {
                s.getBasicRemote().sendText(parts + ":" + text);
                text.setLength(0);
                parts = 0;
            }
        }

        @OnMessage
        public void pong(PongMessage p, Session s) throws IOException {
            ByteBuffer b = p.getApplicationData();
            s.getBasicRemote().sendText("pong " + new String(b.array(), b.position(), b.remaining()));
        }
    }

    /**
     * "async N" sends N messages with the async remote, each completion counted, then "done K" once
     * all N completed; "future N" the same with Futures; "ping x" sends a ping.
     */
    @ServerEndpoint("/async")
    public static class Async {
        @OnOpen
        public void open(Session s) {
            s.getAsyncRemote().setSendTimeout(0);
        }

        @OnMessage
        public void m(String msg, Session s) throws Exception {
            if (msg.startsWith("ping ")) {
                s.getBasicRemote().sendPing(ByteBuffer.wrap(msg.substring(5).getBytes()));
                return;
            }
            int n = Integer.parseInt(msg.substring(msg.indexOf(' ') + 1));
            AtomicInteger ok = new AtomicInteger();
            CountDownLatch all = new CountDownLatch(n);
            Runnable report = () -> s.getAsyncRemote().sendText("done " + ok.get());
            // from a thread of the application's, as an application would broadcast
            new Thread(() -> {
                for (int i = 0; i < n; i++) {
                    if (msg.startsWith("future")) {
                        try {
                            s.getAsyncRemote().sendText("f" + i).get();
                            ok.incrementAndGet();
                        } catch (Exception e) {
                            // counted as not ok
                        }
                        all.countDown();
                    } else {
                        s.getAsyncRemote().sendText("a" + i, (SendResult r) -> {
                            if (r.isOK()) {
                                ok.incrementAndGet();
                            }
                            all.countDown();
                        });
                    }
                }
                try {
                    all.await();
                } catch (InterruptedException e) {
                    return;
                }
                report.run();
            }, "app-sender").start();
        }
    }

    /** "flood N" from the service thread with a tiny queue: the basic remote refuses to wait there. */
    @ServerEndpoint("/flood")
    public static class Flood {
        @OnMessage
        public void m(String msg, Session s) {
            int n = Integer.parseInt(msg.substring(6));
            String refused = "none";
            for (int i = 0; i < n; i++) {
                try {
                    s.getBasicRemote().sendText("x".repeat(1000));
                } catch (IOException e) {
                    refused = e.getMessage();
                    break;
                }
            }
            Endpoints.EVENTS.add("flood " + refused);
        }
    }
}
