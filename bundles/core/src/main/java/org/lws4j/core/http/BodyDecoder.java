package org.lws4j.core.http;

import java.nio.ByteBuffer;

/**
 * Frames a request body: a fixed Content-Length or chunked transfer coding (RFC 9112 section 7.1).
 * {@link #next} hands out one piece of body per call, so the caller can stop between pieces
 * (flow control) and resume with the bytes left in the input.
 */
public abstract class BodyDecoder {
    /** What happened in one step. */
    public enum Step { PIECE, NEED_MORE, DONE, ERROR }

    protected ByteBuffer piece;
    protected long total;
    protected int errorStatus;
    protected String errorMessage;

    /** One step: after PIECE, {@link #piece()} holds body bytes (a view of the input). */
    public abstract Step next(ByteBuffer in);

    public ByteBuffer piece() {
        return piece;
    }

    /** Body bytes seen so far. */
    public long total() {
        return total;
    }

    public int errorStatus() {
        return errorStatus;
    }

    public String errorMessage() {
        return errorMessage;
    }

    /** Body bytes still expected, or -1 when unknown (chunked). */
    public abstract long remaining();

    public static BodyDecoder fixed(long length) {
        return new Fixed(length);
    }

    public static BodyDecoder chunked(long maxBody) {
        return new Chunked(maxBody);
    }

    protected Step error(int status, String message) {
        errorStatus = status;
        errorMessage = message;
        return Step.ERROR;
    }

    protected ByteBuffer take(ByteBuffer in, long max) {
        int n = (int) Math.min(in.remaining(), max);
        ByteBuffer view = in.slice();
        view.limit(n);
        in.position(in.position() + n);
        total += n;
        return view;
    }

    private static final class Fixed extends BodyDecoder {
        private long left;

        Fixed(long length) {
            left = length;
        }

        @Override
        public Step next(ByteBuffer in) {
            if (left == 0) {
                return Step.DONE;
            }
            if (!in.hasRemaining()) {
                return Step.NEED_MORE;
            }
            piece = take(in, left);
            left -= piece.remaining();
            return Step.PIECE;
        }

        @Override
        public long remaining() {
            return left;
        }
    }

    /**
     * RFC 9112 section 7.1, strictly, as a front proxy may read the same bytes differently: sizes
     * in hex, optional extensions after ";" (whitespace only before one), every line ended by
     * CRLF (a bare LF is refused), trailer fields checked as header fields are, then dropped.
     */
    private static final class Chunked extends BodyDecoder {
        private enum S {
            SIZE, SIZE_WS, EXT, SIZE_LF, DATA, DATA_CR, DATA_LF,
            TRAILER_START, TRAILER_NAME, TRAILER_VALUE, TRAILER_LF, END_LF, DONE
        }

        private static final int MAX_LINE = 4096;
        private static final int MAX_TRAILERS = 8192;
        private final long maxBody;
        private S s = S.SIZE;
        private long chunkLeft;
        private int digits;
        private int lineBytes;
        private int trailerBytes;

        Chunked(long maxBody) {
            this.maxBody = maxBody;
        }

        @Override
        public long remaining() {
            return s == S.DONE ? 0 : -1;
        }

        @Override
        public Step next(ByteBuffer in) {
            while (true) {
                if (s == S.DONE) {
                    return Step.DONE;
                }
                if (s == S.DATA) {
                    if (!in.hasRemaining()) {
                        return Step.NEED_MORE;
                    }
                    piece = take(in, chunkLeft);
                    chunkLeft -= piece.remaining();
                    if (chunkLeft == 0) {
                        s = S.DATA_CR;
                    }
                    return Step.PIECE;
                }
                if (!in.hasRemaining()) {
                    return Step.NEED_MORE;
                }
                int b = in.get() & 0xff;
                if (++lineBytes > MAX_LINE) {
                    return error(400, "chunk size or trailer line too long");
                }
                Step st = byteOf(b);
                if (st != null) {
                    return st;
                }
            }
        }

