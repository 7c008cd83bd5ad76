package org.lws4j.api.util;

import org.osgi.annotation.versioning.ProviderType;

/**
 * A form body that cannot be accepted, with the HTTP status that says why: 400 (not a valid
 * body), 413 (over a limit), 415 (not a form type). Answer it with
 * {@code wsi.respondStatus(e.status(), e.getMessage())}.
 */
@ProviderType
public final class FormException extends Exception {
    private static final long serialVersionUID = 1L;

    private final int status;

    /** A refusal with {@code status} and a message a client may be shown. */
    public FormException(int status, String message) {
        super(message);
        this.status = status;
    }

    /** The HTTP status to answer with. */
    public int status() {
        return status;
    }
}
