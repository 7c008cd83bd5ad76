package org.lws4j.api.util;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

import org.osgi.annotation.versioning.ProviderType;

/**
 * An HTML form's body parsed as it streams in: the Java form of lws's {@code lws-spa}. Made from
 * the request's Content-Type, it takes {@code application/x-www-form-urlencoded} and
 * {@code multipart/form-data}. Fed each HTTP_BODY piece as it comes and finished at
 * HTTP_BODY_COMPLETION, it hands the {@link FormHandler} every plain field whole (each at most
 * {@code maxFieldBytes}, else 413) and every uploaded file as a stream: begin, content in pieces
 * of at most {@value MultipartParser#MAX_PIECE} bytes, end. Memory stays bounded whatever the
 * body's size: one field, or a piece of a file, and the parser's small buffers.
 *
 * <pre>{@code
 * protected Result onHttp(Connection wsi, ByteBuffer in) {        // a POST
 *     Session s = wsi.session();
 *     try {
 *         s.form = FormParser.of(wsi.request().header("Content-Type"), s);   // s implements FormHandler
 *     } catch (FormException e) {
 *         wsi.respondStatus(e.status(), e.getMessage());
 *         return Result.CLOSE;
 *     }
 *     return Result.CONTINUE;
 * }
 * // HTTP_BODY: s.form.feed(in);  HTTP_BODY_COMPLETION: s.form.finish(), then answer
 * }</pre>
 *
 * <p>Limits on the body as a whole or on uploads are the protocol's to keep (throw
 * {@link FormException} 413 from the handler). Not thread-safe: one body, one thread.
 */
@ProviderType
public final class FormParser {
    /** The URL-encoded form type. */
    public static final String URLENCODED = "application/x-www-form-urlencoded";
    /** The multipart form type. */
    public static final String MULTIPART = "multipart/form-data";
    /** The default bound of one plain field: 64 KiB. */
    public static final int DEFAULT_MAX_FIELD = 64 * 1024;

    private final String encoding;
    private final UrlEncodedParser urlencoded;
    private final MultipartParser multipart;
    private boolean finished;

    private FormParser(String encoding, UrlEncodedParser u, MultipartParser m) {
        this.encoding = encoding;
        this.urlencoded = u;
        this.multipart = m;
    }

    /** A parser for a body of {@code contentType}, fields bounded by {@value #DEFAULT_MAX_FIELD} bytes. */
    public static FormParser of(String contentType, FormHandler handler) throws FormException {
        return of(contentType, handler, DEFAULT_MAX_FIELD);
    }

    /**
     * A parser for a body of {@code contentType}, each plain field at most {@code maxFieldBytes}.
     *
     * @throws FormException 415 for a type that is not a form (or none), 400 for a multipart type
     *     without a usable boundary
     */
    public static FormParser of(String contentType, FormHandler handler, int maxFieldBytes) throws FormException {
        String type = contentType == null ? "" : contentType.split(";", 2)[0].trim().toLowerCase(Locale.ROOT);
        switch (type) {
            case URLENCODED:
                return new FormParser(type, new UrlEncodedParser(handler, maxFieldBytes), null);
            case MULTIPART:
                return new FormParser(type, null,
                        new MultipartParser(MultipartParser.boundaryOf(contentType), new Parts(handler, maxFieldBytes)));
            default:
                throw new FormException(415, "a form is " + URLENCODED + " or " + MULTIPART + ", not "
                        + (type.isEmpty() ? "a body without Content-Type" : type));
        }
    }

    /** {@link #URLENCODED} or {@link #MULTIPART}. */
    public String encoding() {
        return encoding;
    }

    /** Feeds the next piece of the body; consumes all of {@code in}. */
    public void feed(ByteBuffer in) throws FormException {
        if (finished) {
            throw new IllegalStateException("the form was finished");
        }
        if (multipart != null) {
            multipart.feed(in);
        } else {
            urlencoded.feed(in);
        }
    }

    /**
     * The body ended: the last urlencoded field is handed over; a multipart body must have ended
     * with its close delimiter (else 400).
     */
    public void finish() throws FormException {
        if (finished) {
            return;
        }
        finished = true;
        if (multipart != null) {
            multipart.finish();
        } else {
            urlencoded.finish();
        }
    }

    /** Multipart parts to fields (gathered, bounded) and files (streamed). */
    private static final class Parts implements MultipartParser.Handler {
        private final FormHandler handler;
        private final int maxField;
        private final ByteArrayOutputStream value = new ByteArrayOutputStream();
        private FormPart part;

        Parts(FormHandler handler, int maxField) {
            this.handler = handler;
            this.maxField = maxField;
        }

        @Override
        public void partBegin(FormPart p) throws FormException {
            part = p;
            value.reset();
            if (p.isFile()) {
                handler.fileBegin(p);
            }
        }

        @Override
        public void partData(ByteBuffer data) throws FormException {
            if (part.isFile()) {
                handler.fileData(part, data);
                return;
            }
            if (value.size() + data.remaining() > maxField) {
                throw new FormException(413, "form field " + part.name() + " is over " + maxField + " bytes");
            }
            byte[] b = new byte[data.remaining()];
            data.get(b);
            value.writeBytes(b);
        }

        @Override
        public void partEnd() throws FormException {
            FormPart p = part;
            part = null;
            if (p.isFile()) {
                handler.fileEnd(p);
            } else {
                handler.field(p.name(), value.toString(StandardCharsets.UTF_8));
            }
        }
    }
}
