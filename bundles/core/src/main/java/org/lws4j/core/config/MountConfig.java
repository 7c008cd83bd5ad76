package org.lws4j.core.config;

import java.util.Map;

import org.lws4j.api.Mount;

/**
 * One entry of a vhost's "mounts". Immutable; the maps are unmodifiable and keep config order.
 *
 * @param mountpoint "mountpoint", starts with '/'
 * @param origin "origin", "scheme://rest"
 * @param defaultDocument "default", or null
 * @param options every scalar key of the entry, as strings (cache-max-age, cgi-timeout, protocol, ...)
 * @param extraMimeTypes "extra-mimetypes": suffix (".zip") to type
 * @param cgiEnv "cgi-env": name to value
 * @param pmo "pmo": per-mount options for the protocol
 */
public record MountConfig(
        String mountpoint,
        String origin,
        String defaultDocument,
        Map<String, String> options,
        Map<String, String> extraMimeTypes,
        Map<String, String> cgiEnv,
        Map<String, String> pmo) implements Mount {

    @Override
    public Map<String, String> optionMap(String key) {
        switch (key) {
            case "extra-mimetypes":
                return extraMimeTypes;
            case "cgi-env":
                return cgiEnv;
            case "pmo":
                return pmo;
            default:
                return Map.of();
        }
    }

    @Override
    public String scheme() {
        int i = origin.indexOf("://");
        return i < 0 ? "" : origin.substring(0, i);
    }

    @Override
    public String originPath() {
        int i = origin.indexOf("://");
        return i < 0 ? origin : origin.substring(i + 3);
    }

    @Override
    public Kind kind() {
        switch (scheme()) {
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
        if (kind() == Kind.CALLBACK) {
            String p = originPath();
            return p.endsWith("/") ? p.substring(0, p.length() - 1) : p;
        }
        return options.get("protocol");
    }

    /** An integer option, or {@code fallback} when absent. Values were checked when loaded. */
    public int intOption(String key, int fallback) {
        String v = options.get(key);
        return v == null ? fallback : Integer.parseInt(v.trim());
    }

    /** A flag option ("1", "true", "yes", "on"), or {@code fallback} when absent. */
    public boolean flagOption(String key, boolean fallback) {
        String v = options.get(key);
        return v == null ? fallback : ConfigValues.isTrue(v);
    }
}
