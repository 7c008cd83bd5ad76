package org.lws4j.core.config;

/**
 * A config entry that could not be used, and why: logged as
 * {@code conf/conf.d/site.json: vhosts[0].port: "abc" is not a port number}.
 *
 * @param source the file (or bundle) the entry came from
 * @param key the path of the entry inside it, e.g. {@code vhosts[1].mounts[0].origin}
 * @param message what is wrong
 */
public record ConfigProblem(String source, String key, String message) {
    @Override
    public String toString() {
        return key == null || key.isEmpty() ? source + ": " + message : source + ": " + key + ": " + message;
    }
}
