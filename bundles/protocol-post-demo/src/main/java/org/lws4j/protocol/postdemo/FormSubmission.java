package org.lws4j.protocol.postdemo;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;

/**
 * One POST to the demo, as it streams in: the session of {@link PostDemoProtocol}. It picks the
 * parser from the Content-Type, counts the body against {@link #BODY_LIMIT} and uploaded file
 * content against {@link #UPLOAD_LIMIT}, and keeps what the result page lists: text fields
 * (their values) and uploads (file name, type, size and SHA-256, never their content).
 */
final class FormSubmission implements MultipartParser.Handler, UrlEncodedParser.Handler {
    /** Uploaded file content accepted in one request, all files together: 100 KiB. */
    static final long UPLOAD_LIMIT = 100 * 1024;
    /** The whole body: the uploads plus 16 KiB for the fields and the multipart framing. */
    static final long BODY_LIMIT = UPLOAD_LIMIT + 16 * 1024;

    /** A text field. */
    record Field(String name, String value) {
    }

    /** An uploaded file, as counted while it streamed by. */
    record Upload(String field, String filename, String contentType, long size, String sha256) {
    }

    private final List<Field> fields = new ArrayList<>();
    private final List<Upload> uploads = new ArrayList<>();
    private MultipartParser multipart;
    private UrlEncodedParser urlencoded;
    private String encoding;
    private long received;
    private long uploaded;
    private boolean finished;

    // the part being read
    private MultipartParser.Part part;
    private final ByteArrayOutputStream value = new ByteArrayOutputStream();
    private MessageDigest digest;
    private long partSize;

    /**
     * Chooses the parser for {@code contentType}.
     *
     * @throws FormException 415 for a type that is not a form, 400 for a multipart type without
     *     a usable boundary
     */
    void start(String contentType) throws FormException {
        String type = contentType == null ? "" : contentType.split(";", 2)[0].trim().toLowerCase(Locale.ROOT);
        switch (type) {
            case "application/x-www-form-urlencoded":
                urlencoded = new UrlEncodedParser(this);
                break;
            case "multipart/form-data":
                multipart = new MultipartParser(MultipartParser.boundaryOf(contentType), this);
                break;
            default:
                throw new FormException(415, "POST here takes application/x-www-form-urlencoded or multipart/form-data, not "
                        + (type.isEmpty() ? "a body without Content-Type" : type));
        }
        encoding = type;
    }

    /** A piece of the body. */
    void feed(ByteBuffer in) throws FormException {
        received += in.remaining();
        if (received > BODY_LIMIT) {
            throw new FormException(413, "the form is over its limit of " + BODY_LIMIT / 1024 + " KiB");
        }
        if (multipart != null) {
            multipart.feed(in);
        } else {
            urlencoded.feed(in);
        }
    }

    /** The body ended. */
    void finish() throws FormException {
        if (multipart != null) {
            multipart.finish();
        } else {
            urlencoded.finish();
        }
        finished = true;
    }

    /** True once the body was parsed to its end, or refused: nothing more is read. */
    boolean isFinished() {
        return finished;
    }

    /** The submission was refused; what else arrives is ignored. */
    void refused() {
        finished = true;
    }

    String encoding() {
        return encoding;
    }

    long received() {
        return received;
    }

    List<Field> fields() {
        return fields;
    }

    List<Upload> uploads() {
        return uploads;
    }

    // ---- what the parsers find -----------------------------------------------------------------

    @Override
    public void field(String name, String v) {
        fields.add(new Field(name, v));
    }

    @Override
    public void partBegin(MultipartParser.Part p) {
        part = p;
        partSize = 0;
        value.reset();
        digest = p.filename() == null ? null : sha256();
    }

    @Override
    public void partData(ByteBuffer data) throws FormException {
        int n = data.remaining();
        partSize += n;
        if (part.filename() == null) {
            value.write(data.array(), data.arrayOffset() + data.position(), n);
            data.position(data.limit());
            return;
        }
        uploaded += n;
        if (uploaded > UPLOAD_LIMIT) {
            throw new FormException(413, "uploads are limited to " + UPLOAD_LIMIT / 1024 + " KiB");
        }
        digest.update(data);
    }

    @Override
    public void partEnd() {
        if (part.filename() == null) {
            fields.add(new Field(part.name(), value.toString(StandardCharsets.UTF_8)));
        } else {
            uploads.add(new Upload(part.name(), part.filename(), part.contentType(), partSize,
                    HexFormat.of().formatHex(digest.digest())));
        }
        part = null;
        digest = null;
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java has SHA-256", e);
        }
    }
}
