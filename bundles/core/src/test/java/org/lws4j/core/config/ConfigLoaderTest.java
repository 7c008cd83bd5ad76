package org.lws4j.core.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lws4j.api.Mount;
import org.lws4j.core.config.ConfigLoader.Source;

class ConfigLoaderTest {
    private final ConfigLoader loader = new ConfigLoader();

    /** Single quotes stand for double quotes, to keep the JSON readable. */
    private static Source src(String name, String json) {
        return new Source(name, json.replace('\'', '"'));
    }

    private LoadedConfig load(String name, String json) {
        return loader.load(List.of(src(name, json)));
    }

    private static List<String> keys(LoadedConfig c) {
        return c.problems().stream().map(p -> p.source() + " " + p.key()).toList();
    }

    private static final String FULL = """
            {
              'global': {
                'uid': '48', 'gid': '48', 'init-ssl': 'yes', 'reject-service-keywords': [{'scan': '403'}],
                'count-threads': '2', 'server-string': 'myserver v1', 'timeout-secs': '30',
                'ka-time': '60', 'ka-probes': '3', 'ka-interval': '10', 'max-http-header-data': '4096',
                'max-http-header-pool': '16', 'max-http-body': '1048576', 'log-level': '0x0f',
                'fd-limit-per-thread': '1024', 'ws-pingpong-secs': '200'
              },
              'vhosts': [{
                'name': 'localhost', 'port': '7681', 'interface': 'lo', 'keepalive_timeout': '60',
                'host-ssl-cert': '/etc/pki/tls/certs/localhost.crt', 'enable-client-ssl': 'on',
                'mounts': [{
                  'mountpoint': '/', 'origin': 'file:///var/www/localhost', 'default': 'index.html',
                  'cache-max-age': '60', 'cache-reuse': '1', 'cache-revalidate': '0', 'cache-intermediaries': 'no',
                  'extra-mimetypes': {'.zip': 'application/zip', 'doc': 'text/evil'}
                }, {
                  'mountpoint': '/formtest', 'origin': 'callback://protocol-post-demo',
                  'pmo': [{'max-size': '1000'}, {'upload-dir': '/tmp'}]
                }, {
                  'mountpoint': '/old', 'origin': 'http://example.com/new'
                }, {
                  'mountpoint': '/secure', 'origin': 'https://example.com/'
                }, {
                  'mountpoint': '/git', 'origin': 'cgi:///usr/libexec/cgit/cgit.cgi', 'cgi-timeout': '30',
                  'cgi-env': [{'CGIT_CONFIG': '/etc/cgitrc'}, {'SERVER_NAME': 'localhost'}]
                }],
                'ws-protocols': [{'lws-mirror-protocol': {'status': 'ok', 'default': '1'}},
                                 {'dumb-increment-protocol': {'status': 'ok'}}],
                'headers': [{'x-frame-options': 'DENY'}, {'content-security-policy': 'default-src https:'}]
              }, {
                'name': 'example.com', 'port': '0'
              }]
            }""";

