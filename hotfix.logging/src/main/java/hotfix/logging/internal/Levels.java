package hotfix.logging.internal;

import java.util.HashMap;
import java.util.Map;

import org.osgi.service.log.LogLevel;
import org.osgi.service.log.admin.LoggerAdmin;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;

/**
 * Copies the levels set in Logback's configuration to the OSGi Log service's root logger context.
 * Without it, an OSGi logger is at WARN (the Log service's default) whatever Logback says, and
 * {@code hotfix.runtime}'s INFO lines would never be made.
 */
final class Levels {

    private Levels() {
    }

    static void copy(LoggerContext logback, LoggerAdmin admin) {
        Map<String, LogLevel> levels = new HashMap<>();
        for (Logger logger : logback.getLoggerList()) {
            if (logger.getLevel() != null) {
                // Logback's root is named ROOT, as the Log service's is
                levels.put(logger.getName(), of(logger.getLevel()));
            }
        }
        admin.getLoggerContext(null).setLogLevels(levels);
    }

    static LogLevel of(Level level) {
        return switch (level.toInt()) {
            case Level.ALL_INT, Level.TRACE_INT -> LogLevel.TRACE;
            case Level.DEBUG_INT -> LogLevel.DEBUG;
            case Level.INFO_INT -> LogLevel.INFO;
            case Level.WARN_INT -> LogLevel.WARN;
            case Level.ERROR_INT -> LogLevel.ERROR;
            // OFF: only what OSGi logs whatever the level
            default -> LogLevel.AUDIT;
        };
    }
}
