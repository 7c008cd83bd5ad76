package org.lws4j.core.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * What every {@link LoadedConfig} holds, however bad its input: settings in their ranges, vhosts
 * and mounts that can be served, headers that cannot break a response head, and problems that
 * name their source and say something. The config fuzz tests check each result against it.
 */
public final class ConfigInvariants {
    private static final Set<String> FLAGS = Set.of("1", "0", "true", "false", "yes", "no", "on", "off");
    private static final String TCHAR_PUNCT = "!#$%&'*+-.^_`|~";

    private ConfigInvariants() {
    }

    /** Checks {@code c}; {@code sources} are the names problems may come from. */
    public static void check(LoadedConfig c, Set<String> sources) {
        ContextConfig g = c.global();
        assertTrue(g.countThreads() >= 0 && g.countThreads() <= 64, "count-threads " + g.countThreads());
        assertTrue(g.timeoutSecs() >= 1, "timeout-secs " + g.timeoutSecs());
        assertTrue(g.kaTime() >= 0 && g.kaProbes() >= 0 && g.kaInterval() >= 0, "ka-* " + g);
        assertTrue(g.maxHttpHeaderData() >= 256 && g.maxHttpHeaderData() <= 1048576, "max-http-header-data " + g.maxHttpHeaderData());
        assertTrue(g.maxHttpHeaderPool() >= 1 && g.maxHttpHeaderPool() <= 100000, "max-http-header-pool " + g.maxHttpHeaderPool());
        assertTrue(g.maxHttpBody() >= 0 && g.logLevel() >= 0 && g.fdLimitPerThread() >= 0 && g.wsPingPongSecs() >= 0, g.toString());
        assertTrue(g.wsMaxFrameSize() >= 1 && g.wsMaxMessageSize() >= 1, g.toString());
        assertNotNull(g.serverString());
        assertFalse(g.serverString().contains("\r") || g.serverString().contains("\n"), "server-string with a line break");
        assertNotNull(g.options());

        Set<String> vhostKeys = new HashSet<>();
        for (VhostConfig v : c.vhosts()) {
            assertTrue(sources.contains(v.source()), "a vhost from " + v.source());
            assertFalse(v.name().isEmpty(), "an unnamed vhost");
            assertTrue(v.name().chars().noneMatch(ch -> Character.isWhitespace(ch) || ch == '/' || ch == '\\'),
                    "vhost name " + v.name());
            assertTrue(v.port() >= 0 && v.port() <= 65535, "port " + v.port());
            assertTrue(v.keepaliveTimeout() >= 0, "keepalive_timeout " + v.keepaliveTimeout());
            assertTrue(vhostKeys.add(v.name().toLowerCase(Locale.ROOT) + ":" + v.port()),
                    "vhost " + v.name() + " port " + v.port() + " twice");
            assertTrue(v.iface() == null || !v.iface().isBlank() && v.iface().equals(v.iface().trim()), "interface " + v.iface());
            Set<String> mountpoints = new HashSet<>();
            for (MountConfig m : v.mounts()) {
                assertTrue(m.mountpoint().startsWith("/"), "mountpoint " + m.mountpoint());
                assertTrue(m.mountpoint().chars().noneMatch(Character::isWhitespace), "mountpoint " + m.mountpoint());
                for (String seg : m.mountpoint().split("/")) {
                    assertFalse(seg.equals(".."), "mountpoint " + m.mountpoint());
                }
                assertTrue(mountpoints.add(m.mountpoint()), "mountpoint " + m.mountpoint() + " twice");
                int i = m.origin().indexOf("://");
                assertTrue(i > 0, "origin " + m.origin());
                String scheme = m.origin().substring(0, i);
                assertTrue(scheme.charAt(0) >= 'a' && scheme.charAt(0) <= 'z'
                        && scheme.chars().allMatch(ch -> ch >= 'a' && ch <= 'z' || ch >= '0' && ch <= '9' || "+.-".indexOf(ch) >= 0),
                        "scheme " + scheme);
                assertEquals(scheme, m.scheme());
                String rest = m.origin().substring(i + 3);
                if (scheme.equals("callback")) {
                    assertFalse((rest.endsWith("/") ? rest.substring(0, rest.length() - 1) : rest).isBlank(),
                            "a callback origin without a protocol");
                }
                if (scheme.equals("http") || scheme.equals("https")) {
                    assertFalse(rest.isBlank(), "a redirect without a target");
                }
                assertTrue(m.defaultDocument() == null || !m.defaultDocument().isBlank());
                for (String k : new String[] {"cache-max-age", "cgi-timeout"}) {
                    String o = m.options().get(k);
                    assertTrue(o == null || Long.parseLong(o) >= 0 && Long.parseLong(o) <= Integer.MAX_VALUE, k + " " + o);
                }
                for (String k : new String[] {"cache-reuse", "cache-revalidate", "cache-intermediaries"}) {
                    String o = m.options().get(k);
                    assertTrue(o == null || FLAGS.contains(o.trim().toLowerCase(Locale.ROOT)), k + " " + o);
                }
                m.extraMimeTypes().keySet().forEach(suffix -> assertTrue(suffix.startsWith("."), "suffix " + suffix));
                noNulls(m.options());
                noNulls(m.cgiEnv());
                noNulls(m.pmo());
            }
            v.headers().forEach((name, value) -> {
                assertTrue(isToken(name), "header name " + name);
                assertTrue(value.chars().noneMatch(ch -> ch == '\r' || ch == '\n' || ch == 0), "header " + name + " value");
            });
            v.wsProtocols().forEach((name, pvo) -> {
                assertFalse(name.isBlank(), "a protocol without a name");
                noNulls(pvo);
            });
            noNulls(v.options());
            String ka = v.options().get("keepalive_timeout");
            assertTrue(ka == null || ka.equals(Integer.toString(v.keepaliveTimeout())), "keepalive_timeout option " + ka);
        }
        for (ConfigProblem p : c.problems()) {
            assertTrue(sources.contains(p.source()), "a problem from " + p.source());
            assertNotNull(p.key());
            assertNotNull(p.message());
            assertFalse(p.message().isBlank(), "a problem that says nothing");
            assertNotNull(p.toString());
        }
    }

    private static void noNulls(Map<String, String> m) {
        m.forEach((k, v) -> {
            assertNotNull(k);
            assertNotNull(v);
        });
    }

    private static boolean isToken(String s) {
        return !s.isEmpty() && s.chars().allMatch(c -> c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
                || TCHAR_PUNCT.indexOf(c) >= 0);
    }
}