        /** One byte outside chunk data; null to go on, else the error. */
        private Step byteOf(int b) {
            if (b == '\n' && s != S.SIZE_LF && s != S.DATA_LF && s != S.TRAILER_LF && s != S.END_LF) {
                return error(400, "bare LF in chunked framing (lines end with CRLF)");
            }
            switch (s) {
                case SIZE: {
                    int h = RequestHead.hex((char) b);
                    if (h >= 0) {
                        if (++digits > 15) {
                            return error(400, "chunk size too large");
                        }
                        chunkLeft = chunkLeft * 16 + h;
                    } else if (digits == 0) {
                        return error(400, "chunk size missing");
                    } else if (b == ';') {
                        s = S.EXT;
                    } else if (b == ' ' || b == '\t') {
                        s = S.SIZE_WS;
                    } else if (b == '\r') {
                        s = S.SIZE_LF;
                    } else {
                        return error(400, "bad character in chunk size");
                    }
                    return null;
                }
                case SIZE_WS:
                    if (b == ';') {
                        s = S.EXT;
                    } else if (b != ' ' && b != '\t') {
                        return error(400, "chunk size followed by something other than an extension");
                    }
                    return null;
                case EXT:
                    if (b == '\r') {
                        s = S.SIZE_LF;
                    } else if (isCtl(b)) {
                        return error(400, "control character in a chunk extension");
                    }
                    return null;
                case SIZE_LF:
                    if (b != '\n') {
                        return error(400, "chunk size line not ended by CRLF");
                    }
                    return endOfSizeLine();
                case DATA_CR:
                    if (b != '\r') {
                        return error(400, "chunk data not followed by CRLF");
                    }
                    s = S.DATA_LF;
                    return null;
                case DATA_LF:
                    if (b != '\n') {
                        return error(400, "chunk data not followed by CRLF");
                    }
                    s = S.SIZE;
                    resetLine();
                    return null;
                case TRAILER_START:
                    if (b == '\r') {
                        s = S.END_LF;
                    } else if (RequestHeadParser.isTchar((byte) b)) {
                        s = S.TRAILER_NAME;
                    } else {
                        return error(400, "bad trailer field name");
                    }
                    return trailerByte();
                case TRAILER_NAME:
                    if (b == ':') {
                        s = S.TRAILER_VALUE;
                    } else if (!RequestHeadParser.isTchar((byte) b)) {
                        return error(400, "bad trailer field name");
                    }
                    return trailerByte();
                case TRAILER_VALUE:
                    if (b == '\r') {
                        s = S.TRAILER_LF;
                    } else if (isCtl(b)) {
                        return error(400, "control character in a trailer field");
                    }
                    return trailerByte();
                case TRAILER_LF:
                    if (b != '\n') {
                        return error(400, "trailer field not ended by CRLF");
                    }
                    s = S.TRAILER_START;
                    resetLine();
                    return trailerByte();
                case END_LF:
                    if (b != '\n') {
                        return error(400, "chunked body not ended by CRLF");
                    }
                    s = S.DONE;
                    return null;
                default:
                    return null;
            }
        }

        private Step trailerByte() {
            return ++trailerBytes > MAX_TRAILERS ? error(431, "trailer fields longer than " + MAX_TRAILERS + " bytes") : null;
        }

        /** A control character other than horizontal tab. */
        private static boolean isCtl(int b) {
            return (b < 0x20 && b != '\t') || b == 0x7f;
        }

        private Step endOfSizeLine() {
            resetLine();
            if (chunkLeft == 0) {
                s = S.TRAILER_START;
                return null;
            }
            if (total + chunkLeft > maxBody) {
                return error(413, "request body larger than " + maxBody + " bytes");
            }
            s = S.DATA;
            return null;
        }

        private void resetLine() {
            lineBytes = 0;
            digits = 0;
        }
    }
}
