package org.lws4j.runtime;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.stream.Stream;

import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;

/**
 * HandoffIT's test protocol {@value #NAME}, compiled here against the api and laid out as a bundle
 * whose manifest header {@code Probe-Mode} picks what it is: {@code keep} opts in to handoff and
 * takes the state back, {@code refuse} opts in but refuses any state it is given (a version that
 * cannot read the old one's), {@code plain} does not opt in. Each echoes a text message as
 * "MODE:COUNT", COUNT counting the connection's messages (carried over by a handoff).
 */
final class ProbeBundle {
    static final String NAME = "handoff-probe";

    private static final String PLAIN = """
            package lws4j.probe;
            import java.nio.ByteBuffer;
            import java.nio.charset.StandardCharsets;
            import org.lws4j.api.*;
            public class PlainProbe implements Protocol {
                final String mode;
                public PlainProbe(String mode) { this.mode = mode; }
                /** The count, and the last count written. */
                public Object newSession(Connection wsi) { return new long[2]; }
                public Result callback(Connection wsi, Reason reason, ByteBuffer in) {
                    long[] n = wsi.session();
                    if (reason == Reason.RECEIVE && wsi.isFinalFragment()) {
                        n[0]++;
                        wsi.requestWriteable();
                    } else if (reason == Reason.SERVER_WRITEABLE && n[1] < n[0]) {
                        n[1]++;
                        wsi.write(ByteBuffer.wrap((mode + ":" + n[1]).getBytes(StandardCharsets.UTF_8)), WriteMode.TEXT);
                        if (n[1] < n[0]) {
                            wsi.requestWriteable();
                        }
                    }
                    return Result.CONTINUE;
                }
            }
            """;
    private static final String KEEP = """
            package lws4j.probe;
            import org.lws4j.api.*;
            public class KeepProbe extends PlainProbe implements Handoff {
                public KeepProbe(String mode) { super(mode); }
                public HandoffState exportSession(Connection wsi) {
                    long[] n = wsi.session();
                    return HandoffState.of("probe/1").put("n", n[0]).put("written", n[1]);
                }
                public boolean importVhost(VhostProtocol binding, HandoffState state) {
                    return !mode.equals("refuse");
                }
                public boolean importSession(Connection wsi, HandoffState state) {
                    long[] n = wsi.session();
                    n[0] = state.getLong("n", 0);
                    n[1] = state.getLong("written", 0);
                    return !mode.equals("refuse");
                }
            }
            """;
    private static final String ACTIVATOR = """
            package lws4j.probe;
            import java.util.Hashtable;
            import org.lws4j.api.Protocol;
            import org.osgi.framework.BundleActivator;
            import org.osgi.framework.BundleContext;
            public class Activator implements BundleActivator {
                public void start(BundleContext bc) {
                    String mode = bc.getBundle().getHeaders().get("Probe-Mode");
                    Hashtable<String, Object> p = new Hashtable<>();
                    p.put(Protocol.NAME, "%s");
                    bc.registerService(Protocol.class, mode.equals("plain") ? new PlainProbe(mode) : new KeepProbe(mode), p);
                }
                public void stop(BundleContext bc) {
                }
            }
            """.formatted(NAME);

    private final Path classes;

    private ProbeBundle(Path classes) {
        this.classes = classes;
    }

    /** Compiles the probe's classes into {@code work}/probe-classes. */
    static ProbeBundle compile(Path work) throws IOException {
        Path src = Files.createDirectories(work.resolve("probe-src/lws4j/probe"));
        Files.writeString(src.resolve("PlainProbe.java"), PLAIN);
        Files.writeString(src.resolve("KeepProbe.java"), KEEP);
        Files.writeString(src.resolve("Activator.java"), ACTIVATOR);
        Path out = Files.createDirectories(work.resolve("probe-classes"));
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        assertTrue(javac != null, "no system Java compiler: run the tests on a JDK");
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int rc = javac.run(null, err, err, "-d", out.toString(), "--release", "17", "-classpath",
                System.getProperty("java.class.path"), src.resolve("PlainProbe.java").toString(),
                src.resolve("KeepProbe.java").toString(), src.resolve("Activator.java").toString());
        assertTrue(rc == 0, "the probe did not compile:\n" + err.toString(StandardCharsets.UTF_8));
        return new ProbeBundle(out);
    }

    /** The bundle in {@code mode}; {@code revision} makes each jar differ, so FileInstall updates. */
    byte[] jar(String mode, int revision) throws IOException {
        Manifest mf = new Manifest();
        Attributes a = mf.getMainAttributes();
        a.put(Attributes.Name.MANIFEST_VERSION, "1.0");
        a.putValue("Bundle-ManifestVersion", "2");
        a.putValue("Bundle-SymbolicName", "org.lws4j.runtime.handoff-probe");
        a.putValue("Bundle-Version", "1.0." + revision);
        a.putValue("Bundle-Activator", "lws4j.probe.Activator");
        a.putValue("Import-Package", "org.lws4j.api;version=\"[1.1,2)\",org.osgi.framework");
        a.putValue("Probe-Mode", mode);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (JarOutputStream jar = new JarOutputStream(bytes, mf); Stream<Path> files = Files.walk(classes)) {
            for (Path p : (Iterable<Path>) files.filter(Files::isRegularFile).sorted()::iterator) {
                jar.putNextEntry(new JarEntry(classes.relativize(p).toString().replace('\\', '/')));
                Files.copy(p, (OutputStream) jar);
                jar.closeEntry();
            }
        }
        return bytes.toByteArray();
    }
}
