package org.lws4j.core.http;

/**
 * A role a request may switch the connection to with {@code Upgrade} (RFC 9110 section 7.8). The
 * HTTP role knows roles above it only through this interface: the context names the one it serves
 * ({@link HttpHost#upgradeRole()}; WebSocket's is in core.ws), so http never imports them.
 */
public interface UpgradeRole {
    /** True when the request asks for this role. */
    boolean wants(RequestHead head);

    /**
     * Answers the request: refuses it, makes it wait for a protocol parked over an update, or
     * accepts it and sets the role's handler on the connection, each through {@code u}.
     */
    void upgrade(Upgrading u);
}
