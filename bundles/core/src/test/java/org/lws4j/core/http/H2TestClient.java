package org.lws4j.core.http;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.lws4j.core.h2.BlockBuffer;
import org.lws4j.core.h2.ErrorCode;
import org.lws4j.core.h2.Frame;
import org.lws4j.core.h2.FrameReader;
import org.lws4j.core.h2.FrameWriter;
import org.lws4j.core.h2.H2Exception;
import org.lws4j.core.h2.HeaderField;
import org.lws4j.core.h2.HpackDecoder;
import org.lws4j.core.h2.HpackEncoder;
import org.lws4j.core.h2.PrefaceReader;
import org.lws4j.core.h2.Setting;

/**
 * A small blocking HTTP/2 client for socket tests (h2c with prior knowledge): sends frames,
 * reads frames until what a test waits for came, gives back window for what it read. Reads
 * block with the socket's timeout; no sleeps.
 */
public final class H2TestClient implements AutoCloseable {
    /** A stream's response as far as it came. */
    public static final class Response {
        public final List<HeaderField> headers = new ArrayList<>();
        public final ByteArrayOutputStream body = new ByteArrayOutputStream();
        public boolean ended;
        public long reset = -1;

        public String header(String name) {
            for (HeaderField f : headers) {
                if (f.name().equals(name)) {
                    return f.value();
                }
            }
            return null;
        }

        public int status() {
            return Integer.parseInt(header(":status"));
        }

        public String text() {
            return body.toString(java.nio.charset.StandardCharsets.ISO_8859_1);
        }
    }

    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;
    private final FrameReader reader = new FrameReader(Setting.MAX_MAX_FRAME_SIZE);
    private final HpackEncoder encoder = new HpackEncoder(4096, true);
    private final HpackDecoder decoder = new HpackDecoder(4096, 1 << 20);
    private final ByteBuffer buf = ByteBuffer.allocate(1 << 16).flip();
    final Map<Integer, Response> responses = new HashMap<>();
    final List<Frame> control = new ArrayList<>();
    Frame.GoAway goAway;

    public H2TestClient(int port) throws IOException {
        socket = new Socket();
        socket.connect(new InetSocketAddress("127.0.0.1", port), 5000);
        socket.setSoTimeout(10_000);
        in = socket.getInputStream();
        out = socket.getOutputStream();
    }

    /** The preface and the client's SETTINGS (with a large initial window unless told). */
    public H2TestClient open(List<Setting> settings) throws IOException {
        send(ByteBuffer.wrap(PrefaceReader.PREFACE), FrameWriter.settings(settings));
        return this;
    }

    public void send(ByteBuffer... frames) throws IOException {
        for (ByteBuffer b : frames) {
            byte[] a = new byte[b.remaining()];
            b.get(a);
            out.write(a);
        }
        out.flush();
    }

    public ByteBuffer headers(int id, boolean endStream, String... nameValues) {
        List<HeaderField> l = new ArrayList<>();
        for (int i = 0; i < nameValues.length; i += 2) {
            l.add(new HeaderField(nameValues[i], nameValues[i + 1]));
        }
        BlockBuffer block = new BlockBuffer(64, 1 << 20);
        encoder.encode(l, block);
        return FrameWriter.headers(id, block, endStream, Setting.DEFAULT_MAX_FRAME_SIZE);
    }

    public void get(int id, String path) throws IOException {
        send(headers(id, true, ":method", "GET", ":scheme", "http", ":path", path, ":authority", "localhost"));
    }

    public static ByteBuffer data(int id, byte[] b, boolean end) {
        return FrameWriter.data(id, ByteBuffer.wrap(b), b.length, end);
    }

    /** Reads frames until stream {@code id} ended or was reset. */
    public Response await(int id) throws IOException {
        while (true) {
            Response r = responses.get(id);
            if (r != null && (r.ended || r.reset >= 0)) {
                return r;
            }
            if (next() == null) {
                throw new IOException("connection closed before stream " + id + " ended; GOAWAY " + goAway);
            }
        }
    }

    /** Reads frames until stream {@code id} has its response head and {@code n} octets of body (or ended). */
    public Response awaitBody(int id, int n) throws IOException {
        while (true) {
            Response r = responses.get(id);
            if (r != null && !r.headers.isEmpty() && (r.body.size() >= n || r.ended || r.reset >= 0)) {
                return r;
            }
            if (next() == null) {
                throw new IOException("connection closed waiting on stream " + id + "; GOAWAY " + goAway);
            }
        }
    }

    /** Reads frames until a GOAWAY; null when the connection closed without one. */
    public Frame.GoAway awaitGoAway() throws IOException {
        while (goAway == null) {
            if (next() == null) {
                return null;
            }
        }
        return goAway;
    }

    /** Forgets the GOAWAY seen so far and reads frames until the next one; null when the connection closed first. */
    public Frame.GoAway awaitAnotherGoAway() throws IOException {
        goAway = null;
        return awaitGoAway();
    }

    /** Reads (and handles) frames until the server closes the connection; true when it did before the read timeout. */
    public boolean awaitEnd() throws IOException {
        try {
            while (next() != null) {
                // frames after the last awaited one are handled (responses, GOAWAY) and kept
            }
            return true;
        } catch (java.net.SocketTimeoutException e) {
            return false;
        }
    }

    /** Reads frames until one of {@code type} came on the connection's control stream. */
    public <T extends Frame> T awaitControl(Class<T> type) throws IOException {
        while (true) {
            for (Frame f : control) {
                if (type.isInstance(f)) {
                    control.remove(f);
                    return type.cast(f);
                }
            }
            if (next() == null) {
                throw new IOException("connection closed waiting for " + type.getSimpleName());
            }
        }
    }

    /** Reads and handles one frame; null at the end of the connection. */
    public Frame next() throws IOException {
        while (true) {
            Frame f;
            try {
                f = reader.next(buf);
            } catch (H2Exception e) {
                throw new IOException("bad frame from the server: " + e);
            }
            if (f != null) {
                handle(f);
                return f;
            }
            buf.compact();
            int n;
            try {
                n = in.read(buf.array(), buf.position(), buf.remaining());
            } catch (java.net.SocketException e) {
                n = -1;
            }
            if (n < 0) {
                buf.flip();
                return null;
            }
            buf.position(buf.position() + n).flip();
        }
    }

    private void handle(Frame f) throws IOException {
        if (f instanceof Frame.Headers h) {
            Response r = responses.computeIfAbsent(h.streamId(), k -> new Response());
            try {
                decoder.decode(h.fragment(), r.headers);
            } catch (H2Exception e) {
                throw new IOException(e);
            }
            r.ended |= h.endStream();
        } else if (f instanceof Frame.Data d) {
            Response r = responses.computeIfAbsent(d.streamId(), k -> new Response());
            byte[] b = new byte[d.data().remaining()];
            d.data().get(b);
            r.body.write(b);
            r.ended |= d.endStream();
            if (d.flowLength() > 0) {
                send(FrameWriter.windowUpdate(0, d.flowLength()));
                if (!d.endStream()) {
                    send(FrameWriter.windowUpdate(d.streamId(), d.flowLength()));
                }
            }
        } else if (f instanceof Frame.RstStream rst) {
            responses.computeIfAbsent(rst.streamId(), k -> new Response()).reset = rst.errorCode();
        } else if (f instanceof Frame.GoAway g) {
            goAway = g;
        } else if (f instanceof Frame.Settings s && !s.ack()) {
            send(FrameWriter.settingsAck());
            control.add(f);
        } else {
            control.add(f);
        }
    }

    static String code(long c) {
        return ErrorCode.of(c).toString();
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
