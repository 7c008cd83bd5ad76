package org.lws4j.jakarta.websocket.it;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Map;

import jakarta.websocket.CloseReason;
import jakarta.websocket.EndpointConfig;
import jakarta.websocket.HandshakeResponse;
import jakarta.websocket.OnClose;
import jakarta.websocket.OnError;
import jakarta.websocket.OnMessage;
import jakarta.websocket.OnOpen;
import jakarta.websocket.Session;
import jakarta.websocket.server.HandshakeRequest;
import jakarta.websocket.server.PathParam;
import jakarta.websocket.server.ServerEndpoint;
import jakarta.websocket.server.ServerEndpointConfig;

/** The annotated endpoints the socket tests drive. What they record goes to {@link #EVENTS}. */
final class Endpoints {
    /** Lines the endpoints record ("close 4000 bye", "error ..."), read by the tests. */
    static final Events EVENTS = new Events();

    private Endpoints() {
    }

    @ServerEndpoint("/echo")
    public static class Echo {
        @OnMessage(maxMessageSize = 32 << 20)
        public String text(String m) {
            return m;
        }

        @OnMessage(maxMessageSize = 32 << 20)
        public ByteBuffer binary(ByteBuffer b) {
            return b;
        }
    }

    @ServerEndpoint("/params/{a}/{n}")
    public static class Params {
        @OnMessage
        public String m(String msg, @PathParam("a") String a, @PathParam("n") int n, Session s) {
            return "a=" + a + " n=" + n + " q=" + s.getQueryString() + " x=" + s.getRequestParameterMap().get("x")
                    + " msg=" + msg;
        }
    }

    @ServerEndpoint("/params/exact/7")
    public static class Exact {
        @OnMessage
        public String m(String msg) {
            return "exact";
        }
    }

    @ServerEndpoint("/lifecycle")
    public static class Lifecycle {
        @OnOpen
        public void open(Session s, EndpointConfig cfg) throws IOException {
            s.getBasicRemote().sendText("open " + cfg.getUserProperties().get("via"));
        }

        @OnMessage
        public void m(String msg, Session s) throws IOException {
            if (msg.startsWith("close ")) {
                s.close(new CloseReason(CloseReason.CloseCodes.getCloseCode(4001), msg.substring(6)));
            } else if (msg.equals("throw")) {
                throw new IllegalStateException("asked to throw");
            } else if (msg.startsWith("idle ")) {
                s.setMaxIdleTimeout(Long.parseLong(msg.substring(5)));
                s.getBasicRemote().sendText("idle set");
            }
        }

        @OnClose
        public void close(CloseReason r) {
            EVENTS.add("close " + r.getCloseCode().getCode() + " " + r.getReasonPhrase());
        }
    }

    /** Throws from onMessage and has an @OnError: the session stays open. */
    @ServerEndpoint("/handled")
    public static class Handled {
        @OnMessage
        public String m(String msg) {
            if (msg.equals("throw")) {
                throw new IllegalArgumentException("handled failure");
            }
            return "ok " + msg;
        }

        @OnError
        public void error(Throwable t, Session s) throws IOException {
            EVENTS.add("error " + t.getMessage());
            s.getBasicRemote().sendText("error " + t.getMessage());
        }
    }

    /** A configurator that checks the origin, answers a header, and picks "v2" over "v1". */
    public static class Configurator extends ServerEndpointConfig.Configurator {
        @Override
        public boolean checkOrigin(String origin) {
            return origin == null || !origin.contains("evil");
        }

        @Override
        public void modifyHandshake(ServerEndpointConfig sec, HandshakeRequest req, HandshakeResponse resp) {
            resp.getHeaders().put("X-Lws4j-Test", List.of("configured"));
            sec.getUserProperties().put("via", req.getHeaders().getOrDefault("X-Via", List.of("none")).get(0));
        }

        @Override
        public String getNegotiatedSubprotocol(List<String> supported, List<String> requested) {
            return requested.contains("v2") ? "v2" : super.getNegotiatedSubprotocol(supported, requested);
        }
    }

    @ServerEndpoint(value = "/configured", subprotocols = {"v1", "v2"}, configurator = Configurator.class)
    public static class Configured {
        @OnOpen
        public void open(Session s, EndpointConfig cfg) throws IOException {
            s.getBasicRemote().sendText("sub=" + s.getNegotiatedSubprotocol() + " via=" + cfg.getUserProperties().get("via"));
        }
    }

    /** Unused: keeps the map import honest for endpoints that read user properties. */
    static Map<String, Object> none() {
        return Map.of();
    }
}