    @Test
    void fullLwswsExample() {
        LoadedConfig c = load("conf/lws.json", FULL);

        assertEquals(List.of(), c.problems());
        assertEquals(new ContextConfig(2, "myserver v1", 30, 60, 3, 10, 4096, 16, 1048576L, 15, 1024, 200)
                .withOptions(java.util.Map.of("uid", "48", "gid", "48", "init-ssl", "yes")), c.global());
        assertEquals(2, c.vhosts().size());

        VhostConfig v = c.vhosts().get(0);
        assertEquals("conf/lws.json", v.source());
        assertEquals("localhost", v.name());
        assertEquals(7681, v.port());
        assertEquals("lo", v.iface());
        assertEquals(60, v.keepaliveTimeout());
        assertEquals("/etc/pki/tls/certs/localhost.crt", v.options().get("host-ssl-cert"));
        assertTrue(v.flagOption("enable-client-ssl", false));
        assertEquals(List.of("name", "port", "interface", "keepalive_timeout", "host-ssl-cert", "enable-client-ssl"),
                List.copyOf(v.options().keySet()));
        assertEquals(Map.of("lws-mirror-protocol", Map.of("status", "ok", "default", "1"),
                "dumb-increment-protocol", Map.of("status", "ok")), v.wsProtocols());
        assertEquals(List.of("lws-mirror-protocol", "dumb-increment-protocol"), List.copyOf(v.wsProtocols().keySet()));
        assertEquals(Map.of("x-frame-options", "DENY", "content-security-policy", "default-src https:"), v.headers());

        List<MountConfig> m = v.mounts();
        assertEquals(5, m.size());
        MountConfig root = m.get(0);
        assertEquals("/", root.mountpoint());
        assertEquals(Mount.Kind.FILE, root.kind());
        assertEquals("/var/www/localhost", root.originPath());
        assertEquals("index.html", root.defaultDocument());
        assertEquals(60, root.intOption("cache-max-age", 0));
        assertTrue(root.flagOption("cache-reuse", false));
        assertEquals(false, root.flagOption("cache-revalidate", true));
        assertEquals(false, root.flagOption("cache-intermediaries", true));
        assertEquals(Map.of(".zip", "application/zip", ".doc", "text/evil"), root.extraMimeTypes());
        assertEquals(Map.of(), root.cgiEnv());

        assertEquals(Mount.Kind.CALLBACK, m.get(1).kind());
        assertEquals("protocol-post-demo", m.get(1).protocol());
        assertEquals(Map.of("max-size", "1000", "upload-dir", "/tmp"), m.get(1).pmo());
        assertNull(m.get(1).defaultDocument());
        assertEquals(Mount.Kind.REDIR_HTTP, m.get(2).kind());
        assertEquals("example.com/new", m.get(2).originPath());
        assertEquals(Mount.Kind.REDIR_HTTPS, m.get(3).kind());
        assertEquals(Mount.Kind.PLUGIN, m.get(4).kind());
        assertEquals("cgi", m.get(4).scheme());
        assertEquals(30, m.get(4).intOption("cgi-timeout", 0));
        assertEquals(List.of("CGIT_CONFIG", "SERVER_NAME"), List.copyOf(m.get(4).cgiEnv().keySet()));
        assertEquals("localhost", m.get(4).cgiEnv().get("SERVER_NAME"));

        VhostConfig second = c.vhosts().get(1);
        assertEquals("example.com", second.name());
        assertEquals(0, second.port());
        assertNull(second.iface());
        assertEquals(5, second.keepaliveTimeout());
        assertEquals(List.of(), second.mounts());
        assertEquals(Map.of(), second.wsProtocols());
        assertEquals(Map.of(), second.headers());
    }

    @Test
    void everythingIsUnmodifiable() {
        LoadedConfig c = load("a", "{'vhosts': [{'name': 'h', 'port': 1, 'mounts': [{'mountpoint': '/',"
                + " 'origin': 'file:///w', 'pmo': {'a': 'b'}}], 'ws-protocols': {'p': {'k': 'v'}}}]}");
        VhostConfig v = c.vhosts().get(0);
        assertThrows(UnsupportedOperationException.class, () -> c.vhosts().clear());
        assertThrows(UnsupportedOperationException.class, () -> v.options().clear());
        assertThrows(UnsupportedOperationException.class, () -> v.mounts().clear());
        assertThrows(UnsupportedOperationException.class, () -> v.wsProtocols().clear());
        assertThrows(UnsupportedOperationException.class, () -> v.wsProtocols().get("p").clear());
        assertThrows(UnsupportedOperationException.class, () -> v.mounts().get(0).pmo().clear());
        assertThrows(UnsupportedOperationException.class, () -> v.mounts().get(0).options().clear());
    }

    @Test
    void numbersAsNumbersOrStrings() {
        LoadedConfig c = load("n.json", "{'global': {'count-threads': 4, 'timeout-secs': ' 9 ', 'log-level': 1039,"
                + " 'max-http-body': 5000000000, 'server-string': 12},"
                + " 'vhosts': [{'name': 'a', 'port': 80, 'keepalive_timeout': 0, 'debug': true, 'ratio': 1.5,"
                + " 'mounts': [{'mountpoint': '/', 'origin': 'file:///w', 'cache-max-age': 0, 'cache-reuse': true}]}]}");
        assertEquals(List.of(), c.problems());
        assertEquals(4, c.global().countThreads());
        assertEquals(9, c.global().timeoutSecs());
        assertEquals(1039, c.global().logLevel());
        assertEquals(5_000_000_000L, c.global().maxHttpBody());
        assertEquals("12", c.global().serverString());
        VhostConfig v = c.vhosts().get(0);
        assertEquals(80, v.port());
        assertEquals(0, v.keepaliveTimeout());
        assertEquals(Map.of("name", "a", "port", "80", "keepalive_timeout", "0", "debug", "true", "ratio", "1.5"),
                v.options());
        assertEquals(0, v.mounts().get(0).intOption("cache-max-age", 99));
        assertTrue(v.mounts().get(0).flagOption("cache-reuse", false));
    }

