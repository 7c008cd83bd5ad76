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

    private static final class Chunked extends BodyDecoder {
        private enum S { SIZE, EXT, SIZE_LF, DATA, DATA_CR, DATA_LF, TRAILER_START, TRAILER, TRAILER_LF, END_LF, DONE }

        private static final int MAX_LINE = 4096;
        private final long maxBody;
        private S s = S.SIZE;
        private long chunkLeft;
        private int digits;
        private int lineBytes;

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
                byte b = in.get();
                if (++lineBytes > MAX_LINE) {
                    return error(400, "chunk size or trailer line too long");
                }
                switch (s) {
                    case SIZE: {
                        int h = RequestHead.hex((char) (b & 0xff));
                        if (h >= 0) {
                            if (++digits > 15) {
                                return error(400, "chunk size too large");
                            }
                            chunkLeft = chunkLeft * 16 + h;
                        } else if (digits == 0) {
                            return error(400, "chunk size missing");
                        } else if (b == ';' || b == ' ' || b == '\t') {
                            s = S.EXT;
                        } else if (b == '\r') {
                            s = S.SIZE_LF;
                        } else if (b == '\n') {
                            Step st = endOfSizeLine();
                            if (st != null) {
                                return st;
                            }
                        } else {
                            return error(400, "bad character in chunk size");
                        }
                        break;
                    }
                    case EXT:
                        if (b == '\r') {
                            s = S.SIZE_LF;
                        } else if (b == '\n') {
                            Step st = endOfSizeLine();
                            if (st != null) {
                                return st;
                            }
                        }
                        break;
                    case SIZE_LF: {
                        if (b != '\n') {
                            return error(400, "chunk size line not ended by CRLF");
                        }
                        Step st = endOfSizeLine();
                        if (st != null) {
                            return st;
                        }
                        break;
                    }
                    case DATA_CR:
                        if (b == '\n') {
                            s = S.SIZE;
                            resetLine();
                        } else if (b == '\r') {
                            s = S.DATA_LF;
                        } else {
                            return error(400, "chunk data not followed by CRLF");
                        }
                        break;
                    case DATA_LF:
                        if (b != '\n') {
                            return error(400, "chunk data not followed by CRLF");
                        }
                        s = S.SIZE;
                        resetLine();
                        break;
                    case TRAILER_START:
                        if (b == '\r') {
                            s = S.END_LF;
                        } else if (b == '\n') {
                            s = S.DONE;
                        } else {
                            s = S.TRAILER;
                        }
                        break;
                    case TRAILER:
                        if (b == '\n') {
                            s = S.TRAILER_START;
                            resetLine();
                        }
                        break;
                    case END_LF:
                        if (b != '\n') {
                            return error(400, "chunked body not ended by CRLF");
                        }
                        s = S.DONE;
                        break;
                    default:
                        break;
                }
            }
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
