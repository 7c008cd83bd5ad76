package org.lws4j.itests.support;

import static org.ops4j.pax.exam.CoreOptions.cleanCaches;
import static org.ops4j.pax.exam.CoreOptions.frameworkProperty;
import static org.ops4j.pax.exam.CoreOptions.junitBundles;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

import org.lws4j.itests.greeting.GreetingActivator;
import org.lws4j.itests.greeting.GreetingProtocol;
import org.ops4j.pax.exam.CoreOptions;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.TestProbeBuilder;
import org.ops4j.pax.tinybundles.TinyBundles;
import org.osgi.framework.Constants;

/**
 * Driver side only (runs in the JUnit JVM before Felix starts, never inside the probe): makes a
 * fresh work folder with the site, the lwsws-style config and the greeting fixture jars, picks a
 * free port, and returns the Pax Exam options that boot a lean Felix with the bundles under test.
 */
public final class Setup {
    /** System property prefix failsafe uses for the jar paths of the bundles to provision. */
    private static final String BUNDLE_PROPERTY = "lws4j.itest.bundle.";
    /** The provisioned bundles, in install order; the keys match failsafe's systemPropertyVariables. */
    private static final String[] BUNDLES = {
        "function", "promise", "component", "scr",
        "jackson-annotations", "jackson-core", "jackson-databind",
        "api", "core",
    };
    /**
     * The WebSocket protocol bundles {@link #webSocketOptions()} adds, installed after the core;
     * their jar paths are also handed to the probe (framework properties {@link Site#JAR_PREFIX}
     * + name) so a test can {@code Bundle.update} from the same jar.
     */
    public static final String[] PROTOCOL_BUNDLES = {"dumb-increment", "mirror", "echo"};

    private Setup() {
    }

    /** Options for one Felix boot: a new work folder, port and config each call. */
    public static Option[] options() {
        return options(false);
    }

    /**
     * As {@link #options()}, plus the three WebSocket protocol bundles (dumb-increment, mirror,
     * echo) and a vhost that offers them in "ws-protocols".
     */
    public static Option[] webSocketOptions() {
        return options(true);
    }

    private static Option[] options(boolean webSockets) {
        try {
            Path work = newWorkFolder().toAbsolutePath();
            Path www = Files.createDirectories(work.resolve("www"));
            Files.write(www.resolve("index.html"), Site.index());
            Files.write(www.resolve(Site.BIG_NAME), Site.big());
            Path conf = Files.createDirectories(work.resolve("conf"));
            int port = freePort();
            Files.writeString(conf.resolve("itest.json"), config(port, www, webSockets), StandardCharsets.UTF_8);
            Path v1 = writeGreetingJar(work, "v1", "1.0.0");
            Path v2 = writeGreetingJar(work, "v2", "2.0.0");

            List<Option> options = new ArrayList<>();
            options.add(frameworkProperty("lws4j.conf").value(conf.toString()));
            options.add(frameworkProperty("lws4j.log.level").value("7"));
            options.add(frameworkProperty(Site.PORT).value(String.valueOf(port)));
            options.add(frameworkProperty(Site.WWW).value(www.toString()));
            options.add(frameworkProperty(Site.GREETING_V1).value(v1.toString()));
            options.add(frameworkProperty(Site.GREETING_V2).value(v2.toString()));
            options.add(frameworkProperty("felix.log.level").value("1"));
            // Pax Exam's pax-logging-api prints DEBUG of its own extender otherwise
            options.add(frameworkProperty("org.ops4j.pax.logging.DefaultServiceLog.level").value("WARN"));
            options.add(cleanCaches(true));
            options.add(junitBundles());
            for (String name : BUNDLES) {
                options.add(CoreOptions.bundle(bundleUrl(name)));
            }
            if (webSockets) {
                for (String name : PROTOCOL_BUNDLES) {
                    options.add(frameworkProperty(Site.JAR_PREFIX + name).value(bundleJar(name).toString()));
                    options.add(CoreOptions.bundle(bundleUrl(name)));
                }
            }
            return options.toArray(new Option[0]);
        } catch (IOException e) {
            throw new IllegalStateException("cannot prepare the itest work folder", e);
        }
    }

    /** Keeps the greeting fixture out of the probe: it lives only in its own tinybundles. */
    public static TestProbeBuilder probe(TestProbeBuilder probe) {
        return probe.ignorePackageOf(GreetingProtocol.class);
    }