    @Test
    void laterGlobalOverridesEarlierAndVhostsAccumulate() {
        LoadedConfig c = loader.load(List.of(
                src("conf/a.json", "{'global': {'count-threads': '2', 'server-string': 'one', 'ka-time': '5'},"
                        + " 'vhosts': [{'name': 'a', 'port': '1'}]}"),
                src("conf/b.json", "{'global': {'count-threads': '3', 'server-string': 'two'},"
                        + " 'vhosts': [{'name': 'b', 'port': '2'}]}")));
        assertEquals(List.of(), c.problems());
        assertEquals(3, c.global().countThreads());
        assertEquals("two", c.global().serverString());
        assertEquals(5, c.global().kaTime());
        assertEquals(ContextConfig.defaults().timeoutSecs(), c.global().timeoutSecs());
        assertEquals(List.of("a", "b"), c.vhosts().stream().map(VhostConfig::name).toList());
        assertEquals(List.of("conf/a.json", "conf/b.json"), c.vhosts().stream().map(VhostConfig::source).toList());
    }

    @Test
    void badGlobalValueKeepsPreviousValue() {
        LoadedConfig c = loader.load(List.of(
                src("conf/a.json", "{'global': {'count-threads': '8', 'timeout-secs': '30'}}"),
                src("conf/lws.json", "{'global': {'count-threads': 'x', 'timeout-secs': '0', 'log-level': '0xzz',"
                        + " 'max-http-header-data': 100, 'max-http-body': -1, 'server-string': ['x'], 'ka-time': 1.5,"
                        + " 'uid': '48', 'init-ssl': 'yes', 'reject-service-keywords': [{'scan': '403'}],"
                        + " 'ka-probes': '4'}}")));
        assertEquals("conf/lws.json: global.count-threads: \"x\" is not an integer", c.problems().get(0).toString());
        assertEquals("conf/lws.json: global.timeout-secs: \"0\" is out of range (expected >= 1)",
                c.problems().get(1).toString());
        assertEquals(List.of("conf/lws.json global.count-threads", "conf/lws.json global.timeout-secs",
                "conf/lws.json global.log-level", "conf/lws.json global.max-http-header-data",
                "conf/lws.json global.max-http-body", "conf/lws.json global.server-string",
                "conf/lws.json global.ka-time"), keys(c));
        assertEquals("100 is out of range (expected 256..1048576)", c.problems().get(3).message());
        ContextConfig d = ContextConfig.defaults();
        assertEquals(new ContextConfig(8, d.serverString(), 30, 0, 4, d.kaInterval(), d.maxHttpHeaderData(),
                d.maxHttpHeaderPool(), d.maxHttpBody(), d.logLevel(), d.fdLimitPerThread(), d.wsPingPongSecs()),
                c.global().withOptions(java.util.Map.of()));
    }

