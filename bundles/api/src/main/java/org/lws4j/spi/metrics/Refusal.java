package org.lws4j.spi.metrics;

import org.osgi.annotation.versioning.ProviderType;

/** Why a connection was refused or ended before it served anything: {@link MetricsSink#connectionRefused}. */
@ProviderType
public enum Refusal {
    /** Past the connection limit (fd-limit-per-thread, or the process's file descriptors): closed at accept. */
    LIMIT,
    /** A TLS port with no TLS provider installed, or whose certificate could not be loaded: closed at accept. */
    TLS_UNAVAILABLE,
    /** The TLS handshake failed (no common cipher or version, a bad or missing client certificate, ...). */
    TLS_HANDSHAKE,
    /** Plain bytes on a TLS port (a plain HTTP request is answered 400 first). */
    NOT_TLS,
    /** A WebSocket handshake refused: no such protocol (400), protocol away (503), bad request, or the protocol said no (403). */
    WS_HANDSHAKE
}
