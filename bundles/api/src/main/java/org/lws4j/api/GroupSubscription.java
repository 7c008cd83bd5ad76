package org.lws4j.api;

import org.osgi.annotation.versioning.ProviderType;

/**
 * A listener member's place in a group ({@link Groups#subscribe}).
 *
 * @since 1.2
 */
@ProviderType
public interface GroupSubscription {
    /** The group's name. */
    String group();

    /** Leaves the group: no call after this returns (but one running on another thread may finish). Idempotent. */
    void cancel();
}
