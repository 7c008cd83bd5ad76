package org.lws4j.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Start-up is atomic, as a user meets it: from the first request after {@code bin/lws4j run}, the
 * TLS port and the zip mount of the demo answer; nothing is accepted before the boot bundles are
 * started and their services (TLS provider, file ops, ...) bound. Connections made meanwhile wait
 * in the listen backlog and are served once the server is ready.
 */
class StartupIT {
    private static final int DEMO_HTTP = 7681;
    private static final int DEMO_TLS = 7682;

    private static DistRun rt;

    @RegisterExtension
    static final DistRun.Watch WATCH = new DistRun.Watch(() -> rt);

    /** What a probe saw of one request: the status (0 when it failed), and the response or the failure. */
    record Seen(int status, String detail) {
    }

    @Test
    void theFirstRequestsToTheTlsPortAndTheZipMountAreServed() throws Exception {
        DistRun.assertPortFree(DEMO_HTTP);
        DistRun.assertPortFree(DEMO_TLS);
        rt = DistRun.copy("startup");
        rt.start();
        // both probes start before the JVM does and take the first answer they get
        CompletableFuture<Seen> zip = CompletableFuture.supplyAsync(() -> firstAnswer(false, DEMO_HTTP, "/ziptest/"));
        CompletableFuture<Seen> tls = CompletableFuture.supplyAsync(() -> firstAnswer(true, DEMO_TLS, "/"));
        Seen z = zip.get(DistRun.BOOT_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        Seen t = tls.get(DistRun.BOOT_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        assertEquals(200, z.status(), "the first request to /ziptest/: " + z.detail());
        assertTrue(z.detail().contains("<"), "a page from inside the zip: " + z.detail());
        assertEquals(200, t.status(), "the first request to https://localhost:" + DEMO_TLS + "/: " + t.detail());
        String log = rt.logText();
        int accepting = log.indexOf("accepting connections on");
        assertTrue(accepting > 0, log);
        assertTrue(log.indexOf("TLS on /0.0.0.0:" + DEMO_TLS) < accepting, "TLS was ready before accepting:\n" + log);
        assertTrue(log.indexOf("file ops for \".zip/\" available") < accepting, "zip ops were bound before accepting:\n" + log);
    }

    /**
     * Connects until something listens (a refused connect means "not yet"), then makes one request
     * and reports what came back: any failure after the connect is the answer, not a retry.
     */
    private static Seen firstAnswer(boolean tls, int port, String path) {
        long deadline = System.nanoTime() + DistRun.BOOT_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            Socket s = new Socket();
            try {
                s.connect(new InetSocketAddress(DistRun.HOST, port), 2000);
            } catch (ConnectException refused) {
                closeQuietly(s);
                // the port is not bound yet: the JVM is starting
                sleepBriefly();
                continue;
            } catch (IOException e) {
                closeQuietly(s);
                return new Seen(0, "connect failed: " + e);
            }
            try {
                return request(tls ? tlsOver(s, port) : s, path);
            } catch (Exception e) {
                return new Seen(0, "after the connect: " + e);
            } finally {
                closeQuietly(s);
            }
        }
        return new Seen(0, "nothing listened on " + port + " within " + DistRun.BOOT_TIMEOUT);
    }

    private static Socket tlsOver(Socket plain, int port) throws Exception {
        SSLSocket s = (SSLSocket) TlsIT.trustAll().getSocketFactory().createSocket(plain, "localhost", port, true);
        SSLParameters p = s.getSSLParameters();
        p.setServerNames(List.of(new SNIHostName("localhost")));
        s.setSSLParameters(p);
        s.setSoTimeout(30_000);
        s.startHandshake();
        return s;
    }

    static Seen request(Socket s, String path) throws IOException {
        s.setSoTimeout(30_000);
        s.getOutputStream().write(("GET " + path + " HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n"
                + "Accept-Encoding: identity\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
        InputStream in = new BufferedInputStream(s.getInputStream());
        byte[] all = in.readAllBytes();
        String text = new String(all, StandardCharsets.ISO_8859_1);
        if (!text.startsWith("HTTP/1.1 ")) {
            return new Seen(0, "not an HTTP response: " + text);
        }
        return new Seen(Integer.parseInt(text.substring(9, 12)), text.length() > 2000 ? text.substring(0, 2000) : text);
    }

    /** The pace of a poll (10 ms), never a wait for something to happen. */
    static void sleepBriefly() {
        try {
            Thread.sleep(10);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void closeQuietly(Socket s) {
        try {
            s.close();
        } catch (IOException ignored) {
            // done with it
        }
    }

}
