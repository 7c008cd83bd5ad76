package org.lws4j.runtime;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarFile;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The protocol archetype, end to end, as a protocol author meets it: {@code archetype:generate}
 * makes a project, Maven builds it (its tests run on the test kit), the jar is dropped into a
 * running runtime's deploy/, and a WebSocket client (java.net.http) talks to the new protocol.
 *
 * <p>Nothing reaches outside this machine and nothing is installed into the build's local
 * repository: Maven runs with a local repository of this test's own (under target/it), into which
 * the test lays this build's archetype, api and test kit (and the reactor's pom, their parent);
 * everything else (plugins, JUnit) comes from the build's local repository, read as a file://
 * mirror of every remote repository. Every step is bounded; a failure says which step and shows
 * the end of its Maven output.
 */
class ArchetypeIT {
    private static final Duration MAVEN_TIMEOUT = Duration.ofMinutes(4);
    private static final String GROUP = "com.example.lws4j.it";
    private static final String ARTIFACT = "it-greeter";
    private static final String PROTOCOL = "it-greeter-protocol";
    private static final String PREFIX = "it says: ";

    private static DistRun rt;

    /** Prints the runtime's output when a check fails; stops it after the class. */
    @RegisterExtension
    static final DistRun.Watch WATCH = new DistRun.Watch(() -> rt);

