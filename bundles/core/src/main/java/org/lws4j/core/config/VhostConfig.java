package org.lws4j.core.config;

import java.util.List;
import java.util.Map;

/**
 * One entry of "vhosts". Immutable; the maps are unmodifiable and keep config order.
 *
 * @param source where it came from ("conf/conf.d/site.json", "bundle org.lws4j.test-server")
 * @param name "name": the host name it answers to
 * @param port "port"
 * @param iface "interface": an address or interface name to listen on; null for all
 * @param keepaliveTimeout "keepalive_timeout": idle seconds between requests before closing
 * @param mounts "mounts", in order
 * @param wsProtocols "ws-protocols": protocol name to its per-vhost options (pvo), in order
 * @param headers "headers": extra response headers for every HTTP response
 * @param options every scalar key of the entry, as strings (for options read by other bundles)
 */
public record VhostConfig(
        String source,
        String name,
        int port,
        String iface,
        int keepaliveTimeout,
        List<MountConfig> mounts,
        Map<String, Map<String, String>> wsProtocols,
        Map<String, String> headers,
        Map<String, String> options) {

    /** A flag option ("1", "true", "yes", "on"), or {@code fallback} when absent. */
    public boolean flagOption(String key, boolean fallback) {
        String v = options.get(key);
        return v == null ? fallback : ConfigValues.isTrue(v);
    }
}
