package org.lws4j.jakarta.websocket.session;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.function.IntSupplier;

/**
 * How the pieces lws delivers (at most the protocol's receive size each, with first and last
 * flags) become what a message handler takes: a whole message gathered up to a size limit, or
 * each piece as it comes. Every receiver lives on its session's service thread. The data passed
 * in belongs to the core and is copied; what a sink gets is its own.
 */
final class Receivers {
    private Receivers() {
    }

    /** A message bigger than the handler's limit: the session closes with 1009. */
    static final class TooBig extends Exception {
        private static final long serialVersionUID = 1L;

        TooBig(long size, long max) {
            super("message of " + size + "+ bytes is bigger than the limit of " + max, null, false, false);
        }
    }

    /** Takes one piece of a message. */
    abstract static class Receiver {
        abstract void piece(ByteBuffer data, boolean first, boolean last) throws Exception;
    }

    /** Takes a whole text message. */
    interface TextSink {
        void text(String message) throws Exception;
    }

    /** Takes a whole binary message (a buffer of its own). */
    interface BinarySink {
        void binary(ByteBuffer message) throws Exception;
    }

    /** Takes a piece of a text message: whole characters only. */
    interface PartialTextSink {
        void part(String part, boolean last) throws Exception;
    }

    /** Takes a piece of a binary message (a buffer of its own). */
    interface PartialBinarySink {
        void part(ByteBuffer part, boolean last) throws Exception;
    }

    /** Gathers a whole message up to {@code max} bytes, then hands it over. */
    static final class Whole extends Receiver {
        private static final int KEEP = 64 * 1024;
        private final IntSupplier max;
        private final TextSink text;
        private final BinarySink binary;
        private byte[] buf = new byte[0];
        private int len;

        Whole(IntSupplier max, TextSink text, BinarySink binary) {
            this.max = max;
            this.text = text;
            this.binary = binary;
        }

        @Override
        void piece(ByteBuffer data, boolean first, boolean last) throws Exception {
            if (first) {
                len = 0;
            }
            long need = (long) len + data.remaining();
            long limit = max.getAsInt();
            if (limit > 0 && need > limit) {
                len = 0;
                buf = new byte[0];
                throw new TooBig(need, limit);
            }
            if (need > buf.length) {
                buf = Arrays.copyOf(buf, (int) Math.max(need, Math.min(limit > 0 ? limit : Integer.MAX_VALUE - 8, buf.length * 2L)));
            }
            int n = data.remaining();
            data.get(buf, len, n);
            len += n;
            if (!last) {
                return;
            }
            int size = len;
            len = 0;
            try {
                if (text != null) {
                    text.text(new String(buf, 0, size, StandardCharsets.UTF_8));
                } else {
                    binary.binary(ByteBuffer.wrap(Arrays.copyOf(buf, size)));
                }
            } finally {
                if (buf.length > KEEP) {
                    buf = new byte[0];
                }
            }
        }
    }

    /** Hands each piece of a text message over as it comes, holding back a split character. */
    static final class PartialText extends Receiver {
        private final PartialTextSink sink;
        private final CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPLACE).onUnmappableCharacter(CodingErrorAction.REPLACE);
        private ByteBuffer carry = ByteBuffer.allocate(0);

        PartialText(PartialTextSink sink) {
            this.sink = sink;
        }

        @Override
        void piece(ByteBuffer data, boolean first, boolean last) throws Exception {
            if (first) {
                decoder.reset();
                carry = ByteBuffer.allocate(0);
            }
            ByteBuffer in = data;
            if (carry.hasRemaining()) {
                in = ByteBuffer.allocate(carry.remaining() + data.remaining()).put(carry).put(data).flip();
            }
            CharBuffer out = CharBuffer.allocate(in.remaining() + 1);
            decoder.decode(in, out, last);
            if (last) {
                decoder.flush(out);
            }
            carry = ByteBuffer.allocate(in.remaining()).put(in).flip();
            sink.part(out.flip().toString(), last);
        }
    }

    /** Hands each piece of a binary message over as it comes. */
    static final class PartialBinary extends Receiver {
        private final PartialBinarySink sink;

        PartialBinary(PartialBinarySink sink) {
            this.sink = sink;
        }

        @Override
        void piece(ByteBuffer data, boolean first, boolean last) throws Exception {
            ByteBuffer own = ByteBuffer.allocate(data.remaining()).put(data).flip();
            sink.part(own, last);
        }
    }
}
