package org.lws4j.api.util;

import java.nio.ByteBuffer;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * Receives what a {@link FormParser} finds, in the order of the body: each field whole, each
 * uploaded file as a begin, its content in pieces, an end. Buffers passed in are valid only
 * during the call. Throw {@link FormException} to refuse the form (an upload over a limit of
 * yours: 413); the parser stops there.
 */
@ConsumerType
public interface FormHandler {
    /** A field and its value, decoded (a field without '=' in an urlencoded body has the value ""). */
    void field(String name, String value) throws FormException;

    /** An uploaded file begins. */
    default void fileBegin(FormPart part) throws FormException {
    }

    /** A piece of the file's content. */
    default void fileData(FormPart part, ByteBuffer data) throws FormException {
    }

    /** The file's content is complete. */
    default void fileEnd(FormPart part) throws FormException {
    }
}
