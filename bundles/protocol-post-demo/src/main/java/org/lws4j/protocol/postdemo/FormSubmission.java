package org.lws4j.protocol.postdemo;

import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

import org.lws4j.api.util.FormException;
import org.lws4j.api.util.FormHandler;
import org.lws4j.api.util.FormParser;
import org.lws4j.api.util.FormPart;

/**
 * One POST to the demo, as it streams in: the session of {@link PostDemoProtocol}. The API's
 * {@link FormParser} (lws-spa) parses the body; this counts it against {@link #BODY_LIMIT} and
 * uploaded file content against {@link #UPLOAD_LIMIT}, and keeps what the result page lists:
 * text fields (their values) and uploads (file name, type, size and SHA-256, never their
 * content).
 */
final class FormSubmission implements FormHandler {
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
    private FormParser parser;
    private long received;
    private long uploaded;
    private boolean finished;

    // the upload being read
    private MessageDigest digest;
    private long fileSize;

    /**
     * Chooses the parser for {@code contentType}.
     *
     * @throws FormException 415 for a type that is not a form, 400 for a multipart type without
     *     a usable boundary
     */
    void start(String contentType) throws FormException {
        parser = FormParser.of(contentType, this, (int) BODY_LIMIT);
    }

    /** A piece of the body. */
    void feed(ByteBuffer in) throws FormException {
        received += in.remaining();
        if (received > BODY_LIMIT) {
            throw new FormException(413, "the form is over its limit of " + BODY_LIMIT / 1024 + " KiB");
        }
        parser.feed(in);
    }

    /** The body ended. */
    void finish() throws FormException {
        parser.finish();
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

    /** The form's type, or null before {@link #start}. */
    String encoding() {
        return parser == null ? null : parser.encoding();
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

    // ---- what the parser finds -----------------------------------------------------------------

    @Override
    public void field(String name, String value) {
        fields.add(new Field(name, value));
    }

    @Override
    public void fileBegin(FormPart part) {
        fileSize = 0;
        digest = sha256();
    }

    @Override
    public void fileData(FormPart part, ByteBuffer data) throws FormException {
        int n = data.remaining();
        fileSize += n;
        uploaded += n;
        if (uploaded > UPLOAD_LIMIT) {
            throw new FormException(413, "uploads are limited to " + UPLOAD_LIMIT / 1024 + " KiB");
        }
        digest.update(data);
    }

    @Override
    public void fileEnd(FormPart part) {
        uploads.add(new Upload(part.name(), part.filename(), part.contentType(), fileSize,
                HexFormat.of().formatHex(digest.digest())));
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