    /**
     * The lwsws-style config: one vhost, a file mount at / and a callback mount at /greet; with
     * {@code webSockets}, its "ws-protocols" offer {@link Site#WS_PROTOCOLS}.
     */
    static String config(int port, Path www, boolean webSockets) {
        return "{\n"
                // handoff off: these tests hold the plain hot-plug contract (1001 on an update);
                // updates that keep their connections are runtime's HandoffIT
                + "  \"global\": { \"count-threads\": \"2\", \"handoff-grace-ms\": \"0\" },\n"
                + "  \"vhosts\": [ {\n"
                + "    \"name\": \"localhost\",\n"
                + "    \"port\": \"" + port + "\",\n"
                + "    \"interface\": \"127.0.0.1\",\n"
                + (webSockets ? "    \"ws-protocols\": [ { " + wsProtocols() + " } ],\n" : "")
                + "    \"mounts\": [\n"
                + "      { \"mountpoint\": \"/\", \"origin\": \"file://" + json(www.toString())
                + "\", \"default\": \"index.html\" },\n"
                + "      { \"mountpoint\": \"" + Site.GREET_PATH + "\", \"origin\": \"callback://"
                + GreetingActivator.PROTOCOL_NAME + "\" }\n"
                + "    ]\n"
                + "  } ]\n"
                + "}\n";
    }

    /** The greeting fixture as a bundle of its own, built with TinyBundles (raw builder). */
    static Path writeGreetingJar(Path work, String greetingVersion, String bundleVersion) throws IOException {
        Path jar = work.resolve("greeting-" + greetingVersion + ".jar");
        try (InputStream in = TinyBundles.bundle()
                .addClass(GreetingProtocol.class)
                .addClass(GreetingActivator.class)
                .setHeader(Constants.BUNDLE_MANIFESTVERSION, "2")
                .setHeader(Constants.BUNDLE_SYMBOLICNAME, "org.lws4j.itests.greeting")
                .setHeader(Constants.BUNDLE_NAME, "lws4j itest greeting protocol " + greetingVersion)
                .setHeader(Constants.BUNDLE_VERSION, bundleVersion)
                .setHeader(Constants.BUNDLE_ACTIVATOR, GreetingActivator.class.getName())
                .setHeader(Constants.IMPORT_PACKAGE,
                        "org.lws4j.api;version=\"[1.0,2)\",org.osgi.framework;version=\"[1.8,2)\"")
                .setHeader(GreetingActivator.VERSION_HEADER, greetingVersion)
                .build(TinyBundles.rawBuilder())) {
            Files.copy(in, jar);
        }
        return jar;
    }

    /** {@code "name": {}} for each of {@link Site#WS_PROTOCOLS}, comma separated. */
    private static String wsProtocols() {
        StringBuilder b = new StringBuilder();
        for (String p : Site.WS_PROTOCOLS) {
            b.append(b.length() == 0 ? "" : ", ").append('"').append(json(p)).append("\": {}");
        }
        return b.toString();
    }

    private static String bundleUrl(String name) {
        return bundleJar(name).toUri().toString();
    }

    private static Path bundleJar(String name) {
        String path = System.getProperty(BUNDLE_PROPERTY + name);
        if (path == null || path.isBlank() || path.contains("${")) {
            throw new IllegalStateException("system property " + BUNDLE_PROPERTY + name + " is not set ("
                    + path + "): run the itests through Maven, `mvn -pl itests -am verify`");
        }
        Path jar = Paths.get(path);
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException(BUNDLE_PROPERTY + name + " names no file: " + jar);
        }
        return jar.toAbsolutePath();
    }

    /** Set once the work folders of earlier runs have been removed (once per test JVM). */
    private static boolean oldWorkRemoved;

    private static synchronized Path newWorkFolder() throws IOException {
        Path target = Paths.get("target").toAbsolutePath();
        if (!Files.isDirectory(target)) {
            return Files.createTempDirectory("lws4j-itest-");
        }
        Path all = target.resolve("itest-work");
        if (!oldWorkRemoved) {
            oldWorkRemoved = true;
            if (Files.isDirectory(all)) {
                try (Stream<Path> old = Files.walk(all)) {
                    old.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
                }
            }
        }
        return Files.createTempDirectory(Files.createDirectories(all), "felix-");
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            s.setReuseAddress(true);
            return s.getLocalPort();
        }
    }

    private static String json(String s) {
        return s.replace("\\", "\\\\").replace("\"", "\\\"");
    }
}
