package org.lws4j.ext.deflate;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.net.ServerSocket;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Random;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.lws4j.api.ClientConnectInfo;
import org.lws4j.api.Connection;
import org.lws4j.api.Protocol;
import org.lws4j.api.Reason;
import org.lws4j.api.Result;
import org.lws4j.api.WriteMode;
import org.lws4j.core.embed.Lws4j;

/**
 * lws4j's own WebSocket client against lws4j's own server, both offering this extension: it is
 * negotiated on both sides and messages of every size come back intact, text and binary.
 */
class OwnClientTest {
    static Lws4j.Running lws;
    static int port;
    static final BlockingQueue<Object> got = new LinkedBlockingQueue<>();
    static volatile List<String> clientExtensions;
    static volatile List<String> serverExtensions;

    @BeforeAll
    static void start() throws Exception {
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        lws = Lws4j.builder()
                .json("{\"global\": {\"log-level\": \"3\"}, \"vhosts\": [{\"name\": \"localhost\", \"port\": \"" + port
                        + "\", \"interface\": \"127.0.0.1\", \"ws-protocols\": [{\"echo\": {}, \"client\": {}}]}]}")
                .extension("permessage-deflate", new PermessageDeflate())
                .protocol("echo", echo())
                .protocol("client", client())
                .start();
    }

    @AfterAll
    static void stop() {
        lws.close();
    }

    /** A message to echo: its bytes and whether it was binary. */
    record Msg(byte[] data, boolean binary) {
    }

    /** Echoes whole messages (gathered, then sent back in one frame), one per WRITEABLE. */
    static Protocol echo() {
        return new Protocol() {
            @Override
            public Object newSession(Connection wsi) {
                return new Object[] {new ByteArrayOutputStream(), new ArrayDeque<Msg>()};
            }

            @Override
            public int rxBufferSize() {
                return 64 * 1024;
            }

            @Override
            @SuppressWarnings("unchecked")
            public Result callback(Connection wsi, Reason reason, ByteBuffer in) {
                Object[] s = wsi.session();
                if (reason == Reason.ESTABLISHED) {
                    serverExtensions = wsi.extensions();
                } else if (reason == Reason.RECEIVE) {
                    ByteArrayOutputStream b = (ByteArrayOutputStream) s[0];
                    byte[] piece = new byte[in.remaining()];
                    in.get(piece);
                    b.writeBytes(piece);
                    if (wsi.isFinalFragment()) {
                        ((ArrayDeque<Msg>) s[1]).add(new Msg(b.toByteArray(), wsi.isBinary()));
                        b.reset();
                        wsi.requestWriteable();
                    }
                } else if (reason == Reason.SERVER_WRITEABLE) {
                    ArrayDeque<Msg> q = (ArrayDeque<Msg>) s[1];
                    Msg m = q.poll();
                    if (m != null) {
                        wsi.write(ByteBuffer.wrap(m.data()), m.binary() ? WriteMode.BINARY : WriteMode.TEXT);
                    }
                    if (!q.isEmpty()) {
                        wsi.requestWriteable(); // one message per WRITEABLE; ask again for the rest
                    }
                }
                return Result.CONTINUE;
            }
        };
    }

    /** Sends one queued message per WRITEABLE and gathers what comes back. */
    static final ArrayDeque<Object[]> toSend = new ArrayDeque<>();

    static Protocol client() {
        return new Protocol() {
            @Override
            public Object newSession(Connection wsi) {
                return new ByteArrayOutputStream();
            }

            @Override
            public int rxBufferSize() {
                return 64 * 1024;
            }

            @Override
            public Result callback(Connection wsi, Reason reason, ByteBuffer in) {
                if (reason == Reason.CLIENT_ESTABLISHED) {
                    clientExtensions = wsi.extensions();
                    wsi.requestWriteable();
                } else if (reason == Reason.CLIENT_WRITEABLE) {
                    Object[] m;
                    synchronized (toSend) {
                        m = toSend.poll();
                    }
                    if (m != null) {
                        wsi.write(ByteBuffer.wrap((byte[]) m[0]), (Boolean) m[1] ? WriteMode.BINARY : WriteMode.TEXT);
                        wsi.requestWriteable();
                    }
                } else if (reason == Reason.CLIENT_RECEIVE) {
                    ByteArrayOutputStream b = wsi.session();
                    byte[] piece = new byte[in.remaining()];
                    in.get(piece);
                    b.writeBytes(piece);
                    if (wsi.isFinalFragment()) {
                        got.add(b.toByteArray());
                        b.reset();
                    }
                } else if (reason == Reason.CLIENT_CONNECTION_ERROR) {
                    got.add("error: " + java.nio.charset.StandardCharsets.UTF_8.decode(in));
                }
                return Result.CONTINUE;
            }
        };
    }

    @Test
    void negotiatedBothWaysAndEveryMessageComesBack() throws Exception {
        Random r = new Random(42);
        int[] sizes = {0, 1, 125, 64 * 1024, 16 * 1024 * 1024};
        List<byte[]> sent = new java.util.ArrayList<>();
        synchronized (toSend) {
            for (int size : sizes) {
                for (boolean binary : new boolean[] {false, true}) {
                    byte[] m = new byte[size];
                    for (int i = 0; i < size; i++) {
                        // text: ASCII with repeats (compressible); binary: random bytes (not)
                        m[i] = binary ? (byte) r.nextInt(256) : (byte) ('a' + (i * 7 + i / 13) % 26);
                    }
                    toSend.add(new Object[] {m, binary});
                    sent.add(m);
                }
            }
        }
        lws.context().connect(ClientConnectInfo.parse("ws://127.0.0.1:" + port + "/").protocols("echo").localProtocol("client"));
        for (byte[] m : sent) {
            Object back = got.poll(60, TimeUnit.SECONDS);
            assertTrue(back instanceof byte[], "no echo for a " + m.length + "-byte message: " + back);
            assertArrayEquals(m, (byte[]) back, "the " + m.length + "-byte message came back changed");
        }
        assertEquals(List.of("permessage-deflate"), clientExtensions);
        assertEquals(List.of("permessage-deflate"), serverExtensions);
    }
}
