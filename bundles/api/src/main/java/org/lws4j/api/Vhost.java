package org.lws4j.api;

import org.lws4j.spi.fileops.FileOps;

import java.util.List;

import org.osgi.annotation.versioning.ProviderType;

/**
 * A virtual host: a name, a listen port and interface, mounts and offered protocols. Requests
 * are matched to vhosts by Host header (and, on TLS, by SNI). Thread-safe.
 */
@ProviderType
public interface Vhost {
    /** The vhost name, which is also the host name it answers to (wildcards: "abc.com" takes "cats.abc.com"). */
    String name();

    /** The listen port. */
    int port();

    /** The interface or address it listens on, or null for all. */
    String iface();

    /** The context. */
    Context context();

    /** True when it serves TLS. */
    boolean isSecure();

    /** The mounts, in config order. */
    List<Mount> mounts();

    /** The protocol names the vhost offers, in config order (the first is the default). */
    List<String> protocolNames();

    /** The binding of {@code name} if it is offered and bound right now, else null. */
    VhostProtocol protocol(String name);

    /** Asks for WRITEABLE on every connection of {@code protocol} on this vhost. */
    void requestWriteableAll(String protocol);

    /**
     * The file operations this vhost's FILE mounts use: the installed layers (zip, ...) over the
     * platform's, or what {@link #setFileOps} put in their place. Usable from any thread.
     */
    FileOps fileOps();

    /**
     * Replaces the file operations of this vhost; null goes back to the installed layers. To wrap
     * them, get {@link #fileOps()} first and delegate to it.
     */
    void setFileOps(FileOps ops);
}
