package hotfix.logging.internal;

import java.io.IOException;
import java.net.URL;
import java.util.logging.LogManager;

import org.osgi.framework.BundleActivator;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceReference;
import org.osgi.service.log.LogReaderService;
import org.osgi.service.log.admin.LoggerAdmin;
import org.osgi.util.tracker.ServiceTracker;
import org.slf4j.bridge.SLF4JBridgeHandler;

import ch.qos.logback.classic.LoggerContext;

/**
 * Sets up logging as the bundle starts: Logback configured from this bundle's {@code logback.xml}
 * (unless {@code -Dlogback.configurationFile} names another), java.util.logging handed to SLF4J,
 * every OSGi Log service entry forwarded to Logback, and the OSGi loggers' levels set to
 * Logback's, so that the entries Logback would drop are not even made.
 */
public final class LoggingActivator implements BundleActivator {

    static final String CONFIGURATION_PROPERTY = "logback.configurationFile";

    private ServiceTracker<LogReaderService, LogReaderService> readers;
    private ServiceTracker<LoggerAdmin, LoggerAdmin> admins;

    @Override
    public void start(BundleContext context) {
        LoggerContext logback = Backend.configure(System.getProperty(CONFIGURATION_PROPERTY) == null
                ? context.getBundle().getEntry("logback.xml")
                : null);
        // JUL's own console handler goes: SPI Fly and JLine print through Logback, with its levels
        SLF4JBridgeHandler.removeHandlersForRootLogger();
        SLF4JBridgeHandler.install();

        OsgiLogForwarder forwarder = new OsgiLogForwarder();
        readers = new ServiceTracker<>(context, LogReaderService.class, null) {
            @Override
            public LogReaderService addingService(ServiceReference<LogReaderService> reference) {
                LogReaderService reader = super.addingService(reference);
                reader.addLogListener(forwarder);
                return reader;
            }

            @Override
            public void removedService(ServiceReference<LogReaderService> reference, LogReaderService reader) {
                reader.removeLogListener(forwarder);
                super.removedService(reference, reader);
            }
        };
        readers.open();
        if (logback != null) {
            admins = new ServiceTracker<>(context, LoggerAdmin.class, null) {
                @Override
                public LoggerAdmin addingService(ServiceReference<LoggerAdmin> reference) {
                    LoggerAdmin admin = super.addingService(reference);
                    Levels.copy(logback, admin);
                    return admin;
                }
            };
            admins.open();
        }
    }

    @Override
    public void stop(BundleContext context) {
        if (admins != null) {
            admins.close();
        }
        readers.close();
        SLF4JBridgeHandler.uninstall();
        try {
            // JUL's console handler back, as the JVM configured it
            LogManager.getLogManager().readConfiguration();
        } catch (IOException | SecurityException e) {
            // JUL keeps no handler: nothing is left to write to
        }
    }

    /** Logback's context, configured from a file when one is given. */
    static final class Backend {

        private Backend() {
        }

        /**
         * @param configuration the configuration to load, or {@code null} to keep the one Logback
         *                      found itself ({@code -Dlogback.configurationFile})
         * @return Logback's context; {@code null} if SLF4J is bound to another backend
         */
        static LoggerContext configure(URL configuration) {
            if (!(org.slf4j.LoggerFactory.getILoggerFactory() instanceof LoggerContext logback)) {
                return null;
            }
            if (configuration != null) {
                logback.reset();
                ch.qos.logback.classic.joran.JoranConfigurator joran = new ch.qos.logback.classic.joran.JoranConfigurator();
                joran.setContext(logback);
                try {
                    joran.doConfigure(configuration);
                } catch (ch.qos.logback.core.joran.spi.JoranException e) {
                    // reported below, with the rest of what went wrong
                }
            }
            new ch.qos.logback.core.util.StatusPrinter2().printInCaseOfErrorsOrWarnings(logback);
            return logback;
        }
    }
}
