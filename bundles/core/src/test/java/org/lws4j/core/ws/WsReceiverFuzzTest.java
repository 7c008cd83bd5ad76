package org.lws4j.core.ws;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.Pipe;
import java.nio.channels.SelectableChannel;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;

import org.lws4j.api.CloseStatus;
import org.lws4j.api.Connection;
import org.lws4j.api.Context;
import org.lws4j.spi.extension.ExtensionOffer;
import org.lws4j.spi.extension.ExtensionSession;
import org.lws4j.api.Log;
import org.lws4j.api.LogLevel;
import org.lws4j.api.Protocol;
import org.lws4j.api.Reason;
import org.lws4j.api.Result;
import org.lws4j.api.WriteMode;
import org.lws4j.core.config.ContextConfig;
import org.lws4j.core.conn.ConnectionHost;
import org.lws4j.core.conn.ConnectionImpl;
import org.lws4j.core.loop.Endpoint;
import org.lws4j.core.loop.ServiceThread;
import org.lws4j.core.vhost.VhostProtocolImpl;

/**
 * The WebSocket role's receiving side ({@link WsReceiver}, {@link FrameHeader}) on any bytes a
 * client may send, with the frame and message limits, the rx piece size and (optionally) a
 * transforming extension chosen by the input. The role runs on a real {@link ConnectionImpl} whose
 * endpoint keeps what the server writes; no socket, no selector loop.
 * <ul>
 * <li>fed whole, one byte at a time or in random pieces, the protocol gets the same messages and
 *     pongs, the peer the same pongs and Close, and the connection ends in the same state;</li>
 * <li>all of that agrees with a plain reading of RFC 6455 (the model below, which checks the rules
 *     in the role's documented order): masking, reserved bits and opcodes, control frame rules,
 *     fragmentation, UTF-8 of text and close reasons, 1009 at the frame, message and inflated
 *     limits, a ping answered by a pong with its payload, a peer's Close echoed;</li>
 * <li>every RECEIVE is at most the rx size, first/final mark the first and last piece of each
 *     message, and the data of a message cut off by a failure is a prefix of what was sent;</li>
 * <li>every frame the server sends is well formed: unmasked, FIN, a control payload of at most 125;</li>
 * <li>nothing escapes as an exception.</li>
 * </ul>
 * The extension (RSV1, as permessage-deflate) writes each byte it is given {@code k} times, which
 * puts the inflated-size limit and UTF-8 of decoded text to the test without a real inflater.
 * Input: the bytes of the frames, then from the end the limits, rx size, extension factor and a
 * seed for the piece sizes.
 */
class WsReceiverFuzzTest {
    private static final Log QUIET = new Log() {
        @Override
        public boolean enabled(LogLevel level) {
            return false;
        }

        @Override
        public void log(LogLevel level, String format, Object... args) {
        }
    };
    private static final ConnectionHost HOST = new ConnectionHost() {
        @Override
        public Context context() {
            return null;
        }

        @Override
        public Log log() {
            return QUIET;
        }

        @Override
        public void connectionClosed(ConnectionImpl c) {
        }
    };
    private static final ServiceThread THREAD;
    private static final SelectableChannel CHANNEL;