    @Test
    void aGeneratedProtocolBuildsDeploysAndAnswers() throws Exception {
        long t0 = System.nanoTime();
        Path itDir = Files.createDirectories(Paths.get(DistRun.property("lws4j.it.dir")));
        Path dir = Files.createTempDirectory(itDir, "archetype-");
        Path repo = dir.resolve("repo");
        Path work = Files.createDirectories(dir.resolve("work"));
        String version = DistRun.property("lws4j.version");
        seed(repo, "lws4j", version, null, DistRun.property("lws4j.reactor.pom"));
        seed(repo, "api", version, DistRun.property("lws4j.api.jar"), DistRun.property("lws4j.api.pom"));
        seed(repo, "testkit", version, DistRun.property("lws4j.testkit.jar"), DistRun.property("lws4j.testkit.pom"));
        seed(repo, "protocol-archetype", version, DistRun.property("lws4j.archetype.jar"),
                DistRun.property("lws4j.archetype.pom"));
        Path settings = settings(dir, repo);

        // 1. generate, in batch mode, exactly as the README's command does (the plugin named in full:
        //    prefix resolution needs repository metadata a local repository does not keep)
        maven("generate", work, settings, "org.apache.maven.plugins:maven-archetype-plugin:"
                        + DistRun.property("lws4j.archetype.plugin.version") + ":generate",
                "-DarchetypeGroupId=org.lws4j", "-DarchetypeArtifactId=protocol-archetype",
                "-DarchetypeVersion=" + version, "-DarchetypeCatalog=local", "-DgroupId=" + GROUP,
                "-DartifactId=" + ARTIFACT, "-Dversion=0.1.0", "-Dpackage=" + GROUP + ".greeter",
                "-DprotocolName=" + PROTOCOL);
        Path project = work.resolve(ARTIFACT);
        for (String f : List.of("pom.xml", "bnd.bnd", "README.md", "src/main/java/com/example/lws4j/it/greeter/EchoProtocol.java",
                "src/test/java/com/example/lws4j/it/greeter/EchoProtocolTest.java")) {
            assertTrue(Files.isRegularFile(project.resolve(f)), "the generated project has no " + f);
        }
        assertTrue(Files.readString(project.resolve("README.md")).contains("`" + PROTOCOL + "`"),
                "the README names the protocol");

        // 2. build it: its test runs on the test kit of this build
        String build = maven("package", project, settings, "package");
        assertTrue(build.contains("Tests run: 3, Failures: 0, Errors: 0"), "the generated test did not run:\n" + tail(build));
        Path jar = project.resolve("target/" + ARTIFACT + "-0.1.0.jar");
        assertTrue(Files.isRegularFile(jar), "the build made no " + jar);
        try (JarFile j = new JarFile(jar.toFile())) {
            String imports = j.getManifest().getMainAttributes().getValue("Import-Package");
            assertTrue(imports.contains("org.lws4j.api;version=\"[1."), "the bundle must import org.lws4j.api [1.x,2): " + imports);
            assertTrue(j.getManifest().getMainAttributes().getValue("Service-Component") != null, "no DS component in the bundle");
        }
        System.out.println("[archetype-it] generated and built in " + secondsSince(t0) + " s");

        // 3. deploy it into a running runtime whose vhost offers the protocol with a pvo
        rt = DistRun.copy("archetype-it").withoutDemo();
        rt.config("archetype-it.json", "{ \"vhosts\": [ { \"name\": \"localhost\", \"port\": \"" + rt.port
                + "\", \"interface\": \"127.0.0.1\",\n  \"ws-protocols\": [ { \"" + PROTOCOL + "\": { \"prefix\": \""
                + PREFIX + "\" } } ] } ] }\n");
        rt.start();
        rt.awaitListening(rt.port, DistRun.BOOT_TIMEOUT);
        rt.deploy(jar, ARTIFACT + ".jar");
        rt.awaitLog("protocol " + PROTOCOL + " bound", DistRun.STEP_TIMEOUT);

        // 4. a WebSocket client talks to it
        Client c = new Client();
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        WebSocket ws = http.newWebSocketBuilder().subprotocols(PROTOCOL).connectTimeout(Duration.ofSeconds(5))
                .buildAsync(URI.create("ws://" + DistRun.HOST + ":" + rt.port + "/"), c).get(10, TimeUnit.SECONDS);
        assertEquals(PROTOCOL, ws.getSubprotocol());
        ws.sendText("hello", true).get(5, TimeUnit.SECONDS);
        assertEquals(PREFIX + "hello", c.next(), "the answer to a text message");
        ws.sendText("frag", false).get(5, TimeUnit.SECONDS);
        ws.sendText("mented", true).get(5, TimeUnit.SECONDS);
        assertEquals(PREFIX + "fragmented", c.next(), "the answer to a fragmented message");
        byte[] bin = {0, 1, 2, (byte) 0xfe};
        ws.sendBinary(ByteBuffer.wrap(bin), true).get(5, TimeUnit.SECONDS);
        assertArrayEquals(bin, (byte[]) c.nextObject(), "the answer to a binary message");
        ws.sendClose(1000, "done").get(5, TimeUnit.SECONDS);
        assertEquals(1000, c.closed.get(10, TimeUnit.SECONDS), "the close code echoed");
        System.out.println("[archetype-it] generated, built, deployed and answered in " + secondsSince(t0) + " s");
        deleteTree(dir);
    }

    // ---- Maven, offline in effect, on a local repository of its own ----------------------------

    /** Lays {@code jar} (if any) and {@code pom} into {@code repo} as an installed org.lws4j artifact. */
    private static void seed(Path repo, String artifact, String version, String jar, String pom) throws IOException {
        Path d = Files.createDirectories(repo.resolve("org/lws4j").resolve(artifact).resolve(version));
        Files.copy(Path.of(pom), d.resolve(artifact + "-" + version + ".pom"));
        if (jar != null) {
            assertTrue(Files.isRegularFile(Path.of(jar)), "no " + jar + ": run the reactor's package first");
            Files.copy(Path.of(jar), d.resolve(artifact + "-" + version + ".jar"));
        }
    }

    /** A settings.xml: the test's own local repository; the build's, read-only, as the mirror of every remote. */
    private static Path settings(Path dir, Path repo) throws IOException {
        Path buildRepo = dirOf("lws4j.build.repository");
        String xml = "<settings>\n  <localRepository>" + repo + "</localRepository>\n"
                + "  <mirrors>\n    <mirror><id>lws4j-build-repository</id><mirrorOf>*</mirrorOf>"
                + "<url>" + buildRepo.toUri() + "</url></mirror>\n  </mirrors>\n</settings>\n";
        return Files.writeString(dir.resolve("settings.xml"), xml);
    }

