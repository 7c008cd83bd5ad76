package org.lws4j.example.jakarta;

import java.nio.ByteBuffer;

import jakarta.websocket.OnMessage;
import jakarta.websocket.server.ServerEndpoint;

import org.osgi.service.component.annotations.Component;

/**
 * Echo, the plainest {@code @ServerEndpoint}: each text or binary message comes back whole (up to 20 MiB, enough for
 * Autobahn's 16 MiB cases). The Autobahn run and the benchmarks use it. Its configuration PID
 * {@code org.lws4j.example.jakarta.echo} sets its service properties: a
 * {@code deploy/org.lws4j.example.jakarta.echo.cfg} with
 * {@code osgi.jakarta.websocket.endpoint.path = /} and {@code lws.vhosts = autobahn} moves it,
 * live, to {@code /} on vhost {@code autobahn} only.
 */
@Component(service = Object.class, configurationPid = "org.lws4j.example.jakarta.echo",
        property = "osgi.jakarta.websocket.endpoint.implementor=true")
@ServerEndpoint("/jakarta-echo")
public class EchoEndpoint {
    private static final int MAX = 20 << 20;

    @OnMessage(maxMessageSize = MAX)
    public String text(String message) {
        return message;
    }

    @OnMessage(maxMessageSize = MAX)
    public ByteBuffer binary(ByteBuffer message) {
        return message;
    }
}
