package org.lws4j.jakarta.websocket.it;

import static org.junit.jupiter.api.Assertions.assertNotNull;

import java.net.URI;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import jakarta.websocket.ClientEndpointConfig;
import jakarta.websocket.CloseReason;
import jakarta.websocket.ContainerProvider;
import jakarta.websocket.Endpoint;
import jakarta.websocket.EndpointConfig;
import jakarta.websocket.HandshakeResponse;
import jakarta.websocket.MessageHandler;
import jakarta.websocket.Session;
import jakarta.websocket.WebSocketContainer;

/**
 * A real Jakarta client (Tomcat's, found through ContainerProvider) that records what it
 * receives: text and binary messages in a queue, the close reason, the handshake response
 * headers. Every wait is bounded by {@link #WAIT}.
 */
final class TestClient extends Endpoint implements AutoCloseable {
    static final long WAIT = 10;
    private static final WebSocketContainer CONTAINER = container();

    final BlockingQueue<Object> messages = new LinkedBlockingQueue<>();
    final CompletableFuture<CloseReason> closed = new CompletableFuture<>();
    final CompletableFuture<Map<String, List<String>>> responseHeaders = new CompletableFuture<>();
    Session session;

    private static WebSocketContainer container() {
        WebSocketContainer c = ContainerProvider.getWebSocketContainer();
        // Tomcat allocates these per session: enough for the tests' biggest message, no more
        c.setDefaultMaxBinaryMessageBufferSize(512 << 10);
        c.setDefaultMaxTextMessageBufferSize(512 << 10);
        return c;
    }

    static TestClient connect(URI uri, String... subprotocols) throws Exception {
        return connect(uri, Map.of(), subprotocols);
    }

    /** Connects with extra request headers (an Origin, say). */
    static TestClient connect(URI uri, Map<String, String> headers, String... subprotocols) throws Exception {
        TestClient c = new TestClient();
        ClientEndpointConfig cfg = ClientEndpointConfig.Builder.create().preferredSubprotocols(List.of(subprotocols))
                .configurator(new ClientEndpointConfig.Configurator() {
                    @Override
                    public void beforeRequest(Map<String, List<String>> h) {
                        headers.forEach((k, v) -> h.put(k, List.of(v)));
                    }

                    @Override
                    public void afterResponse(HandshakeResponse hr) {
                        c.responseHeaders.complete(hr.getHeaders());
                    }
                }).build();
        c.session = CONTAINER.connectToServer(c, cfg, uri);
        return c;
    }

    @Override
    public void onOpen(Session s, EndpointConfig config) {
        s.addMessageHandler(String.class, (MessageHandler.Whole<String>) messages::add);
        s.addMessageHandler(ByteBuffer.class, (MessageHandler.Whole<ByteBuffer>) messages::add);
    }

    @Override
    public void onClose(Session s, CloseReason reason) {
        closed.complete(reason);
    }

    @Override
    public void onError(Session s, Throwable t) {
        messages.add(t);
    }

    /** The next message, waiting at most {@link #WAIT} seconds. */
    Object next() throws InterruptedException {
        Object m = messages.poll(WAIT, TimeUnit.SECONDS);
        assertNotNull(m, "no message within " + WAIT + " s");
        return m;
    }

    String nextText() throws InterruptedException {
        return (String) next();
    }

    void send(String text) throws Exception {
        session.getBasicRemote().sendText(text);
    }

    CloseReason awaitClose() throws Exception {
        return closed.get(WAIT, TimeUnit.SECONDS);
    }

    @Override
    public void close() throws Exception {
        if (session.isOpen()) {
            session.close();
        }
    }
}
