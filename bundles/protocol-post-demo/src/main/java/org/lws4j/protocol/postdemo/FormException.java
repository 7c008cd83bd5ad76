package org.lws4j.protocol.postdemo;

/** A form body that cannot be accepted, with the HTTP status that says why (400, 413, 415). */
final class FormException extends Exception {
    private static final long serialVersionUID = 1L;

    private final int status;

    FormException(int status, String message) {
        super(message);
        this.status = status;
    }

    int status() {
        return status;
    }
}
