package org.lws4j.api;

import org.lws4j.spi.origin.MountOrigin;

import java.util.Map;

import org.osgi.annotation.versioning.ProviderType;

/**
 * A URL space of a vhost and where it is served from (lws's {@code lws_http_mount}). Immutable.
 * The origin's scheme decides the kind: {@code file://} a directory (or, with file ops that know
 * the path, a zip), {@code callback://name} a protocol's HTTP callbacks, {@code http://} and
 * {@code https://} redirects, and any other scheme a {@code MountOrigin} service owns
 * ({@code cgi://}).
 */
@ProviderType
public interface Mount {
    /** lws's LWSMPRO_* kinds. */
    @ProviderType
    enum Kind {
        /** Files under a directory. */
        FILE,
        /** The HTTP callbacks of the protocol named by the origin. */
        CALLBACK,
        /** A redirect to an http:// URL. */
        REDIR_HTTP,
        /** A redirect to an https:// URL. */
        REDIR_HTTPS,
        /** A scheme served by a plug-in (cgi://, ...). */
        PLUGIN
    }

    /** The URL prefix, e.g. "/" or "/formtest"; it matches whole path segments. */
    String mountpoint();

    /** The origin as configured, e.g. "file:///srv/www" or "callback://protocol-post-demo". */
    String origin();

    /** The origin's scheme without "://", e.g. "file", "callback", "cgi". */
    String scheme();

    /** The origin after "scheme://": a path, a protocol name, a URL without scheme. */
    String originPath();

    /** What kind of mount this is. */
    Kind kind();

    /** For CALLBACK mounts, the protocol name; otherwise the "protocol" option or null. */
    String protocol();

    /** The file served for a directory ("default"), e.g. "index.html"; null if none. */
    String defaultDocument();

    /**
     * Every scalar option of the mount as configured, by its config key ("cache-max-age",
     * "cgi-timeout", ...).
     */
    Map<String, String> options();

    /** Per-mount options for the protocol ("pmo"). */
    Map<String, String> pmo();

    /**
     * The entries of a map-valued option of the mount, by its config key: "extra-mimetypes"
     * (suffix to type), "pmo", "cgi-env" (the CGI bundle's environment), ...; empty when absent.
     * Plug-ins read their own settings here, so the API names none of them.
     */
    Map<String, String> optionMap(String key);
}