    @Test
    void badVhostIsSkippedAndOthersSurvive() {
        LoadedConfig c = load("conf/conf.d/site.json", "{'vhosts': ["
                + "{'name': 'good', 'port': '80'},"
                + "{'name': 'noport'},"
                + "{'name': 'badport', 'port': 'abc'},"
                + "{'name': 'bigport', 'port': 70000},"
                + "{'port': '81'},"
                + "{'name': 'has space', 'port': '82'},"
                + "{'name': 'a/b', 'port': '83'},"
                + "{'name': '', 'port': '84'},"
                + "{'name': 'GOOD', 'port': '80'},"
                + "'just a string',"
                + "{'name': 'good', 'port': '443'},"
                + "{'name': 'x', 'port': '85', 'keepalive_timeout': 'long'}]}");
        assertEquals(List.of("conf/conf.d/site.json vhosts[1].port", "conf/conf.d/site.json vhosts[2].port",
                "conf/conf.d/site.json vhosts[3].port", "conf/conf.d/site.json vhosts[4].name",
                "conf/conf.d/site.json vhosts[5].name", "conf/conf.d/site.json vhosts[6].name",
                "conf/conf.d/site.json vhosts[7].name", "conf/conf.d/site.json vhosts[8].name",
                "conf/conf.d/site.json vhosts[9]", "conf/conf.d/site.json vhosts[11].keepalive_timeout"), keys(c));
        assertEquals("conf/conf.d/site.json: vhosts[2].port: \"abc\" is not a port number; vhost skipped",
                c.problems().get(1).toString());
        assertEquals("70000 is out of range (expected 0..65535); vhost skipped", c.problems().get(2).message());
        assertEquals("\"GOOD\" port 80 is already defined in conf/conf.d/site.json; vhost skipped",
                c.problems().get(7).message());
        assertEquals(List.of("good:80", "good:443", "x:85"),
                c.vhosts().stream().map(v -> v.name() + ":" + v.port()).toList());
        VhostConfig x = c.vhosts().get(2);
        assertEquals(5, x.keepaliveTimeout());
        assertEquals(Map.of("name", "x", "port", "85"), x.options());
    }

    @Test
    void duplicateVhostAcrossFilesNamesTheFirstFile() {
        LoadedConfig c = loader.load(List.of(src("conf/a.json", "{'vhosts': [{'name': 'h', 'port': 1}]}"),
                src("conf/b.json", "{'vhosts': [{'name': 'h', 'port': '1'}, {'name': 'h', 'port': '2'}]}")));
        assertEquals(List.of("conf/b.json vhosts[0].name"), keys(c));
        assertTrue(c.problems().get(0).message().contains("conf/a.json"));
        assertEquals(2, c.vhosts().size());
    }

    @Test
    void badMountIsSkippedAndTheRestOfTheVhostStays() {
        LoadedConfig c = load("conf/lws.json", "{'vhosts': [{'name': 'h', 'port': '80', 'mounts': ["
                + "{'mountpoint': '/', 'origin': 'file:///w'},"
                + "{'mountpoint': '/a'},"
                + "{'mountpoint': '/b', 'origin': 'file://relative/dir'},"
                + "{'origin': 'file:///w'},"
                + "{'mountpoint': 'c', 'origin': 'file:///w'},"
                + "{'mountpoint': '/d/../e', 'origin': 'file:///w'},"
                + "{'mountpoint': '/f g', 'origin': 'file:///w'},"
                + "{'mountpoint': '/h', 'origin': 'no-scheme'},"
                + "{'mountpoint': '/i', 'origin': 'FILE:///w'},"
                + "{'mountpoint': '/j', 'origin': 'callback://'},"
                + "{'mountpoint': '/k', 'origin': {'x': 1}},"
                + "{'mountpoint': '/', 'origin': 'file:///other'},"
                + "42,"
                + "{'mountpoint': '/ok', 'origin': 'callback://proto/', 'cache-max-age': 'soon', 'cache-reuse': 'maybe',"
                + " 'cgi-timeout': -1}"
                + "], 'ws-protocols': [{'p': {'status': 'ok'}}]}]}");
        String m = "conf/lws.json vhosts[0].mounts";
        assertEquals(List.of(m + "[1].origin", m + "[2].origin", m + "[3].mountpoint", m + "[4].mountpoint",
                m + "[5].mountpoint", m + "[6].mountpoint", m + "[7].origin", m + "[8].origin", m + "[9].origin",
                m + "[10].origin", m + "[11].mountpoint", m + "[12]", m + "[13].cache-max-age", m + "[13].cgi-timeout",
                m + "[13].cache-reuse"), keys(c));
        assertEquals("conf/lws.json: vhosts[0].mounts[2].origin: \"file://relative/dir\" is not an absolute path"
                + " (expected file:///dir); mount skipped", c.problems().get(1).toString());
        assertEquals("\"soon\" is not an integer", c.problems().get(12).message());
        VhostConfig v = c.vhosts().get(0);
        assertEquals(List.of("/", "/ok"), v.mounts().stream().map(MountConfig::mountpoint).toList());
        MountConfig ok = v.mounts().get(1);
        assertEquals("proto", ok.protocol());
        assertEquals(Map.of("mountpoint", "/ok", "origin", "callback://proto/"), ok.options());
        assertEquals(7, ok.intOption("cache-max-age", 7));
        assertEquals(Map.of("p", Map.of("status", "ok")), v.wsProtocols());
    }

