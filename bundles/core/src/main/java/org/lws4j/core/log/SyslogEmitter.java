package org.lws4j.core.log;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

import org.lws4j.spi.log.LogEmitter;
import org.lws4j.api.LogLevel;

/**
 * Log lines to syslog as RFC 5424 messages over UDP (RFC 5426), e.g. to {@code 127.0.0.1:514}:
 * global config {@code "syslog": "udp://127.0.0.1:514"}, with {@code "syslog-facility"} (a number,
 * default 1, user-level) and the app name {@code lws4j}. A message that cannot be sent is dropped:
 * logging never blocks or breaks the loop.
 */
public final class SyslogEmitter implements LogEmitter, AutoCloseable {
    private static final DateTimeFormatter STAMP = DateTimeFormatter.ISO_INSTANT;
    private static final int MAX = 2048;

    private final DatagramChannel ch;
    private final InetSocketAddress target;
    private final int facility;
    private final String hostname;
    private final String procId;

    public SyslogEmitter(InetSocketAddress target, int facility) throws IOException {
        this.target = target;
        this.facility = facility;
        this.ch = DatagramChannel.open();
        this.ch.configureBlocking(false);
        String h;
        try {
            h = InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            h = "-";
        }
        this.hostname = h.isEmpty() ? "-" : h.replace(' ', '_');
        this.procId = Long.toString(ProcessHandle.current().pid());
    }

    /** From a config value {@code udp://host:port}; the port defaults to 514. */
    public static SyslogEmitter parse(String url, int facility) throws IOException {
        URI u = URI.create(url.contains("://") ? url : "udp://" + url);
        if (!"udp".equals(u.getScheme()) || u.getHost() == null) {
            throw new IOException("syslog must be udp://host[:port], not " + url);
        }
        return new SyslogEmitter(new InetSocketAddress(u.getHost(), u.getPort() > 0 ? u.getPort() : 514), facility);
    }

    /** RFC 5424 severity for an lws level. */
    static int severity(LogLevel level) {
        switch (level) {
            case ERR:
                return 3;
            case WARN:
                return 4;
            case NOTICE:
                return 5;
            case INFO:
                return 6;
            default:
                return 7;
        }
    }

    /** The message as it goes on the wire. */
    String format(LogLevel level, long timestampMillis, String line) {
        int pri = facility * 8 + severity(level);
        String ts = STAMP.format(Instant.ofEpochMilli(timestampMillis).atOffset(ZoneOffset.UTC));
        return "<" + pri + ">1 " + ts + " " + hostname + " lws4j " + procId + " - - " + line.replace('\n', ' ');
    }

    @Override
    public void emit(LogLevel level, long timestampMillis, String line) {
        byte[] b = format(level, timestampMillis, line).getBytes(StandardCharsets.UTF_8);
        try {
            ch.send(ByteBuffer.wrap(b, 0, Math.min(b.length, MAX)), target);
        } catch (IOException | RuntimeException dropped) {
            // syslog over UDP may lose messages; the server goes on
        }
    }

    @Override
    public void close() throws IOException {
        ch.close();
    }
}
