package org.lws4j.testkit;

import org.lws4j.api.Reason;

/**
 * A protocol's callback (or a task it gave {@code execute}) threw. The core logs that and closes
 * the connection, and so did the kit before failing the test's call with this; the cause is what
 * was thrown. A write outside the role's WRITEABLE callback shows up here as the
 * {@link IllegalStateException} the core throws for it.
 */
public final class CallbackFailure extends AssertionError {
    private static final long serialVersionUID = 1L;

    private final transient Reason reason;
    private final long connectionId;

    CallbackFailure(String where, Reason reason, long connectionId, Throwable cause) {
        super("protocol threw from " + (reason == null ? "a task" : reason) + " on " + where + ": " + cause
                + " (the core closes the connection for that)", cause);
        this.reason = reason;
        this.connectionId = connectionId;
    }

    /** The callback that threw, or null for a task given to {@code execute}. */
    public Reason reason() {
        return reason;
    }

    /** The connection's id, or 0 for a vhost callback. */
    public long connectionId() {
        return connectionId;
    }
}
