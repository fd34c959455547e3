package hotfix.runtime.internal;

import java.util.ArrayList;
import java.util.List;

import org.osgi.annotation.bundle.Header;
import org.osgi.framework.BundleActivator;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.framework.ServiceRegistration;

import hotfix.runtime.api.HotfixManager;
import hotfix.runtime.api.QuiesceGate;
import hotfix.runtime.internal.gate.Gate;
import hotfix.runtime.internal.http.GateFilter;
import hotfix.runtime.internal.journal.Journal;
import hotfix.runtime.internal.log.RuntimeLog;
import hotfix.runtime.internal.mediation.Hotfixable;
import hotfix.runtime.internal.mediation.Mediator;
import hotfix.runtime.internal.mediation.ProxyFactory;
import hotfix.runtime.internal.pipeline.Diagnostics;
import hotfix.runtime.internal.pipeline.Pipeline;
import hotfix.runtime.internal.pipeline.Restore;

/**
 * Starts the runtime. An activator rather than a DS component because of ordering: the
 * service hooks must exist before any application bundle starts, and an activator's
 * {@code start} runs synchronously when the runtime's start level is reached, which is lower
 * than the application's.
 */
@Header(name = Constants.BUNDLE_ACTIVATOR, value = "${@class}")
public final class RuntimeActivator implements BundleActivator {

    private final List<ServiceRegistration<?>> registrations = new ArrayList<>();
    private RuntimeLog log;
    private Mediator mediator;
    private Diagnostics diagnostics;

    @Override
    public void start(BundleContext context) {
        log = new RuntimeLog(context);
        Gate gate = new Gate();
        Hotfixable hotfixable = new Hotfixable(context.getProperty(Hotfixable.INFRASTRUCTURE_PROPERTY));
        Journal journal = new Journal(context.getDataFile("journal").toPath());
        for (String problem : journal.unreadable()) {
            log.error("The hotfix journal has an unreadable record, ignored: {}", problem);
        }
        new Restore(context, journal, log).run();
        mediator = new Mediator(context, gate, hotfixable, new ProxyFactory(), log);
        mediator.open();
        diagnostics = new Diagnostics(context);
        Pipeline pipeline = new Pipeline(context, mediator, gate, hotfixable, journal, diagnostics, log);
        registrations.add(context.registerService(QuiesceGate.class, gate, null));
        registrations.add(context.registerService(HotfixManager.class, pipeline, null));
        try {
            registrations.add(GateFilter.register(context, gate));
        } catch (NoClassDefFoundError e) {
            log.info("No HTTP Whiteboard API: HTTP requests are not held as units of work");
        }
    }

    @Override
    public void stop(BundleContext context) {
        for (ServiceRegistration<?> registration : registrations) {
            try {
                registration.unregister();
            } catch (IllegalStateException e) {
                // already gone with the framework
            }
        }
        registrations.clear();
        if (mediator != null) {
            mediator.close();
        }
        if (diagnostics != null) {
            diagnostics.close();
        }
        if (log != null) {
            log.close();
        }
    }
}