    @Test
    void bundleSourcesMayUseRelativeFileOrigins() {
        String json = "{'vhosts': [{'name': 'h', 'port': 80, 'mounts': [{'mountpoint': '/', 'origin': 'file://www'}]}]}";
        LoadedConfig c = load("bundle org.lws4j.test-server", json);
        assertEquals(List.of(), c.problems());
        assertEquals("www", c.vhosts().get(0).mounts().get(0).originPath());
        assertEquals(List.of("conf/x.json vhosts[0].mounts[0].origin"), keys(load("conf/x.json", json)));
    }

    @Test
    void wrongTypesAreProblemsNotExceptions() {
        LoadedConfig c = loader.load(List.of(
                src("a.json", "{'global': ['x'], 'vhosts': {'name': 'h'}, 'vhost': []}"),
                src("b.json", "{'vhosts': [{'name': 'h', 'port': 80, 'mounts': 'abc', 'ws-protocols': 'p',"
                        + " 'headers': 5, 'interface': {'a': 1}}]}"),
                src("c.json", "{'vhosts': [{'name': 'i', 'port': 80, 'mounts': [{'mountpoint': '/', 'origin': 'file:///w',"
                        + " 'extra-mimetypes': 'zip', 'cgi-env': [1, {'A': {'b': 1}}], 'pmo': {'k': null}, 'default': []}],"
                        + " 'ws-protocols': [{'p': {'status': 'ok', 'deep': {'x': 1}}, 'q': 'ok'}, 7],"
                        + " 'headers': [{'bad name': 'x'}, {'x-ok': '1'}, {'x-crlf': 'a\\r\\nb'}]}]}"),
                src("d.json", "[1, 2]"),
                src("e.json", "   "),
                src("f.json", "{'vhosts': null, 'global': null}")));
        assertEquals(List.of("a.json global", "a.json vhosts", "a.json vhost",
                "b.json vhosts[0].interface", "b.json vhosts[0].mounts", "b.json vhosts[0].ws-protocols",
                "b.json vhosts[0].headers",
                "c.json vhosts[0].mounts[0].default", "c.json vhosts[0].mounts[0].extra-mimetypes",
                "c.json vhosts[0].mounts[0].cgi-env[0]", "c.json vhosts[0].mounts[0].cgi-env[1].A",
                "c.json vhosts[0].mounts[0].pmo.k",
                "c.json vhosts[0].ws-protocols[0].p.deep", "c.json vhosts[0].ws-protocols[0].q",
                "c.json vhosts[0].ws-protocols[1]",
                "c.json vhosts[0].headers.bad name", "c.json vhosts[0].headers.x-crlf",
                "d.json ", "e.json "), keys(c));
        assertEquals("\"abc\" is not an array (expected [{\"mountpoint\": ..., \"origin\": ...}])",
                c.problems().get(4).message());
        assertEquals(2, c.vhosts().size());
        VhostConfig b = c.vhosts().get(0);
        assertNull(b.iface());
        assertEquals(List.of(), b.mounts());
        VhostConfig i = c.vhosts().get(1);
        assertEquals(Map.of("p", Map.of("status", "ok")), i.wsProtocols());
        assertEquals(Map.of("x-ok", "1"), i.headers());
        assertEquals(1, i.mounts().size());
        assertNull(i.mounts().get(0).defaultDocument());
        assertEquals(ContextConfig.defaults(), c.global());
    }

    @Test
    void singleObjectFormsAreAccepted() {
        LoadedConfig c = load("a.json", "{'vhosts': [{'name': 'h', 'port': 80,"
                + " 'ws-protocols': {'p': {'a': 1}, 'q': {}}, 'headers': {'x-a': '1', 'x-b': 2},"
                + " 'mounts': {'mountpoint': '/', 'origin': 'file:///w', 'cgi-env': {'A': 'b'}}}]}");
        assertEquals(List.of(), c.problems());
        VhostConfig v = c.vhosts().get(0);
        assertEquals(Map.of("p", Map.of("a", "1"), "q", Map.of()), v.wsProtocols());
        assertEquals(List.of("x-a", "x-b"), List.copyOf(v.headers().keySet()));
        assertEquals(Map.of("A", "b"), v.mounts().get(0).cgiEnv());
    }

