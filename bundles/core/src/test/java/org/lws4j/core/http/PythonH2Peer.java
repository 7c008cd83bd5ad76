package org.lws4j.core.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Runs a case of {@code h2peer/h2peer.py} (a frame-level HTTP/2 client on Debian's python3-h2)
 * against a server and gives back the lines it printed: one per frame the server sent. The
 * script runs under /usr/bin/python3, where Debian installs h2; without it the test fails
 * naming the package.
 */
public final class PythonH2Peer {
    private PythonH2Peer() {
    }

    /** What one case printed, one line a frame (see the script's header for the format). */
    public record Lines(List<String> lines, String err) {
        /** The index of the first line that starts with {@code prefix}, failing when there is none. */
        public int indexOf(String prefix) {
            for (int i = 0; i < lines.size(); i++) {
                if (lines.get(i).startsWith(prefix)) {
                    return i;
                }
            }
            fail("no line starting with '" + prefix + "' in:\n" + this);
            return -1;
        }

        /** Asserts that lines starting with each prefix came, in this order (each after the one before). */
        public void assertInOrder(String... prefixes) {
            int at = -1;
            for (String p : prefixes) {
                int i = at + 1;
                while (i < lines.size() && !lines.get(i).startsWith(p)) {
                    i++;
                }
                assertTrue(i < lines.size(), "'" + p + "' after the lines before it, in:\n" + this);
                at = i;
            }
        }

        /** Asserts that no line starts with {@code prefix}. */
        public void assertNone(String prefix) {
            assertTrue(lines.stream().noneMatch(l -> l.startsWith(prefix)), "no '" + prefix + "' expected in:\n" + this);
        }

        @Override
        public String toString() {
            return String.join("\n", lines) + (err.isEmpty() ? "" : "\nstderr: " + err);
        }
    }

    /** Runs {@code caseName} against 127.0.0.1:{@code port}; the script must end with DONE. */
    public static Lines run(int port, String caseName) throws Exception {
        Path script;
        try {
            script = Path.of(PythonH2Peer.class.getResource("/h2peer/h2peer.py").toURI());
        } catch (URISyntaxException e) {
            throw new IOException(e);
        }
        Process p;
        try {
            p = new ProcessBuilder("/usr/bin/python3", script.toString(), String.valueOf(port), caseName).start();
        } catch (IOException e) {
            throw new AssertionError("/usr/bin/python3 is not installed: install the Debian package python3-h2", e);
        }
        p.getOutputStream().close();
        CompletableFuture<byte[]> out = CompletableFuture.supplyAsync(() -> readAll(p.getInputStream()));
        CompletableFuture<byte[]> err = CompletableFuture.supplyAsync(() -> readAll(p.getErrorStream()));
        if (!p.waitFor(90, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            fail("h2peer.py " + caseName + " did not finish: " + new String(out.getNow(new byte[0]), StandardCharsets.UTF_8));
        }
        String errText = new String(err.get(), StandardCharsets.UTF_8);
        if (errText.contains("No module named 'h2'")) {
            fail("python3-h2 is not installed: install the Debian package python3-h2 (apt-get install python3-h2)");
        }
        Lines lines = new Lines(new String(out.get(), StandardCharsets.UTF_8).lines().toList(), errText);
        assertEquals(0, p.exitValue(), caseName + " failed:\n" + lines);
        assertEquals("DONE", lines.lines().isEmpty() ? "" : lines.lines().get(lines.lines().size() - 1), lines.toString());
        return lines;
    }

    private static byte[] readAll(InputStream in) {
        try {
            ByteArrayOutputStream b = new ByteArrayOutputStream();
            in.transferTo(b);
            return b.toByteArray();
        } catch (IOException e) {
            return new byte[0];
        }
    }
}
