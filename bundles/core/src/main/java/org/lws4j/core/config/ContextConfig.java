package org.lws4j.core.config;

/**
 * The "global" section: settings of the whole context (lws's context creation info).
 *
 * @param countThreads service threads ("count-threads"); 0 means the application drives the loop
 * @param serverString Server header ("server-string")
 * @param timeoutSecs how long a request head may take to arrive ("timeout-secs"), then 408
 * @param kaTime TCP keepalive idle seconds before probing, 0 = off ("ka-time")
 * @param kaProbes keepalive probes before the link counts as dead ("ka-probes")
 * @param kaInterval seconds between probes ("ka-interval")
 * @param maxHttpHeaderData bytes one request head may take, request line included
 *     ("max-http-header-data"); beyond it 431 (or 414 while still in the request line)
 * @param maxHttpHeaderPool request-head buffers per service thread ("max-http-header-pool")
 * @param maxHttpBody largest request body accepted, else 413 ("max-http-body")
 * @param logLevel lws level mask ("log-level")
 * @param fdLimitPerThread connections per service thread, 0 = derived from the fd limit
 *     ("fd-limit-per-thread")
 * @param wsPingPongSecs idle seconds before the server pings a WebSocket, 0 = never
 *     ("ws-pingpong-secs")
 * @param wsMaxFrameSize largest WebSocket frame payload accepted, else close 1009
 *     ("ws-max-frame-size")
 * @param wsMaxMessageSize largest WebSocket message accepted, else close 1009
 *     ("ws-max-message-size")
 * @param options every scalar key of "global", as strings, for settings read by name
 *     ("syslog", "syslog-facility", ...)
 */
public record ContextConfig(
        int countThreads,
        String serverString,
        int timeoutSecs,
        int kaTime,
        int kaProbes,
        int kaInterval,
        int maxHttpHeaderData,
        int maxHttpHeaderPool,
        long maxHttpBody,
        int logLevel,
        int fdLimitPerThread,
        int wsPingPongSecs,
        long wsMaxFrameSize,
        long wsMaxMessageSize,
        java.util.Map<String, String> options) {

    /** Named option: output one connection may have queued before its reading pauses (bytes). */
    public static final String MAX_OUTPUT_BUFFER = "max-output-buffer";
    /** Named option: output all connections may have queued before each adding more pauses (bytes; 0 = a quarter of the heap). */
    public static final String OUTPUT_BUDGET = "output-budget";
    /** Named option: how long a request head may receive nothing and keep its pool buffer while another waits (ms). */
    public static final String HEADER_BUFFER_IDLE_MS = "header-buffer-idle-ms";
    /** Named option: how long connections of a protocol that opts in to handoff wait for its next version (ms; 0: never). */
    public static final String HANDOFF_GRACE_MS = "handoff-grace-ms";
    /** Default of {@value #MAX_OUTPUT_BUFFER}: 256 KiB. */
    public static final long DEFAULT_MAX_OUTPUT_BUFFER = 256 * 1024;

    /**
     * Output one connection may have queued (the socket not taking it) before the core stops
     * reading from that peer, until the queue drains to half: a peer that sends and never reads
     * (pings, pipelined requests) meets TCP back-pressure instead of growing the heap.
     */
    public long maxOutputBuffer() {
        return longOption(MAX_OUTPUT_BUFFER, DEFAULT_MAX_OUTPUT_BUFFER);
    }

    /**
     * Output all connections of the context may have queued before every connection that adds
     * more stops reading until its own queue is empty; by default a quarter of the JVM's heap.
     */
    public long outputBudget() {
        long v = longOption(OUTPUT_BUDGET, 0);
        return v > 0 ? v : Math.max(DEFAULT_MAX_OUTPUT_BUFFER, Runtime.getRuntime().maxMemory() / 4);
    }

    /** How long a head may stall and keep a pool buffer while another connection waits for one (default 100 ms). */
    public long headerBufferIdleMillis() {
        return longOption(HEADER_BUFFER_IDLE_MS, 100);
    }

    /** How long a protocol's parked connections wait for its next version (default 5000 ms). */
    public long handoffGraceMillis() {
        return longOption(HANDOFF_GRACE_MS, 5000);
    }

    private long longOption(String key, long fallback) {
        String v = options == null ? null : options.get(key);
        if (v == null) {
            return fallback;
        }
        try {
            return Long.parseLong(v.trim());
        } catch (NumberFormatException e) {
            return fallback;
        }
    }

    /** Default for both WebSocket size limits: 64 MiB. */
    public static final long DEFAULT_WS_MAX = 64L << 20;

    /** The settings without the WebSocket size limits, which take their defaults. */
    public ContextConfig(int countThreads, String serverString, int timeoutSecs, int kaTime, int kaProbes,
                         int kaInterval, int maxHttpHeaderData, int maxHttpHeaderPool, long maxHttpBody,
                         int logLevel, int fdLimitPerThread, int wsPingPongSecs) {
        this(countThreads, serverString, timeoutSecs, kaTime, kaProbes, kaInterval, maxHttpHeaderData,
                maxHttpHeaderPool, maxHttpBody, logLevel, fdLimitPerThread, wsPingPongSecs,
                DEFAULT_WS_MAX, DEFAULT_WS_MAX);
    }

    /** The settings with both WebSocket size limits given, and no named options. */
    public ContextConfig(int countThreads, String serverString, int timeoutSecs, int kaTime, int kaProbes,
                         int kaInterval, int maxHttpHeaderData, int maxHttpHeaderPool, long maxHttpBody,
                         int logLevel, int fdLimitPerThread, int wsPingPongSecs, long wsMaxFrameSize,
                         long wsMaxMessageSize) {
        this(countThreads, serverString, timeoutSecs, kaTime, kaProbes, kaInterval, maxHttpHeaderData,
                maxHttpHeaderPool, maxHttpBody, logLevel, fdLimitPerThread, wsPingPongSecs, wsMaxFrameSize,
                wsMaxMessageSize, java.util.Map.of());
    }

    /** This config with {@code o} as its named options. */
    public ContextConfig withOptions(java.util.Map<String, String> o) {
        return new ContextConfig(countThreads, serverString, timeoutSecs, kaTime, kaProbes, kaInterval,
                maxHttpHeaderData, maxHttpHeaderPool, maxHttpBody, logLevel, fdLimitPerThread, wsPingPongSecs,
                wsMaxFrameSize, wsMaxMessageSize, java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(o)));
    }

    /** What a context runs with when no config file says otherwise. */
    public static ContextConfig defaults() {
        return new ContextConfig(1, "lws4j", 20, 0, 0, 0, 8192, 32, 64L << 20, 7, 0, 0);
    }
}
