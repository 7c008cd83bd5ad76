package org.lws4j.metrics;

import java.util.concurrent.atomic.AtomicReferenceArray;

import io.prometheus.metrics.core.datapoints.CounterDataPoint;
import io.prometheus.metrics.core.datapoints.DistributionDataPoint;

/**
 * The data points of one vhost and protocol pair, each taken from its metric the first time it is
 * used (so a pair shows only what happened to it) and kept: the hot path finds them without
 * allocating. A data point made twice by two threads at once is the same one (the client keys
 * them by label values); the volatile fields publish it.
 */
final class Series {
    /** Methods counted by name; any other is "other" (a method comes from the peer: bounded here). */
    static final String[] METHODS = {"GET", "HEAD", "POST", "PUT", "DELETE", "OPTIONS", "PATCH", "CONNECT", "TRACE",
        "other"};
    static final String[] STATUS = {"other", "1xx", "2xx", "3xx", "4xx", "5xx"};
    /** Close codes by name: 1000 to 1015, then ranges. */
    static final String[] CLOSE_CODES;

    static {
        CLOSE_CODES = new String[19];
        for (int i = 0; i < 16; i++) {
            CLOSE_CODES[i] = String.valueOf(1000 + i);
        }
        CLOSE_CODES[16] = "3xxx";
        CLOSE_CODES[17] = "4xxx";
        CLOSE_CODES[18] = "other";
    }

    final String vhost;
    final String protocol;
    private final Recorder r;

    private volatile CounterDataPoint bytesIn;
    private volatile CounterDataPoint bytesOut;
    private volatile CounterDataPoint wsIn;
    private volatile CounterDataPoint wsOut;
    private volatile DistributionDataPoint head;
    private volatile DistributionDataPoint total;
    private volatile DistributionDataPoint writeable;
    private volatile CounterDataPoint binds;
    private volatile CounterDataPoint unbinds;
    private volatile CounterDataPoint parked;
    private volatile CounterDataPoint resumed;
    private volatile CounterDataPoint closedParked;
    // vhost-level (protocol ""): connections and TLS
    private volatile CounterDataPoint accepted;
    private volatile DistributionDataPoint tls;
    private final AtomicReferenceArray<CounterDataPoint> refused =
            new AtomicReferenceArray<>(org.lws4j.spi.metrics.Refusal.values().length);
    private final AtomicReferenceArray<CounterDataPoint> requests =
            new AtomicReferenceArray<>(METHODS.length * STATUS.length);
    private final AtomicReferenceArray<CounterDataPoint> closes = new AtomicReferenceArray<>(CLOSE_CODES.length * 2);

    Series(Recorder r, String vhost, String protocol) {
        this.r = r;
        this.vhost = vhost;
        this.protocol = protocol;
    }

    CounterDataPoint bytesIn() {
        CounterDataPoint d = bytesIn;
        return d != null ? d : (bytesIn = r.bytesIn.labelValues(vhost, protocol));
    }

    CounterDataPoint bytesOut() {
        CounterDataPoint d = bytesOut;
        return d != null ? d : (bytesOut = r.bytesOut.labelValues(vhost, protocol));
    }

    CounterDataPoint wsIn() {
        CounterDataPoint d = wsIn;
        return d != null ? d : (wsIn = r.wsIn.labelValues(vhost, protocol));
    }

    CounterDataPoint wsOut() {
        CounterDataPoint d = wsOut;
        return d != null ? d : (wsOut = r.wsOut.labelValues(vhost, protocol));
    }

    DistributionDataPoint head() {
        DistributionDataPoint d = head;
        return d != null ? d : (head = r.headSeconds.labelValues(vhost, protocol));
    }

    DistributionDataPoint total() {
        DistributionDataPoint d = total;
        return d != null ? d : (total = r.requestSeconds.labelValues(vhost, protocol));
    }

    DistributionDataPoint writeable() {
        DistributionDataPoint d = writeable;
        return d != null ? d : (writeable = r.writeableSeconds.labelValues(vhost, protocol));
    }

    CounterDataPoint binds() {
        CounterDataPoint d = binds;
        return d != null ? d : (binds = r.binds.labelValues(vhost, protocol));
    }

    CounterDataPoint unbinds() {
        CounterDataPoint d = unbinds;
        return d != null ? d : (unbinds = r.unbinds.labelValues(vhost, protocol));
    }

    CounterDataPoint parked() {
        CounterDataPoint d = parked;
        return d != null ? d : (parked = r.parked.labelValues(vhost, protocol));
    }

    CounterDataPoint handoff(boolean resumedByNew) {
        if (resumedByNew) {
            CounterDataPoint d = resumed;
            return d != null ? d : (resumed = r.handoffs.labelValues(vhost, protocol, "resumed"));
        }
        CounterDataPoint d = closedParked;
        return d != null ? d : (closedParked = r.handoffs.labelValues(vhost, protocol, "closed"));
    }

    CounterDataPoint accepted() {
        CounterDataPoint d = accepted;
        return d != null ? d : (accepted = r.accepted.labelValues(vhost));
    }

    DistributionDataPoint tls() {
        DistributionDataPoint d = tls;
        return d != null ? d : (tls = r.tlsSeconds.labelValues(vhost));
    }

    CounterDataPoint refused(org.lws4j.spi.metrics.Refusal why) {
        int i = why.ordinal();
        CounterDataPoint d = refused.get(i);
        if (d == null) {
            d = r.refused.labelValues(vhost, Recorder.REFUSALS[i]);
            refused.set(i, d);
        }
        return d;
    }

    CounterDataPoint request(String method, int status) {
        int m = methodIndex(method);
        int s = status >= 100 && status < 600 ? status / 100 : 0;
        int i = m * STATUS.length + s;
        CounterDataPoint d = requests.get(i);
        if (d == null) {
            d = r.requests.labelValues(vhost, protocol, METHODS[m], STATUS[s]);
            requests.set(i, d);
        }
        return d;
    }

    CounterDataPoint close(int code, boolean byPeer) {
        int c = closeIndex(code);
        int i = c * 2 + (byPeer ? 1 : 0);
        CounterDataPoint d = closes.get(i);
        if (d == null) {
            d = r.wsCloses.labelValues(vhost, protocol, CLOSE_CODES[c], byPeer ? "peer" : "server");
            closes.set(i, d);
        }
        return d;
    }

    static int methodIndex(String m) {
        if (m == null) {
            return METHODS.length - 1;
        }
        switch (m) {
            case "GET": return 0;
            case "HEAD": return 1;
            case "POST": return 2;
            case "PUT": return 3;
            case "DELETE": return 4;
            case "OPTIONS": return 5;
            case "PATCH": return 6;
            case "CONNECT": return 7;
            case "TRACE": return 8;
            default: return METHODS.length - 1;
        }
    }

    static int closeIndex(int code) {
        if (code >= 1000 && code <= 1015) {
            return code - 1000;
        }
        if (code >= 3000 && code <= 3999) {
            return 16;
        }
        if (code >= 4000 && code <= 4999) {
            return 17;
        }
        return 18;
    }
}
