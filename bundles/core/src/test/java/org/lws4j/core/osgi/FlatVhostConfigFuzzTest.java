package org.lws4j.core.osgi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.StringReader;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.DictionaryEntries;
import com.code_intelligence.jazzer.junit.FuzzTest;

import org.lws4j.core.config.ConfigInvariants;
import org.lws4j.core.config.ConfigProblem;
import org.lws4j.core.config.VhostConfig;

/**
 * {@link FlatVhostConfig} on any {@code .cfg} text (read as FileInstall reads it, a properties
 * file) and on dictionaries with the value types ConfigAdmin holds (strings, numbers, booleans,
 * arrays and lists of strings) under the keys a vhost uses:
 * <ul>
 * <li>it throws nothing: every problem is a {@link ConfigProblem} from the dictionary's source,
 *     keyed as the dictionary spells it (never {@code vhosts[0]...} or {@code mounts[1]...});</li>
 * <li>it makes at most one vhost, which holds {@link ConfigInvariants}, whose name is the
 *     dictionary's (or the default name) and whose port is the dictionary's;</li>
 * <li>the same dictionary reads the same way twice, in any key order.</li>
 * </ul>
 * Input: the .cfg text, or the keys and values, with the mode and default name from the end.
 */
class FlatVhostConfigFuzzTest {
    private static final String SOURCE = "etc/org.lws4j.vhost-fuzz.cfg";
    private static final String[] KEYS = {"name", "port", "interface", "keepalive_timeout", "ws-protocols", "headers", "mounts",
        "mounts.0.mountpoint", "mounts.0.origin", "mounts.0.default", "mounts.0.extra-mimetypes", "mounts.0.extra-mimetypes..log",
        "mounts.0.cgi-env", "mounts.0.cgi-env.PATH", "mounts.0.pmo", "mounts.0.pmo.x", "mounts.1.mountpoint", "mounts.a.origin",
        "mounts.10.cache-max-age", "mounts.", "mounts.0.", "ws-protocols.p.opt", "ws-protocols.p", "ws-protocols..x",
        "headers.X-Frame-Options", "headers.", "service.pid", "felix.fileinstall.filename", ".hidden", "vhosts"};

    private final FlatVhostConfig reader = new FlatVhostConfig();

    @FuzzTest
    @DictionaryEntries({"name = ", "port = ", "mounts.0.mountpoint = /", "mounts.0.origin = file:///srv/www",
        "mounts.1.origin = callback://p", "mounts.0.extra-mimetypes", "mounts.0.cgi-env", "mounts.0.pmo", ".log",
        "ws-protocols = a, b", "ws-protocols.a.x = 1", "headers.X-A = b", "\\x0a", "\\x0d\\x0a", "\\\\u0000", "\\\\", "=", ":", "#"})
    void read(FuzzedDataProvider data) {
        boolean typed = data.consumeBoolean();
        String defaultName = data.consumeBoolean() ? data.consumeString(16) : null;
        Map<String, Object> props = new LinkedHashMap<>();
        if (typed) {
            int n = data.consumeInt(0, 12);
            for (int i = 0; i < n; i++) {
                String key = data.consumeBoolean() ? data.pickValue(KEYS) + data.consumeString(6) : data.consumeString(24);
                props.put(key, value(data));
            }
        } else {
            Properties p = new Properties();
            try {
                p.load(new StringReader(data.consumeRemainingAsString()));
            } catch (IOException | IllegalArgumentException e) {
                return; // not a properties file (a bad \\u escape): FileInstall would not get as far as us
            }
            p.forEach((k, v) -> props.put((String) k, v));
        }

        FlatVhostConfig.Result r = reader.read(SOURCE, props, defaultName);
        ConfigInvariants.check(r.loaded(), Set.of(SOURCE));
        assertTrue(r.loaded().vhosts().size() <= 1, "a dictionary made " + r.loaded().vhosts().size() + " vhosts");
        for (ConfigProblem p : r.problems()) {
            assertEquals(SOURCE, p.source());
            assertFalse(p.key().startsWith("vhosts[") || p.key().startsWith("mounts["), "a problem keyed " + p.key() + ": " + props);
        }
        if (!r.loaded().vhosts().isEmpty()) {
            VhostConfig v = r.loaded().vhosts().get(0);
            Object name = props.get("name");
            boolean blankName = name == null || name instanceof String s && s.isBlank();
            if (blankName) {
                assertEquals(defaultName, v.name());
            } else {
                assertEquals(FlatVhostConfig.scalar(name).asText(), v.name());
            }
            assertEquals(new java.math.BigInteger(FlatVhostConfig.scalar(props.get("port")).asText().trim()).intValue(), v.port(),
                    "port");
        }
        Map<String, Object> reversed = new LinkedHashMap<>();
        List<String> keys = new ArrayList<>(props.keySet());
        for (int i = keys.size() - 1; i >= 0; i--) {
            reversed.put(keys.get(i), props.get(keys.get(i)));
        }
        assertEquals(r, reader.read(SOURCE, reversed, defaultName), "the same dictionary in another order: " + props);
    }

    /** A value of a type ConfigAdmin holds. */
    private static Object value(FuzzedDataProvider data) {
        switch (data.consumeInt(0, 7)) {
            case 0:
                return data.consumeInt();
            case 1:
                return data.consumeLong();
            case 2:
                return data.consumeBoolean();
            case 3:
                return data.consumeDouble();
            case 4: {
                String[] a = new String[data.consumeInt(0, 3)];
                for (int i = 0; i < a.length; i++) {
                    a[i] = data.consumeString(12);
                }
                return a;
            }
            case 5: {
                List<String> l = new ArrayList<>();
                int n = data.consumeInt(0, 3);
                for (int i = 0; i < n; i++) {
                    l.add(data.consumeString(12));
                }
                return l;
            }
            case 6:
                return Integer.toString(data.consumeInt(-1, 70000));
            default:
                return data.consumeString(40);
        }
    }
}
