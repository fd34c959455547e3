package hotfix.runtime.internal.log;

import org.osgi.framework.BundleContext;
import org.osgi.service.log.Logger;
import org.osgi.service.log.LoggerFactory;
import org.osgi.util.tracker.ServiceTracker;

/**
 * Logs through the OSGi {@link LoggerFactory} when one is registered, and through the JDK's
 * {@link System.Logger} otherwise: the runtime starts before most of the platform, the Log
 * service included, and must not lose what it says then. Messages use {@code {}} placeholders;
 * a {@link Throwable} as the last argument is logged with its stack trace.
 */
public final class RuntimeLog {

    private static final String NAME = "hotfix.runtime";

    private final ServiceTracker<LoggerFactory, LoggerFactory> factories;
    private final System.Logger fallback = System.getLogger(NAME);

    public RuntimeLog(BundleContext context) {
        this.factories = new ServiceTracker<>(context, LoggerFactory.class, null);
        this.factories.open();
    }

    public void close() {
        factories.close();
    }

    public void info(String format, Object... arguments) {
        log(System.Logger.Level.INFO, format, arguments);
    }

    public void warn(String format, Object... arguments) {
        log(System.Logger.Level.WARNING, format, arguments);
    }

    public void error(String format, Object... arguments) {
        log(System.Logger.Level.ERROR, format, arguments);
    }

    private void log(System.Logger.Level level, String format, Object... arguments) {
        Throwable thrown = arguments.length > 0 && arguments[arguments.length - 1] instanceof Throwable t ? t : null;
        String message = format(format, arguments);
        LoggerFactory factory = factories.getService();
        if (factory == null) {
            fallback.log(level, message, thrown);
            return;
        }
        Logger logger = factory.getLogger(NAME);
        switch (level) {
            case ERROR -> logger.error(message, thrown);
            case WARNING -> logger.warn(message, thrown);
            default -> logger.info(message, thrown);
        }
    }

    static String format(String format, Object... arguments) {
        StringBuilder out = new StringBuilder(format.length() + 32);
        int argument = 0;
        int from = 0;
        for (int at = format.indexOf("{}"); at >= 0; at = format.indexOf("{}", from)) {
            out.append(format, from, at);
            out.append(argument < arguments.length ? String.valueOf(arguments[argument++]) : "{}");
            from = at + 2;
        }
        return out.append(format.substring(from)).toString();
    }
}