    @Test
    void syntaxErrorSkipsOnlyThatFileWithLineAndColumn() {
        LoadedConfig c = loader.load(List.of(
                src("conf/conf.d/bad.json", "{\n  'global': {\n    count-threads: 2\n  }\n}"),
                src("conf/conf.d/good.json", "{'global': {'count-threads': '3'}, 'vhosts': [{'name': 'h', 'port': 1}]}"),
                src("conf/conf.d/trailing.json", "{'global': {'count-threads': '9'}} }")));
        assertEquals(2, c.problems().size());
        ConfigProblem p = c.problems().get(0);
        assertEquals("conf/conf.d/bad.json", p.source());
        assertTrue(p.toString().startsWith("conf/conf.d/bad.json: line 3, column 5: Unexpected character ('c'"),
                p.toString());
        assertTrue(p.message().endsWith("; file skipped"), p.message());
        assertEquals("conf/conf.d/trailing.json", c.problems().get(1).source());
        assertTrue(c.problems().get(1).message().startsWith("line 1, column "), c.problems().get(1).message());
        assertEquals(3, c.global().countThreads());
        assertEquals(1, c.vhosts().size());
    }

    @Test
    void loadDirectoryReadsConfThenConfDInNameOrder(@TempDir Path tmp) throws Exception {
        Path conf = Files.createDirectories(tmp.resolve("conf"));
        Path confD = Files.createDirectories(conf.resolve("conf.d"));
        Files.writeString(conf.resolve("a.json"), "{\"global\": {\"count-threads\": \"2\", \"ka-time\": \"7\"}}");
        Files.writeString(confD.resolve("b.json"), "{\"global\": {\"count-threads\": \"3\"},"
                + " \"vhosts\": [{\"name\": \"site\", \"port\": \"8080\", \"mounts\": [{\"mountpoint\": \"/\","
                + " \"origin\": \"nowhere\"}]}]}");
        Files.writeString(confD.resolve("a-first.json"), "\uFEFF{\"vhosts\": [{\"name\": \"first\", \"port\": 1}]}");
        Files.writeString(confD.resolve("notes.txt"), "not json at all {");
        Files.writeString(conf.resolve("lws.json.bak"), "{");
        Files.createDirectories(confD.resolve("dir.json"));

        LoadedConfig c = loader.loadDirectory(conf);
        assertEquals(3, c.global().countThreads());
        assertEquals(7, c.global().kaTime());
        assertEquals(List.of("first", "site"), c.vhosts().stream().map(VhostConfig::name).toList());
        assertEquals("conf/conf.d/b.json", c.vhosts().get(1).source());
        assertEquals(List.of("conf/conf.d/b.json vhosts[0].mounts[0].origin"), keys(c));
    }

    @Test
    void loadDirectoryReportsSyntaxErrorAndLoadsTheOtherFile(@TempDir Path tmp) throws Exception {
        Path conf = Files.createDirectories(tmp.resolve("conf").resolve("conf.d")).getParent();
        Files.writeString(conf.resolve("lws.json"), "{\"global\": {\"server-string\": \"s\"}}");
        Files.writeString(conf.resolve("conf.d").resolve("bad.json"), "{\n  \"vhosts\": [\n    {\"name\": \"x\",,}\n]}");
        LoadedConfig c = loader.loadDirectory(conf);
        assertEquals("s", c.global().serverString());
        assertEquals(1, c.problems().size());
        assertTrue(c.problems().get(0).toString().startsWith("conf/conf.d/bad.json: line 3, column 18: Unexpected character (','"),
                c.problems().get(0).toString());
    }

    @Test
    void missingDirectoryGivesDefaults(@TempDir Path tmp) {
        LoadedConfig c = loader.loadDirectory(tmp.resolve("nope"));
        assertEquals(new LoadedConfig(ContextConfig.defaults(), List.of(), List.of()), c);
        assertEquals(List.of(), loader.loadDirectory(tmp).problems());
    }

    @Test
    void anInterfaceThatTrimsToNothingIsNone() {
        // found by FlatVhostConfigFuzzTest: a control character is not blank, yet trim() leaves ""
        LoadedConfig c = load("a.json", "{'vhosts': [{'name': 'x', 'port': '1', 'interface': '\\u0001 '}]}");
        assertNull(c.vhosts().get(0).iface());
    }
}
