package org.lws4j.core.config;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Set;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.DictionaryEntries;
import com.code_intelligence.jazzer.junit.FuzzTest;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import org.lws4j.core.config.ConfigLoader.Source;

/**
 * {@link ConfigLoader} on any text (and on JSON the harness builds from the keys lwsws configs use,
 * with values of every JSON type from the input):
 * <ul>
 * <li>it throws nothing: every bad entry is a {@link ConfigProblem} naming its source;</li>
 * <li>what it loads holds {@link ConfigInvariants}: settings in range, vhosts and mounts that can
 *     be served, headers that cannot break a response;</li>
 * <li>the same sources load the same way twice, and a second source only adds to what the first
 *     gave: its vhosts and problems come after the first's, which stay as they were.</li>
 * </ul>
 * Input: the text of the first source, then that of the second (or the choices that build them),
 * with the mode and the split taken from the end.
 */
class ConfigLoaderFuzzTest {
    private static final String[] GLOBAL_KEYS = {"count-threads", "server-string", "timeout-secs", "ka-time", "ka-probes",
        "ka-interval", "max-http-header-data", "max-http-header-pool", "max-http-body", "log-level", "fd-limit-per-thread",
        "ws-pingpong-secs", "ws-max-frame-size", "ws-max-message-size", "syslog", "uid"};
    private static final String[] VHOST_KEYS = {"name", "port", "interface", "keepalive_timeout", "mounts", "ws-protocols",
        "headers", "host-ssl-cert", "redirect-http", "fallback-to-raw"};
    private static final String[] MOUNT_KEYS = {"mountpoint", "origin", "default", "cache-max-age", "cgi-timeout", "cache-reuse",
        "cache-revalidate", "cache-intermediaries", "extra-mimetypes", "cgi-env", "pmo", "auth-mask"};

    private final ConfigLoader loader = new ConfigLoader();

    @FuzzTest
    @DictionaryEntries({"{\\\"global\\\":{", "\\\"vhosts\\\":[{", "\\\"name\\\":", "\\\"port\\\":", "\\\"mounts\\\":[{",
        "\\\"mountpoint\\\":\\\"/\\\"", "\\\"origin\\\":", "\\\"file:///srv\\\"", "\\\"callback://p\\\"", "\\\"https://x/\\\"",
        "\\\"ws-protocols\\\":[{", "\\\"headers\\\":", "\\\"count-threads\\\":", "\\\"log-level\\\":\\\"0x", "\\\"0x7fffffffffffffff\\\"",
        "\\\"keepalive_timeout\\\":", "\\\"extra-mimetypes\\\":{", "\\\"cache-reuse\\\":", "\\\"server-string\\\":", "null",
        "true", "1e999", "-1", "\\\"65536\\\"", "\\\"..\\\"", "\\xef\\xbb\\xbf", "\\\\u0000", "\\\\r\\\\n", "}", "]", ",", ":"})
    void load(FuzzedDataProvider data) {
        boolean build = data.consumeBoolean();
        String first;
        String second;
        if (build) {
            first = root(data).toString();
            second = data.consumeBoolean() ? root(data).toString() : "";
        } else {
            first = data.consumeString(data.consumeInt(0, 4096));
            second = data.consumeRemainingAsString();
        }
        Source a = new Source("conf/a.json", first);
        Source b = new Source("conf/conf.d/b.json", second);

        LoadedConfig one = loader.load(List.of(a));
        ConfigInvariants.check(one, Set.of(a.name()));
        LoadedConfig both = loader.load(List.of(a, b));
        ConfigInvariants.check(both, Set.of(a.name(), b.name()));
        assertEquals(both, loader.load(List.of(a, b)), "the same sources loaded twice");
        assertEquals(one.vhosts(), both.vhosts().subList(0, Math.min(one.vhosts().size(), both.vhosts().size())),
                "a second source changed the first one's vhosts");
        assertEquals(one.problems(), both.problems().subList(0, Math.min(one.problems().size(), both.problems().size())),
                "a second source changed the first one's problems");
    }

    /** A config object made of the keys lwsws uses, each present or not, with values of any type. */
    private static ObjectNode root(FuzzedDataProvider data) {
        ObjectNode root = JsonNodeFactory.instance.objectNode();
        if (data.consumeBoolean()) {
            ObjectNode g = root.putObject("global");
            for (String k : GLOBAL_KEYS) {
                if (data.consumeBoolean()) {
                    g.set(k, value(data, 0));
                }
            }
        }
        if (data.consumeBoolean()) {
            ArrayNode vs = root.putArray("vhosts");
            int n = data.consumeInt(0, 3);
            for (int i = 0; i < n; i++) {
                ObjectNode v = vs.addObject();
                for (String k : VHOST_KEYS) {
                    if (!data.consumeBoolean()) {
                        continue;
                    }
                    if (k.equals("mounts") && data.consumeBoolean()) {
                        ArrayNode ms = v.putArray(k);
                        int m = data.consumeInt(0, 3);
                        for (int j = 0; j < m; j++) {
                            ObjectNode mount = ms.addObject();
                            for (String mk : MOUNT_KEYS) {
                                if (data.consumeBoolean()) {
                                    mount.set(mk, value(data, 0));
                                }
                            }
                        }
                    } else {
                        v.set(k, value(data, 0));
                    }
                }
            }
        }
        if (data.consumeBoolean()) {
            root.set(data.consumeString(8), value(data, 0)); // an unknown section
        }
        return root;
    }

    /** A JSON value of any type; objects and arrays nest a little. */
    private static JsonNode value(FuzzedDataProvider data, int depth) {
        JsonNodeFactory f = JsonNodeFactory.instance;
        switch (data.consumeInt(0, depth < 2 ? 8 : 6)) {
            case 0:
                return f.nullNode();
            case 1:
                return f.booleanNode(data.consumeBoolean());
            case 2:
                return f.numberNode(data.consumeLong());
            case 3:
                return f.numberNode(data.consumeDouble());
            case 4:
                return f.textNode(Long.toString(data.consumeLong(-2, 70000)));
            case 5:
                return f.numberNode(new java.math.BigInteger(1, data.consumeBytes(12)));
            case 6:
                return f.textNode(data.consumeString(40));
            case 7: {
                ArrayNode a = f.arrayNode();
                int n = data.consumeInt(0, 3);
                for (int i = 0; i < n; i++) {
                    a.add(value(data, depth + 1));
                }
                return a;
            }
            default: {
                ObjectNode o = f.objectNode();
                int n = data.consumeInt(0, 3);
                for (int i = 0; i < n; i++) {
                    o.set(data.consumeString(12), value(data, depth + 1));
                }
                return o;
            }
        }
    }
}