    /** Runs Maven in {@code cwd}; fails with its output's end unless it succeeds in time. Returns the output. */
    private static String maven(String step, Path cwd, Path settings, String... args) throws Exception {
        Path mvn = dirOf("lws4j.maven.home").resolve("bin/mvn");
        assertTrue(Files.isExecutable(mvn), "no Maven at " + mvn);
        List<String> cmd = new ArrayList<>(List.of(mvn.toString(), "-B", "-nsu", "--no-transfer-progress", "-s", settings.toString()));
        cmd.addAll(List.of(args));
        Path log = cwd.getParent().resolve("maven-" + step + ".log");
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(cwd.toFile()).redirectErrorStream(true)
                .redirectOutput(log.toFile()).redirectInput(ProcessBuilder.Redirect.from(Paths.get("/dev/null").toFile()));
        pb.environment().put("JAVA_HOME", System.getProperty("java.home"));
        pb.environment().remove("MAVEN_OPTS");
        pb.environment().remove("MAVEN_ARGS");
        System.out.println("[archetype-it] " + step + ": " + String.join(" ", cmd));
        Process p = pb.start();
        if (!p.waitFor(MAVEN_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
            p.destroyForcibly();
            fail("Maven " + step + " did not finish in " + MAVEN_TIMEOUT.toMinutes() + " min:\n" + tail(Files.readString(log)));
        }
        String out = Files.readString(log);
        if (p.exitValue() != 0) {
            fail("Maven " + step + " failed (status " + p.exitValue() + "); its output (" + log + ") ends:\n" + tail(out));
        }
        return out;
    }

    private static String tail(String out) {
        return out.length() <= 6000 ? out : "...\n" + out.substring(out.length() - 6000);
    }

    private static Path dirOf(String property) {
        Path p = Paths.get(DistRun.property(property));
        assertTrue(Files.isDirectory(p), "no folder " + p + " (system property " + property + ")");
        return p;
    }

    private static long secondsSince(long t0) {
        return TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - t0);
    }

    private static void deleteTree(Path dir) throws IOException {
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : (Iterable<Path>) s.sorted((a, b) -> b.getNameCount() - a.getNameCount())::iterator) {
                Files.deleteIfExists(p);
            }
        }
    }

    /** The client's listener: messages and the close, handed to the test through a queue. */
    static final class Client implements WebSocket.Listener {
        final LinkedBlockingQueue<Object> messages = new LinkedBlockingQueue<>();
        final CompletableFuture<Integer> closed = new CompletableFuture<>();
        private final StringBuilder text = new StringBuilder();
        private final java.io.ByteArrayOutputStream binary = new java.io.ByteArrayOutputStream();

        @Override
        public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
            text.append(data);
            if (last) {
                messages.add(text.toString());
                text.setLength(0);
            }
            ws.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onBinary(WebSocket ws, ByteBuffer data, boolean last) {
            byte[] b = new byte[data.remaining()];
            data.get(b);
            binary.writeBytes(b);
            if (last) {
                messages.add(binary.toByteArray());
                binary.reset();
            }
            ws.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket ws, int statusCode, String reason) {
            closed.complete(statusCode);
            return null;
        }

        @Override
        public void onError(WebSocket ws, Throwable error) {
            closed.completeExceptionally(error);
            messages.add(error);
        }

        Object nextObject() throws InterruptedException {
            Object m = messages.poll(10, TimeUnit.SECONDS);
            if (m == null) {
                fail("no answer from the protocol in 10 s");
            }
            if (m instanceof Throwable t) {
                throw new AssertionError("the WebSocket failed", t);
            }
            return m;
        }

        String next() throws InterruptedException {
            Object m = nextObject();
            assertTrue(m instanceof String, "a text answer expected, got " + m);
            return (String) m;
        }
    }
}
