package org.lws4j.core.http;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;

import org.lws4j.api.Connection;
import org.lws4j.api.HttpResponse;
import org.lws4j.api.Protocol;
import org.lws4j.api.Reason;
import org.lws4j.api.Result;
import org.lws4j.api.WriteMode;

/** Protocols the socket tests bind to CALLBACK mounts; each records what it was called with. */
final class TestProtocols {
    private TestProtocols() {
    }

    static String sha256(byte[] b) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
        } catch (NoSuchAlgorithmException e) {
            throw new AssertionError(e);
        }
    }

    /**
     * Answers a request without a body with "path=&lt;pathInMount&gt;"; a request with a body
     * after HTTP_BODY_COMPLETION with its length and SHA-256, from the HTTP_BODY pieces joined.
     * Events: "HTTP &lt;path&gt;", "BODY &lt;n&gt;", "COMPLETION", "DROP", "CLOSED_HTTP".
     */
    static final class Echo implements Protocol {
        final Queue<String> events = new ConcurrentLinkedQueue<>();

        @Override
        public Object newSession(Connection wsi) {
            return new ByteArrayOutputStream();
        }

        @Override
        public Result callback(Connection wsi, Reason reason, ByteBuffer in) {
            ByteArrayOutputStream body = wsi.session();
            switch (reason) {
                case HTTP: {
                    String path = StandardCharsets.UTF_8.decode(in).toString();
                    events.add("HTTP " + path);
                    boolean hasBody = wsi.request().contentLength() >= 0 || wsi.request().header("transfer-encoding") != null;
                    if (!hasBody) {
                        wsi.respond(HttpResponse.of(200).contentType("text/plain"),
                                ByteBuffer.wrap(("path=" + path).getBytes(StandardCharsets.UTF_8)));
                    }
                    return Result.CONTINUE;
                }
                case HTTP_BODY: {
                    events.add("BODY " + in.remaining());
                    byte[] b = new byte[in.remaining()];
                    in.get(b);
                    body.writeBytes(b);
                    return Result.CONTINUE;
                }
                case HTTP_BODY_COMPLETION: {
                    events.add("COMPLETION");
                    byte[] all = body.toByteArray();
                    wsi.respond(HttpResponse.of(200).contentType("text/plain"),
                            ByteBuffer.wrap(("len=" + all.length + " sha256=" + sha256(all)).getBytes(StandardCharsets.UTF_8)));
                    return Result.CONTINUE;
                }
                case HTTP_DROP_PROTOCOL:
                    events.add("DROP");
                    return Result.CONTINUE;
                case CLOSED_HTTP:
                    events.add("CLOSED_HTTP");
                    return Result.CONTINUE;
                default:
                    return Result.CONTINUE;
            }
        }
    }

    /** Sends "part-0\n" .. "part-{n-1}\n" one per HTTP_WRITEABLE after headers without a length. */
    static final class Chunky implements Protocol {
        final int parts;

        Chunky(int parts) {
            this.parts = parts;
        }

        @Override
        public Object newSession(Connection wsi) {
            return new int[1];
        }

        @Override
        public Result callback(Connection wsi, Reason reason, ByteBuffer in) {
            int[] sent = wsi.session();
            switch (reason) {
                case HTTP:
                    wsi.writeHttpHeaders(HttpResponse.of(200).contentType("text/plain").header("X-Chunky", "yes"));
                    return Result.CONTINUE;
                case HTTP_WRITEABLE: {
                    int i = sent[0]++;
                    boolean last = i == parts - 1;
                    wsi.write(ByteBuffer.wrap(("part-" + i + "\n").getBytes(StandardCharsets.US_ASCII)), WriteMode.HTTP, last);
                    if (!last) {
                        wsi.requestWriteable();
                    }
                    return Result.CONTINUE;
                }
                default:
                    return Result.CONTINUE;
            }
        }

        static String expected(int parts) {
            StringBuilder b = new StringBuilder();
            for (int i = 0; i < parts; i++) {
                b.append("part-").append(i).append('\n');
            }
            return b.toString();
        }
    }

    /** Answers every request with a fixed text. */
    static final class Fixed implements Protocol {
        final String text;

        Fixed(String text) {
            this.text = text;
        }

        @Override
        public Result callback(Connection wsi, Reason reason, ByteBuffer in) {
            if (reason == Reason.HTTP) {
                wsi.respond(HttpResponse.of(200).contentType("text/plain"),
                        ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8)));
            }
            return Result.CONTINUE;
        }
    }

    /** Throws from its HTTP callback. */
    static final class Boom implements Protocol {
        @Override
        public Result callback(Connection wsi, Reason reason, ByteBuffer in) {
            if (reason == Reason.HTTP) {
                throw new IllegalStateException("boom");
            }
            return Result.CONTINUE;
        }
    }
}
