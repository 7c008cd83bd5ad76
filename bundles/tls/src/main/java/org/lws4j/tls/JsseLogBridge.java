package org.lws4j.tls;

import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import org.lws4j.api.Log;
import org.lws4j.api.LogLevel;

/**
 * BouncyCastle's JSSE provider logs through java.util.logging (logger {@code org.bouncycastle.jsse}),
 * a line or more per handshake at INFO. While the tls bundle runs, its records go to the lws4j
 * log instead, at the matching lws level (SEVERE: ERR, WARNING: WARN, INFO: INFO, lower: DEBUG),
 * and the logger's level follows the lws log mask so that unwanted records are not even made.
 * {@link #close()} puts the logger back as it was. The logger is held here: java.util.logging
 * keeps its loggers weakly, and a level set on a collected logger is lost.
 */
final class JsseLogBridge extends Handler implements AutoCloseable {
    static final String LOGGER = "org.bouncycastle.jsse";
    private static final String JDK_ONLY_CONSTRAINT = "Ignoring unsupported entry in 'jdk.certpath.disabledAlgorithms'";

    private final Logger logger = Logger.getLogger(LOGGER);
    private final Log log;
    private final Level oldLevel;
    private final boolean oldParents;

    JsseLogBridge(Log log) {
        this.log = log;
        this.oldLevel = logger.getLevel();
        this.oldParents = logger.getUseParentHandlers();
        logger.setLevel(log.enabled(LogLevel.DEBUG) ? Level.FINE : log.enabled(LogLevel.INFO) ? Level.INFO : Level.WARNING);
        logger.setUseParentHandlers(false);
        logger.addHandler(this);
    }

    @Override
    public void publish(LogRecord r) {
        int v = r.getLevel().intValue();
        LogLevel l = v >= Level.SEVERE.intValue() ? LogLevel.ERR : v >= Level.WARNING.intValue() ? LogLevel.WARN
                : v >= Level.INFO.intValue() ? LogLevel.INFO : LogLevel.DEBUG;
        if (!log.enabled(l)) {
            return;
        }
        String msg = r.getMessage();
        if (r.getParameters() != null && msg != null && msg.contains("{")) {
            msg = java.text.MessageFormat.format(msg, r.getParameters());
        }
        if (l == LogLevel.WARN && msg != null && msg.startsWith(JDK_ONLY_CONSTRAINT)) {
            // the JDK's own certpath constraints use a syntax BCJSSE does not read ("SHA1 jdkCA &
            // usage TLSServer", "... usage SignedJAR"); they concern JDK CAs and signed jars, not this
            // server, and the JDK's defaults bring them on every start: not worth a warning
            l = LogLevel.INFO;
            if (!log.enabled(l)) {
                return;
            }
        }
        log.log(l, "BCJSSE: %s%s", msg, r.getThrown() == null ? "" : ": " + r.getThrown());
    }

    @Override
    public void flush() {
    }

    @Override
    public void close() {
        logger.removeHandler(this);
        logger.setUseParentHandlers(oldParents);
        logger.setLevel(oldLevel);
    }
}
