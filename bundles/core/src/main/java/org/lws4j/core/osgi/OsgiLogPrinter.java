package org.lws4j.core.osgi;

import org.lws4j.api.Context;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.log.LogEntry;
import org.osgi.service.log.LogLevel;
import org.osgi.service.log.LogListener;
import org.osgi.service.log.LogReaderService;

/**
 * Prints warnings and errors that other bundles (FileInstall, SCR, the framework) give the OSGi
 * Log Service into lws4j's log, so a bundle dropped into deploy/ that fails to resolve is seen
 * on the console rather than kept in memory. Core's own entries are skipped: they were printed.
 */
@Component(immediate = true, service = {})
public final class OsgiLogPrinter implements LogListener {
    private final LogReaderService reader;
    private final Context context;
    private final long coreBundle;

    @Activate
    public OsgiLogPrinter(@Reference LogReaderService reader, @Reference Context context, BundleContext bc) {
        this.reader = reader;
        this.context = context;
        this.coreBundle = bc.getBundle().getBundleId();
        reader.addLogListener(this);
    }

    @Deactivate
    void deactivate() {
        reader.removeLogListener(this);
    }

    @Override
    public void logged(LogEntry e) {
        if (e.getBundle() != null && e.getBundle().getBundleId() == coreBundle) {
            return;
        }
        LogLevel l = e.getLogLevel();
        if (l != LogLevel.ERROR && l != LogLevel.WARN && l != LogLevel.AUDIT) {
            return;
        }
        String who = e.getBundle() == null ? "osgi" : e.getBundle().getSymbolicName();
        String msg = "[" + who + "] " + e.getMessage() + (e.getException() == null ? "" : ": " + e.getException());
        if (l == LogLevel.ERROR) {
            context.log().err("%s", msg);
        } else {
            context.log().warn("%s", msg);
        }
    }
}
