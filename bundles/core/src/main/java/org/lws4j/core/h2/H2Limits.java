package org.lws4j.core.h2;

import java.util.ArrayList;
import java.util.List;

/**
 * What a connection announces in its SETTINGS and the budgets it holds a peer to. Immutable.
 *
 * @param maxConcurrentStreams  streams the peer may have open at once; more are refused (REFUSED_STREAM)
 * @param initialWindowSize     each stream's receive window (at least 65,535: a peer may rely on
 *                              that before it sees our SETTINGS)
 * @param connectionWindowSize  the connection's receive window, opened by a WINDOW_UPDATE at the start
 * @param maxFrameSize          the largest frame payload accepted
 * @param maxHeaderListSize     the largest header list (RFC 9113 size) accepted; larger gets a 431
 * @param maxHeaderBlockSize    the most octets of one field block (HEADERS and CONTINUATION);
 *                              more ends the connection (ENHANCE_YOUR_CALM): CONTINUATION floods
 * @param headerTableSize       the HPACK table the peer may use for what it sends us
 * @param enableConnectProtocol whether RFC 8441 extended CONNECT is offered
 * @param resets                streams the peer may reset, or make us reset, before GOAWAY ENHANCE_YOUR_CALM
 * @param controlFrames         SETTINGS, PING, PRIORITY, GOAWAY and unknown frames the peer may send
 * @param emptyFrames           empty DATA without END_STREAM and empty field block fragments
 */
public record H2Limits(int maxConcurrentStreams, int initialWindowSize, int connectionWindowSize,
                       int maxFrameSize, int maxHeaderListSize, int maxHeaderBlockSize, int headerTableSize,
                       boolean enableConnectProtocol, Budget.Rate resets, Budget.Rate controlFrames,
                       Budget.Rate emptyFrames) {
    public H2Limits {
        if (initialWindowSize < Setting.DEFAULT_INITIAL_WINDOW_SIZE || connectionWindowSize < Setting.DEFAULT_INITIAL_WINDOW_SIZE) {
            throw new IllegalArgumentException("windows below 65535");
        }
        if (maxFrameSize < Setting.DEFAULT_MAX_FRAME_SIZE || maxFrameSize > Setting.MAX_MAX_FRAME_SIZE) {
            throw new IllegalArgumentException("max frame size " + maxFrameSize);
        }
    }

    /**
     * lws-like defaults: 100 streams, 64 KiB stream and 1 MiB connection windows, 16 KiB lists;
     * 200 resets at once and 10 a second after that (as Netty holds a peer to 200 in 30 s), so a
     * rapid reset trips however slowly the server gets through the streams it opens.
     */
    public static H2Limits defaults() {
        return new H2Limits(100, 65_535, 1 << 20, 16_384, 16_384, 65_536, 4096, true,
                new Budget.Rate(200, 10), new Budget.Rate(1000, 100), new Budget.Rate(100, 20));
    }

    public H2Limits withMaxConcurrentStreams(int n) {
        return new H2Limits(n, initialWindowSize, connectionWindowSize, maxFrameSize, maxHeaderListSize,
                maxHeaderBlockSize, headerTableSize, enableConnectProtocol, resets, controlFrames, emptyFrames);
    }

    public H2Limits withHeaderSizes(int listSize, int blockSize) {
        return new H2Limits(maxConcurrentStreams, initialWindowSize, connectionWindowSize, maxFrameSize, listSize,
                blockSize, headerTableSize, enableConnectProtocol, resets, controlFrames, emptyFrames);
    }

    public H2Limits withConnectProtocol(boolean enabled) {
        return new H2Limits(maxConcurrentStreams, initialWindowSize, connectionWindowSize, maxFrameSize,
                maxHeaderListSize, maxHeaderBlockSize, headerTableSize, enabled, resets, controlFrames, emptyFrames);
    }

    public H2Limits withBudgets(Budget.Rate resets, Budget.Rate controlFrames, Budget.Rate emptyFrames) {
        return new H2Limits(maxConcurrentStreams, initialWindowSize, connectionWindowSize, maxFrameSize,
                maxHeaderListSize, maxHeaderBlockSize, headerTableSize, enableConnectProtocol, resets,
                controlFrames, emptyFrames);
    }

    /** The SETTINGS this side sends first: push off, and what differs from the defaults. */
    public List<Setting> settings() {
        List<Setting> s = new ArrayList<>();
        s.add(new Setting(Setting.ENABLE_PUSH, 0));
        s.add(new Setting(Setting.MAX_CONCURRENT_STREAMS, maxConcurrentStreams));
        if (initialWindowSize != Setting.DEFAULT_INITIAL_WINDOW_SIZE) {
            s.add(new Setting(Setting.INITIAL_WINDOW_SIZE, initialWindowSize));
        }
        if (maxFrameSize != Setting.DEFAULT_MAX_FRAME_SIZE) {
            s.add(new Setting(Setting.MAX_FRAME_SIZE, maxFrameSize));
        }
        if (headerTableSize != Setting.DEFAULT_HEADER_TABLE_SIZE) {
            s.add(new Setting(Setting.HEADER_TABLE_SIZE, headerTableSize));
        }
        s.add(new Setting(Setting.MAX_HEADER_LIST_SIZE, maxHeaderListSize));
        if (enableConnectProtocol) {
            s.add(new Setting(Setting.ENABLE_CONNECT_PROTOCOL, 1));
        }
        return s;
    }
}
