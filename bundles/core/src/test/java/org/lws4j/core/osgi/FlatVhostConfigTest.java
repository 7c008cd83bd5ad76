package org.lws4j.core.osgi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.lws4j.core.config.ConfigProblem;
import org.lws4j.core.config.MountConfig;
import org.lws4j.core.config.VhostConfig;

class FlatVhostConfigTest {
    private static final String SRC = "etc/org.lws4j.vhost-site.cfg";
    private final FlatVhostConfig reader = new FlatVhostConfig();

    private static Map<String, Object> props(Object... kv) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put((String) kv[i], kv[i + 1]);
        }
        return m;
    }

    private VhostConfig good(Map<String, Object> p, String defaultName) {
        FlatVhostConfig.Result r = reader.read(SRC, p, defaultName);
        assertEquals(List.of(), r.problems());
        assertEquals(1, r.loaded().vhosts().size());
        return r.loaded().vhosts().get(0);
    }

    @Test
    void everyPartOfAVhostFromDottedKeys() {
        VhostConfig v = good(props(
                "name", "example.com", "port", "7700", "interface", "127.0.0.1", "keepalive_timeout", "9",
                "mounts.10.mountpoint", "/z", "mounts.10.origin", "https://example.com/z",
                "mounts.2.mountpoint", "/app", "mounts.2.origin", "callback://my-protocol",
                "mounts.0.mountpoint", "/", "mounts.0.origin", "file:///srv/www", "mounts.0.default", "index.html",
                "mounts.0.cache-max-age", "60", "mounts.0.extra-mimetypes..log", "text/plain",
                "mounts.0.extra-mimetypes.map", "application/json",
                "ws-protocols", "dumb-increment-protocol, lws-mirror-protocol",
                "ws-protocols.my-protocol.some-pvo", "value",
                "headers.X-Frame-Options", "DENY",
                "host-ssl-cert", "/etc/cert.pem",
                "service.pid", "org.lws4j.vhost~site", "service.factoryPid", "org.lws4j.vhost",
                "felix.fileinstall.filename", "file:/opt/karaf/etc/org.lws4j.vhost-site.cfg",
                "component.name", "x", "component.id", 7L, "osgi.ds.satisfying.condition.target", "(x=y)"), null);
        assertEquals(SRC, v.source());
        assertEquals("example.com", v.name());
        assertEquals(7700, v.port());
        assertEquals("127.0.0.1", v.iface());
        assertEquals(9, v.keepaliveTimeout());
        assertEquals(List.of("/", "/app", "/z"), v.mounts().stream().map(MountConfig::mountpoint).toList());
        MountConfig root = v.mounts().get(0);
        assertEquals("file:///srv/www", root.origin());
        assertEquals("index.html", root.defaultDocument());
        assertEquals(60, root.intOption("cache-max-age", 0));
        assertEquals(Map.of(".log", "text/plain", ".map", "application/json"), root.extraMimeTypes());
        assertEquals(List.of("dumb-increment-protocol", "lws-mirror-protocol", "my-protocol"),
                List.copyOf(v.wsProtocols().keySet()));
        assertEquals(Map.of("some-pvo", "value"), v.wsProtocols().get("my-protocol"));
        assertEquals(Map.of("X-Frame-Options", "DENY"), v.headers());
        assertEquals("/etc/cert.pem", v.options().get("host-ssl-cert"));
        assertTrue(v.options().keySet().stream().noneMatch(k -> k.startsWith("service.") || k.startsWith("felix.")
                || k.startsWith("component.") || k.startsWith("osgi.")), v.options().toString());
    }

    @Test
    void typedValuesFromTheWebConsole() {
        VhostConfig v = good(props("port", 7701, "keepalive_timeout", 3, "redirect-http", Boolean.TRUE,
                "ws-protocols", new String[] {"a", "b"}, "interface", ""), "site");
        assertEquals("site", v.name());
        assertEquals(7701, v.port());
        assertEquals(3, v.keepaliveTimeout());
        assertTrue(v.flagOption("redirect-http", false));
        assertEquals(List.of("a", "b"), List.copyOf(v.wsProtocols().keySet()));
        assertEquals(null, v.iface());
    }

    @Test
    void problemsNameTheDictionaryKeys() {
        FlatVhostConfig.Result r = reader.read(SRC, props("port", "7703", "mounts.web.mountpoint", "/",
                "mounts.web.origin", "srv/www", "keepalive_timeout", "-1", "mounts.x", "1",
                "ws-protocols.alone", "1"), "site");
        List<String> keys = r.problems().stream().map(ConfigProblem::key).toList();
        assertEquals(List.of("mounts.x", "ws-protocols.alone", "keepalive_timeout", "mounts.web.origin"), keys);
        assertTrue(r.problems().stream().allMatch(p -> p.source().equals(SRC)));
        assertTrue(r.problems().get(3).toString().startsWith(SRC + ": mounts.web.origin: \"srv/www\""),
                r.problems().get(3).toString());
        FlatVhostConfig.Result port = reader.read(SRC, props("port", "abc"), "site");
        assertEquals("port", port.problems().get(0).key());
        assertEquals(List.of(), port.loaded().vhosts());
    }

    @Test
    void aMissingNameWithoutDefaultIsAProblem() {
        FlatVhostConfig.Result r = reader.read(SRC, props("port", "7702"), null);
        assertEquals(List.of("name"), r.problems().stream().map(ConfigProblem::key).toList());
    }

    @Test
    void flatKeysFromLoaderKeys() {
        List<String> ids = List.of("0", "web");
        assertEquals("port", FlatVhostConfig.flatKey("vhosts[0].port", ids));
        assertEquals("mounts.web.origin", FlatVhostConfig.flatKey("vhosts[0].mounts[1].origin", ids));
        assertEquals("mounts.0.extra-mimetypes..x", FlatVhostConfig.flatKey("vhosts[0].mounts[0].extra-mimetypes..x", ids));
        assertEquals("headers.X", FlatVhostConfig.flatKey("vhosts[0].headers.X", ids));
        assertEquals("", FlatVhostConfig.flatKey("", ids));
    }

    @Test
    void namesAndSourcesFromFileInstallAndPids() {
        Map<String, Object> file = props("felix.fileinstall.filename", "file:/opt/karaf/etc/org.lws4j.vhost-my.site.cfg");
        assertEquals("etc/org.lws4j.vhost-my.site.cfg", ConfiguredVhost.source(file));
        assertEquals("my.site", ConfiguredVhost.defaultName(file));
        Map<String, Object> named = props("service.pid", "org.lws4j.vhost~shop");
        assertEquals("configuration org.lws4j.vhost~shop", ConfiguredVhost.source(named));
        assertEquals("shop", ConfiguredVhost.defaultName(named));
        assertEquals(null, ConfiguredVhost.defaultName(props("service.pid", "org.lws4j.vhost.1234-5678")));
    }

    @Test
    void aPlainValueBesideItsDottedMapIsAProblemNotACrash() {
        // found by FlatVhostConfigFuzzTest: "mounts.0.pmo" sorts before "mounts.0.pmo.k" and was cast to a map
        FlatVhostConfig.Result r = reader.read(SRC, props("name", "a", "port", 7700, "mounts.0.mountpoint", "/",
                "mounts.0.origin", "file:///srv", "mounts.0.pmo", 1, "mounts.0.pmo.k", "v"), null);
        assertEquals(List.of("mounts.0.pmo"), r.problems().stream().map(ConfigProblem::key).toList());
        assertTrue(r.problems().get(0).message().contains("takes dotted keys"), r.problems().toString());
    }
}
