package org.lws4j.tls;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLEngineResult.HandshakeStatus;
import javax.net.ssl.SSLException;

/**
 * A client and a server engine wired to each other in memory: records one wraps are what the
 * other unwraps. Drives handshakes and carries application data, running delegated tasks inline.
 */
final class EnginePair {
    final SSLEngine client;
    final SSLEngine server;
    private ByteBuffer toServer = ByteBuffer.allocate(1 << 17);
    private ByteBuffer toClient = ByteBuffer.allocate(1 << 17);
    private final ByteBuffer clientApp = ByteBuffer.allocate(1 << 17);
    private final ByteBuffer serverApp = ByteBuffer.allocate(1 << 17);

    EnginePair(SSLEngine client, SSLEngine server) {
        this.client = client;
        this.server = server;
    }

    /** Runs the handshake to its end; throws the first engine's SSLException when it fails. */
    EnginePair handshake() throws SSLException {
        client.beginHandshake();
        server.beginHandshake();
        pump(() -> done(client) && done(server) && toServer.position() == 0 && toClient.position() == 0);
        return this;
    }

    /** Sends {@code text} from the client and returns what the server reads. */
    String clientSends(String text) throws SSLException {
        wrap(client, ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8)), toServer);
        serverApp.clear();
        pump(() -> serverApp.position() >= text.length());
        return new String(serverApp.array(), 0, serverApp.position(), StandardCharsets.UTF_8);
    }

    /** Moves records both ways until {@code until} holds or nothing moves any more. */
    void pump(java.util.function.BooleanSupplier until) throws SSLException {
        for (int round = 0; round < 200 && !until.getAsBoolean(); round++) {
            boolean moved = step(client, toServer, toClient, clientApp);
            moved |= step(server, toClient, toServer, serverApp);
            if (!moved && !until.getAsBoolean()) {
                throw new SSLException("stuck: client " + client.getHandshakeStatus() + ", server "
                        + server.getHandshakeStatus());
            }
        }
    }

    private static boolean done(SSLEngine e) {
        HandshakeStatus s = e.getHandshakeStatus();
        return s == HandshakeStatus.NOT_HANDSHAKING || s == HandshakeStatus.FINISHED;
    }

    /** One engine's turn: run tasks, wrap what it wants to send, unwrap what arrived. */
    private boolean step(SSLEngine e, ByteBuffer out, ByteBuffer in, ByteBuffer app) throws SSLException {
        boolean moved = false;
        Runnable t;
        while ((t = e.getDelegatedTask()) != null) {
            t.run();
            moved = true;
        }
        while (e.getHandshakeStatus() == HandshakeStatus.NEED_WRAP) {
            SSLEngineResult r = e.wrap(ByteBuffer.allocate(0), out);
            moved |= r.bytesProduced() > 0;
            while ((t = e.getDelegatedTask()) != null) {
                t.run();
            }
            if (r.getStatus() != SSLEngineResult.Status.OK || r.bytesProduced() == 0) {
                break;
            }
        }
        in.flip();
        try {
            while (in.hasRemaining()) {
                SSLEngineResult r = e.unwrap(in, app);
                while ((t = e.getDelegatedTask()) != null) {
                    t.run();
                }
                moved |= r.bytesConsumed() > 0;
                if (r.getStatus() != SSLEngineResult.Status.OK || r.bytesConsumed() == 0) {
                    break;
                }
                if (e.getHandshakeStatus() == HandshakeStatus.NEED_WRAP) {
                    break;
                }
            }
        } finally {
            in.compact();
        }
        return moved;
    }

    private static void wrap(SSLEngine e, ByteBuffer src, ByteBuffer out) throws SSLException {
        while (src.hasRemaining()) {
            e.wrap(src, out);
        }
    }
}
