package org.lws4j.testkit;

import java.util.Map;

import org.lws4j.api.Mount;

/** A mount of a test vhost: a mountpoint and an origin, as in a vhost's "mounts". Immutable. */
final class KitMount implements Mount {
    private final String mountpoint;
    private final String origin;
    private final String scheme;
    private final String originPath;
    private final Map<String, String> options;

    KitMount(String mountpoint, String origin, Map<String, String> options) {
        if (!mountpoint.startsWith("/")) {
            throw new IllegalArgumentException("a mountpoint starts with '/': " + mountpoint);
        }
        int sep = origin.indexOf("://");
        if (sep <= 0) {
            throw new IllegalArgumentException("an origin is scheme://...: " + origin);
        }
        this.mountpoint = mountpoint;
        this.origin = origin;
        this.scheme = origin.substring(0, sep);
        this.originPath = origin.substring(sep + 3);
        this.options = Map.copyOf(options);
    }

    @Override
    public String mountpoint() {
        return mountpoint;
    }

    @Override
    public String origin() {
        return origin;
    }

    @Override
    public String scheme() {
        return scheme;
    }

    @Override
    public String originPath() {
        return originPath;
    }

    @Override
    public Kind kind() {
        switch (scheme) {
            case "file":
                return Kind.FILE;
            case "callback":
                return Kind.CALLBACK;
            case "http":
                return Kind.REDIR_HTTP;
            case "https":
                return Kind.REDIR_HTTPS;
            default:
                return Kind.PLUGIN;
        }
    }

    @Override
    public String protocol() {
        return kind() == Kind.CALLBACK ? originPath : options.get("protocol");
    }

    @Override
    public String defaultDocument() {
        return options.get("default");
    }

    @Override
    public Map<String, String> options() {
        return options;
    }

    @Override
    public Map<String, String> pmo() {
        return Map.of();
    }

    @Override
    public Map<String, String> optionMap(String key) {
        return Map.of();
    }

    /** True when {@code path} is this mountpoint or below it, on whole segments. */
    boolean matches(String path) {
        String mp = mountpoint.endsWith("/") && mountpoint.length() > 1
                ? mountpoint.substring(0, mountpoint.length() - 1) : mountpoint;
        if (mp.equals("/")) {
            return true;
        }
        return path.equals(mp) || path.startsWith(mp + "/");
    }

    /** The part of {@code path} below the mountpoint (lws's {@code in} for HTTP). */
    String remainder(String path) {
        String mp = mountpoint.endsWith("/") ? mountpoint.substring(0, mountpoint.length() - 1) : mountpoint;
        return path.substring(mp.length());
    }

    int length() {
        return mountpoint.length();
    }

    @Override
    public String toString() {
        return mountpoint + " -> " + origin;
    }
}
