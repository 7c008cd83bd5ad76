package org.lws4j.api;

import org.osgi.annotation.versioning.ProviderType;

/**
 * A pending timed callback. Thread-safe.
 */
@ProviderType
public interface Scheduled {
    /** Cancels the callback if it has not run yet; true if this call prevented it. */
    boolean cancel();
}
