package hotfix.logging.internal;

import org.osgi.service.log.LogEntry;
import org.osgi.service.log.LogListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes each OSGi Log service entry to the SLF4J logger of the same name ({@code hotfix.runtime}
 * for the runtime's), at the same level; Logback's levels and appenders decide the rest. Entries of
 * the old {@code LogService} interface go to {@code LogService.<bundle>}.
 */
final class OsgiLogForwarder implements LogListener {

    @Override
    public void logged(LogEntry entry) {
        String name = entry.getLoggerName();
        if (name == null || name.equals("LogService")) {
            name = "LogService." + (entry.getBundle() == null ? "unknown" : entry.getBundle().getSymbolicName());
        }
        Logger logger = LoggerFactory.getLogger(name);
        String message = entry.getMessage();
        Throwable thrown = entry.getException();
        switch (entry.getLogLevel()) {
            case ERROR -> logger.error(message, thrown);
            case WARN -> logger.warn(message, thrown);
            case DEBUG -> logger.debug(message, thrown);
            case TRACE -> logger.trace(message, thrown);
            // AUDIT is "always logged" in OSGi: INFO is as close as SLF4J comes
            default -> logger.info(message, thrown);
        }
    }
}
