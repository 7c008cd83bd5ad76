package org.lws4j.protocol.rawtest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lws4j.api.LogLevel;
import org.lws4j.core.config.ContextConfig;
import org.lws4j.core.config.MountConfig;
import org.lws4j.core.config.VhostConfig;
import org.lws4j.core.context.ContextImpl;
import org.lws4j.core.log.LogImpl;

/**
 * protocol-lws-raw-test on a real context on 127.0.0.1, for what only a real socket and a real
 * FIFO show: a fallback-to-raw vhost where it has pvo raw=1 turns a telnet-like first line into a
 * raw echo, HTTP still works on the same port, what a shell writes into the FIFO (made in a
 * temporary folder) reaches the log through the core's bridge thread, and unbinding removes the
 * FIFO. The echo and its flow control are RawTestProtocolTest's, on the test kit.
 */
class RawTestWireTest {
    @TempDir
    Path tmp;
    private ContextImpl ctx;
    private int port;
    private Path fifo;
    private final BlockingQueue<String> log = new LinkedBlockingQueue<>();
    private final RawTestProtocol protocol = new RawTestProtocol();

    @BeforeEach
    void start() throws Exception {
        Files.writeString(tmp.resolve("index.html"), "<p>still HTTP</p>\n");
        fifo = tmp.resolve("raw.fifo");
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        LogImpl l = new LogImpl(LogLevel.DEFAULT_MASK | LogLevel.INFO.bit());
        l.addEmitter((level, t, line) -> log.add(line));
        ctx = new ContextImpl(new ContextConfig(1, "lws4j-test", 5, 0, 0, 0, 8192, 8, 1 << 20, l.mask(), 0, 0), l);
        ctx.start();
        Map<String, Map<String, String>> protos = new LinkedHashMap<>();
        protos.put(RawTestProtocol.NAME, Map.of("raw", "1", "fifo-path", fifo.toString()));
        MountConfig m = new MountConfig("/", "file://" + tmp, "index.html", Map.of(), Map.of(), Map.of(), Map.of());
        ctx.addVhost(new VhostConfig("test", "raw-test", port, "127.0.0.1", 5, List.of(m), protos, Map.of(),
                Map.of("fallback-to-raw", "1", "raw-fallback-timeout-ms", "500")));
        ctx.addProtocol(RawTestProtocol.NAME, protocol, 0, 1);
        awaitLog("FIFO " + fifo + " created");
    }

    @AfterEach
    void stop() {
        ctx.stop();
    }

    /**
     * Core bug (HttpServerHandler.readHead and RequestHeadParser.feed): a first line that starts
     * with capitals is held as a would-be request head until its empty line, so a telnet user
     * typing "HELLO" waits timeout-secs and gets 408 instead of becoming raw within
     * raw-fallback-timeout-ms (lws falls back as soon as the method is not one it knows).
     */
    @Test
    void aFirstLineThatStartsLikeAMethodFallsBackToo() throws Exception {
        for (String line : List.of("HELLO IN CAPITALS\n", "GET lost\n")) {
            try (Socket s = connect()) {
                // what comes tells a fallback (the echo) from a held head (a 408 after timeout-secs);
                // the read timeout only bounds a broken run
                s.setSoTimeout(20_000);
                s.getOutputStream().write(line.getBytes(StandardCharsets.UTF_8));
                assertEquals(line, read(s.getInputStream(), line.length()), "the echo of " + line.trim());
            }
        }
    }

    @Test
    void httpStillWorksOnTheFallbackPort() throws Exception {
        try (Socket s = connect()) {
            s.getOutputStream().write("GET / HTTP/1.1\r\nHost: raw-test\r\nConnection: close\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
            String answer = new String(s.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
            assertTrue(answer.startsWith("HTTP/1.1 200"), answer);
            assertTrue(answer.contains("still HTTP"), answer);
        }
    }

    @Test
    void whatIsWrittenIntoTheFifoIsLogged() throws Exception {
        assertTrue(FifoReader.isFifo(fifo), fifo + " is not a FIFO");
        for (String word : List.of("hello", "again")) { // two writers in turn: no end of file between them
            Process p = new ProcessBuilder("sh", "-c", "echo " + word + " > '" + fifo + "'").start();
            assertTrue(p.waitFor(5, TimeUnit.SECONDS) && p.exitValue() == 0, "echo into the FIFO failed");
            String line = awaitLog("FIFO " + fifo + ": ");
            assertTrue(line.endsWith(": " + word), line);
        }
    }

    @Test
    void unbindingRemovesTheFifo() throws Exception {
        ctx.removeProtocol(RawTestProtocol.NAME, protocol);
        assertFalse(Files.exists(fifo), "the FIFO outlived its binding");
        ctx.addProtocol(RawTestProtocol.NAME, protocol, 0, 2);
        awaitLog("FIFO " + fifo + " created");
        assertTrue(FifoReader.isFifo(fifo));
    }

    @Test
    void anExistingFileThatIsNotAFifoIsLeftAlone() throws Exception {
        Path plain = tmp.resolve("plain.txt");
        Files.writeString(plain, "keep me");
        Map<String, Map<String, String>> protos = Map.of(RawTestProtocol.NAME, Map.of("fifo-path", plain.toString()));
        ctx.addVhost(new VhostConfig("test", "other", 0, null, 5, List.of(), protos, Map.of(), Map.of()));
        String line = awaitLog("no FIFO at " + plain);
        assertTrue(line.contains("is not a FIFO"), line);
        assertEquals("keep me", Files.readString(plain));
    }

    private Socket connect() throws Exception {
        Socket s = new Socket();
        s.connect(new InetSocketAddress("127.0.0.1", port), 2000);
        s.setSoTimeout(5000);
        return s;
    }

    private static String read(InputStream in, int n) throws Exception {
        return new String(in.readNBytes(n), StandardCharsets.UTF_8);
    }

    /** The first log line (from now on, skipping others) containing {@code text}. */
    private String awaitLog(String text) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        List<String> seen = new ArrayList<>();
        while (System.nanoTime() < deadline) {
            String l = log.poll(100, TimeUnit.MILLISECONDS);
            if (l != null) {
                seen.add(l);
                if (l.contains(text)) {
                    return l;
                }
            }
        }
        assertNotNull(null, "no log line with \"" + text + "\" in 10 s; saw " + seen);
        return null;
    }
}
