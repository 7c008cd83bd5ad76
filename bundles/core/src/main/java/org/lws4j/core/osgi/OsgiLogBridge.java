package org.lws4j.core.osgi;

import org.lws4j.spi.log.LogEmitter;
import org.lws4j.api.LogLevel;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.log.Logger;
import org.osgi.service.log.LoggerFactory;

/**
 * Sends lws4j's log lines to the OSGi Log Service when one is present, as one more emitter.
 * A component of its own so that core runs without the log package.
 */
@Component(service = LogEmitter.class, property = "lws.log.emitter=osgi")
public final class OsgiLogBridge implements LogEmitter {
    private final Logger logger;

    @Activate
    public OsgiLogBridge(@Reference LoggerFactory factory) {
        this.logger = factory.getLogger("org.lws4j");
    }

    @Override
    public void emit(LogLevel level, long timestampMillis, String line) {
        switch (level) {
            case ERR:
                logger.error(line);
                break;
            case WARN:
                logger.warn(line);
                break;
            case NOTICE:
            case INFO:
                logger.info(line);
                break;
            default:
                logger.debug(line);
                break;
        }
    }
}