    static {
        try {
            THREAD = new ServiceThread(0, QUIET, 1024, 1);
            CHANNEL = Pipe.open().source();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** What a run came to, as the protocol and the peer saw it. */
    record Seen(List<String> messages, List<String> pongsIn, String peerClose, List<String> sent, boolean open) {
    }

    /** The settings of one run. */
    record Setup(long maxFrame, long maxMessage, int rxSize, int factor) {
    }

    @FuzzTest
    void frames(FuzzedDataProvider data) {
        Setup s = new Setup(data.consumeLong(0, 1 << 12), data.consumeLong(0, 1 << 13), data.consumeInt(1, 300),
                data.consumeInt(0, 3));
        long seed = data.consumeLong();
        byte[] in = data.consumeRemainingAsBytes();
        String shown = HexFormat.of().formatHex(in) + " " + s;

        Run whole = run(in, s, List.of(in.length));
        Model model = new Model(s);
        model.read(in);
        assertEquals(model.seen(), whole.seen, "the role and RFC 6455 read " + shown + " differently");
        assertTrue(model.partial.startsWith(whole.partial),
                "a cut-off message delivered " + whole.partial + ", not a prefix of " + model.partial + ": " + shown);

        List<Integer> bytes = new ArrayList<>();
        for (int i = 1; i <= in.length; i++) {
            bytes.add(i);
        }
        assertEquals(whole.seen, run(in, s, bytes).seen, "byte by byte, " + shown);
        Random r = new Random(seed);
        List<Integer> ends = new ArrayList<>();
        for (int e = 0; e < in.length; ) {
            e = Math.min(in.length, e + 1 + r.nextInt(1 + r.nextInt(200)));
            ends.add(e);
        }
        assertEquals(whole.seen, run(in, s, ends).seen, "in pieces ending at " + ends + ", " + shown);
    }

    /** One connection fed a copy of {@code in} (the role unmasks in place) in pieces ending at {@code ends}. */
    static Run run(byte[] original, Setup s, List<Integer> ends) {
        byte[] in = original.clone();
        Run run = new Run(s.rxSize());
        ConnectionImpl conn = new ConnectionImpl(1, THREAD, HOST, run);
        conn.bindProtocol(new VhostProtocolImpl(null, "fuzz", run, Map.of("rx-buffer-size", Integer.toString(s.rxSize())), 1));
        List<WsUpgrade.Agreed> agreed = s.factor() == 0 ? List.of() : List.of(new WsUpgrade.Agreed(null, new Repeat(s.factor())));
        ContextConfig cfg = new ContextConfig(1, "lws4j", 20, 0, 0, 0, 8192, 32, 1 << 20, 7, 0, 0, s.maxFrame(), s.maxMessage());
        WsHandler h = new WsHandler(conn, null, cfg, false, agreed);
        conn.setHandler(h);
        try {
            int start = 0;
            for (int end : ends) {
                ByteBuffer b = ByteBuffer.wrap(in, start, end - start).slice();
                h.onData(b);
                if (conn.isOpen()) {
                    assertFalse(b.hasRemaining(), "an open connection left " + b.remaining() + " bytes unread");
                }
                start = end;
            }
            run.finish(conn.isOpen());
        } finally {
            conn.closeNow("end of run"); // cancels its timers on the shared thread
        }
        return run;
    }

    /** The endpoint (keeps what the server sends) and the protocol (checks and keeps what it receives). */
    static final class Run implements Endpoint, Protocol {
        private final int rxSize;
        private final ByteArrayOutputStream out = new ByteArrayOutputStream();
        private final List<String> messages = new ArrayList<>();
        private final List<String> pongsIn = new ArrayList<>();
        private String peerClose;
        private ByteArrayOutputStream message;
        private boolean binary;
        String partial = "";
        Seen seen;

        Run(int rxSize) {
            this.rxSize = rxSize;
        }

        @Override
        public Result callback(Connection wsi, Reason reason, ByteBuffer in) {
            switch (reason) {
                case RECEIVE -> {
                    assertTrue(in.remaining() <= rxSize, "a RECEIVE of " + in.remaining() + " bytes, rx size " + rxSize);
                    assertEquals(message == null, wsi.isFirstFragment(), "first-fragment flag");
                    assertTrue(wsi.remainingPacketPayload() >= 0);
                    if (message == null) {
                        message = new ByteArrayOutputStream();
                        binary = wsi.isBinary();
                    }
                    assertEquals(binary, wsi.isBinary(), "binary flag changed inside a message");
                    byte[] b = new byte[in.remaining()];
                    in.get(b);
                    message.writeBytes(b);
                    if (wsi.isFinalFragment()) {
                        messages.add((binary ? "B:" : "T:") + HexFormat.of().formatHex(message.toByteArray()));
                        message = null;
                    }
                }
                case RECEIVE_PONG -> pongsIn.add(hex(in));
                case WS_PEER_INITIATED_CLOSE -> peerClose = hex(in);
                default -> {
                }
            }
            return Result.CONTINUE;
        }

        void finish(boolean open) {
            partial = message == null ? "" : HexFormat.of().formatHex(message.toByteArray());
            seen = new Seen(messages, pongsIn, peerClose, framesSent(out.toByteArray()), open);
        }

        @Override
        public SelectableChannel channel() {
            return CHANNEL;
        }

        @Override
        public int read(ByteBuffer dst) {
            return 0;
        }

        @Override
        public long write(ByteBuffer[] srcs) {
            long n = 0;
            for (ByteBuffer b : srcs) {
                byte[] a = new byte[b.remaining()];
                b.get(a);
                out.writeBytes(a);
                n += a.length;
            }
            return n;
        }

        @Override
        public boolean flush() {
            return true;
        }

        @Override
        public boolean hasPendingOutput() {
            return false;
        }

        @Override
        public boolean hasBufferedInput() {
            return false;
        }

        @Override
        public boolean canTransferFiles() {
            return false;
        }

        @Override
        public void shutdownOutput() {
        }

        @Override
        public void close() {
        }

        @Override
        public boolean isSecure() {
            return false;
        }
    }

    /** The frames the server wrote, checked to be well formed: pongs as "A:payload", a Close as "8:code". */
    static List<String> framesSent(byte[] b) {
        List<String> frames = new ArrayList<>();
        int p = 0;
        while (p < b.length) {
            assertTrue(b.length - p >= 2, "a frame header cut short");
            int op = b[p] & 0x0f;
            assertEquals(0x80, b[p] & 0xf0, "a server frame without FIN or with RSV bits");
            assertEquals(0, b[p + 1] & 0x80, "a masked server frame");
            int len = b[p + 1] & 0x7f;
            assertTrue(op == FrameHeader.OP_PONG || op == FrameHeader.OP_CLOSE, "the server sent opcode " + op);
            assertTrue(len <= 125, "a control frame of " + len + " bytes");
            p += 2;
            assertTrue(p + len <= b.length, "a frame cut short");
            byte[] payload = java.util.Arrays.copyOfRange(b, p, p + len);
            p += len;
            if (op == FrameHeader.OP_CLOSE) {
                assertTrue(len == 0 || len >= 2, "a Close with a 1-byte payload");
                int code = len == 0 ? 0 : ((payload[0] & 0xff) << 8) | (payload[1] & 0xff);
                assertTrue(code == 0 || CloseStatus.isSendable(code), "the server sent close code " + code);
                assertTrue(utf8(java.util.Arrays.copyOfRange(payload, Math.min(2, len), len)), "a close reason that is not UTF-8");
                frames.add("8:" + (len == 0 ? "" : code));
                assertEquals(b.length, p, "a frame after the Close");
            } else {
                frames.add("A:" + HexFormat.of().formatHex(payload));
            }
        }
        return frames;
    }

    /**
     * RFC 6455 read plainly, the whole stream at once, a server reading a client: each frame's
     * header checked in the role's order (masked, RSV, opcode, 64-bit length, control rules,
     * fragmentation, frame limit, message limit), then its payload: control frames act once
     * whole, text is UTF-8 checked byte by byte, a transformed message's decoded size and UTF-8
     * are checked as each wire byte is decoded. The first violation sends its Close and ends it.
     */
    static final class Model {
        private final Setup s;
        private final List<String> messages = new ArrayList<>();
        private final List<String> pongsIn = new ArrayList<>();
        private final List<String> sent = new ArrayList<>();
        private String peerClose;
        private boolean open = true;
        String partial = "";

        private boolean msgOpen;
        private int msgOp;
        private long msgWire;
        private long msgDecoded;
        private boolean transformed;
        private final Utf8Validator utf8 = new Utf8Validator(); // checked against the JDK by Utf8ValidatorFuzzTest
        private final ByteArrayOutputStream msg = new ByteArrayOutputStream();

        Model(Setup s) {
            this.s = s;
        }

        Seen seen() {
            return new Seen(messages, pongsIn, peerClose, sent, open);
        }

        private void fail(int code) {
            sent.add("8:" + code);
            open = false;
        }

        void read(byte[] in) {
            int p = 0;
            while (open) {
                if (in.length - p < 2) {
                    break;
                }
                boolean fin = (in[p] & 0x80) != 0;
                int rsv = (in[p] >> 4) & 7;
                int op = in[p] & 0x0f;
                boolean masked = (in[p + 1] & 0x80) != 0;
                int len7 = in[p + 1] & 0x7f;
                int ext = len7 == 126 ? 2 : len7 == 127 ? 8 : 0;
                int headerLen = 2 + ext + (masked ? 4 : 0);
                if (in.length - p < headerLen) {
                    break;
                }
                long len = len7;
                if (ext > 0) {
                    len = 0;
                    for (int i = 0; i < ext; i++) {
                        len = (len << 8) | (in[p + 2 + i] & 0xff);
                    }
                }
                byte[] mask = new byte[4];
                if (masked) {
                    System.arraycopy(in, p + 2 + ext, mask, 0, 4);
                }
                p += headerLen;
                boolean control = op >= 8;
                int allowedRsv = s.factor() > 0 ? 4 : 0;
                if (!masked || (rsv & ~allowedRsv) != 0 || rsv != 0 && (control || op == 0)
                        || !(op <= 2 || op >= 8 && op <= 10) || len < 0) {
                    fail(CloseStatus.PROTOCOL_ERROR);
                    break;
                }
                if (control) {
                    if (!fin || len > 125) {
                        fail(CloseStatus.PROTOCOL_ERROR);
                        break;
                    }
                } else {
                    if (op == 0 && !msgOpen || op != 0 && msgOpen) {
                        fail(CloseStatus.PROTOCOL_ERROR);
                        break;
                    }
                    if (len > s.maxFrame()) {
                        fail(CloseStatus.MESSAGE_TOO_LARGE);
                        break;
                    }
                    if (op != 0) {
                        msgOpen = true;
                        msgOp = op;
                        msgWire = 0;
                        msgDecoded = 0;
                        utf8.reset();
                        msg.reset();
                        transformed = s.factor() > 0 && (rsv & 4) != 0;
                    }
                    msgWire += len;
                    long wireLimit = transformed ? s.maxMessage() + s.maxMessage() / 64 + 1024 : s.maxMessage();
                    if (msgWire > wireLimit) {
                        fail(CloseStatus.MESSAGE_TOO_LARGE);
                        break;
                    }
                }
                int avail = (int) Math.min(len, in.length - p);
                byte[] payload = new byte[avail];
                for (int i = 0; i < avail; i++) {
                    payload[i] = (byte) (in[p + i] ^ mask[i & 3]);
                }
                p += avail;
                boolean whole = avail == len;
                if (control) {
                    if (whole) {
                        control(op, payload);
                    }
                    continue;
                }
                data(payload, whole, fin);
            }
            if (msgOpen) {
                partial = HexFormat.of().formatHex(msg.toByteArray());
            }
        }

        private void control(int op, byte[] payload) {
            if (op == FrameHeader.OP_PING) {
                sent.add("A:" + HexFormat.of().formatHex(payload));
            } else if (op == FrameHeader.OP_PONG) {
                pongsIn.add(HexFormat.of().formatHex(payload));
            } else {
                if (payload.length == 1) {
                    fail(CloseStatus.PROTOCOL_ERROR);
                    return;
                }
                int code = payload.length == 0 ? 0 : ((payload[0] & 0xff) << 8) | (payload[1] & 0xff);
                if (payload.length >= 2 && !CloseStatus.isSendable(code)) {
                    fail(CloseStatus.PROTOCOL_ERROR);
                    return;
                }
                if (payload.length >= 2 && !utf8(java.util.Arrays.copyOfRange(payload, 2, payload.length))) {
                    fail(CloseStatus.INVALID_PAYLOAD);
                    return;
                }
                peerClose = HexFormat.of().formatHex(payload);
                sent.add("8:" + (code == 0 ? "" : code));
                open = false;
            }
        }

        private void data(byte[] payload, boolean whole, boolean fin) {
            boolean text = msgOp == FrameHeader.OP_TEXT;
            for (byte b : payload) {
                byte[] decoded = transformed ? repeat(b, s.factor()) : new byte[] {b};
                if (transformed) {
                    msgDecoded += decoded.length;
                    if (msgDecoded > s.maxMessage()) {
                        fail(CloseStatus.MESSAGE_TOO_LARGE);
                        return;
                    }
                }
                if (text && !utf8.feed(decoded, 0, decoded.length)) {
                    fail(CloseStatus.INVALID_PAYLOAD);
                    return;
                }
                msg.writeBytes(decoded);
            }
            if (whole && fin) {
                if (text && !utf8.isComplete()) {
                    fail(CloseStatus.INVALID_PAYLOAD);
                    return;
                }
                messages.add((text ? "T:" : "B:") + HexFormat.of().formatHex(msg.toByteArray()));
                msg.reset();
                msgOpen = false;
            }
        }
    }

    /** A transforming extension on RSV1 that writes every byte it decodes {@code k} times. */
    static final class Repeat implements ExtensionSession {
        private final int k;

        Repeat(int k) {
            this.k = k;
        }

        @Override
        public ExtensionOffer response() {
            return null;
        }

        @Override
        public int rsvBits() {
            return 0x40;
        }

        @Override
        public boolean decode(ByteBuffer in, boolean last, Sink out) {
            while (in.hasRemaining()) {
                if (!out.accept(ByteBuffer.wrap(repeat(in.get(), k)))) {
                    in.position(in.limit()); // only a failing connection stops us: the rest is dropped
                    return false;
                }
            }
            return true;
        }

        @Override
        public boolean transforms(WriteMode mode, int length) {
            return false;
        }

        @Override
        public ByteBuffer encode(ByteBuffer in, boolean last) {
            return in;
        }

        @Override
        public boolean setOption(String option, String value) {
            return false;
        }

        @Override
        public void close() {
        }
    }

    static byte[] repeat(byte b, int k) {
        byte[] r = new byte[k];
        java.util.Arrays.fill(r, b);
        return r;
    }

    static boolean utf8(byte[] b) {
        try {
            StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(b));
            return true;
        } catch (CharacterCodingException e) {
            return false;
        }
    }

    private static String hex(ByteBuffer b) {
        ByteBuffer d = b.duplicate();
        byte[] a = new byte[d.remaining()];
        d.get(a);
        return HexFormat.of().formatHex(a);
    }
}
