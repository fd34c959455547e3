package hotfix.runtime.internal;

import java.io.File;
import java.lang.instrument.Instrumentation;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import javax.management.JMException;

import org.osgi.annotation.bundle.Header;
import org.osgi.framework.BundleActivator;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.framework.ServiceRegistration;

import hotfix.runtime.api.HotfixManager;
import hotfix.runtime.api.QuiesceGate;
import hotfix.runtime.internal.deploy.DeployWatcher;
import hotfix.runtime.internal.gate.Gate;
import hotfix.runtime.internal.http.GateFilter;
import hotfix.runtime.internal.journal.Journal;
import hotfix.runtime.internal.log.RuntimeLog;
import hotfix.runtime.internal.mediation.Hotfixable;
import hotfix.runtime.internal.mediation.Mediator;
import hotfix.runtime.internal.mediation.ProxyFactory;
import hotfix.runtime.internal.ops.Configurations;
import hotfix.runtime.internal.ops.Counters;
import hotfix.runtime.internal.ops.HealthChecks;
import hotfix.runtime.internal.ops.ManagementBean;
import hotfix.runtime.internal.ops.Settings;
import hotfix.runtime.internal.pipeline.Diagnostics;
import hotfix.runtime.internal.pipeline.Pipeline;
import hotfix.runtime.internal.redefine.Redefinitions;
import hotfix.runtime.internal.journal.Restore;

/**
 * Starts the runtime. An activator rather than a DS component because of ordering: the
 * service hooks must exist before any application bundle starts, and an activator's
 * {@code start} runs synchronously when the runtime's start level is reached, which is lower
 * than the application's.
 * <p>
 * The framework property {@value #ENABLED} set to {@code false} leaves the runtime installed,
 * so that bundles importing its API still resolve, but doing nothing: no hooks, no proxies, no
 * gate, no {@link HotfixManager}. It is there to measure what the runtime costs when idle.
 */
@Header(name = Constants.BUNDLE_ACTIVATOR, value = "${@class}")
public final class RuntimeActivator implements BundleActivator {

    /** The framework property that turns the runtime off; anything but {@code false} leaves it on. */
    static final String ENABLED = "hotfix.enabled";

    private final List<ServiceRegistration<?>> registrations = new ArrayList<>();
    private RuntimeLog log;
    private Optional<Instrumentation> instrumentation = Optional.empty();
    private Redefinitions redefinitions;
    private Mediator mediator;
    private Diagnostics diagnostics;
    private volatile DeployWatcher deployWatcher;
    private Pipeline pipeline;
    private Journal journal;
    private ManagementBean management;
    private volatile Settings settings;
    private volatile boolean stopped;

    @Override
    public void start(BundleContext context) {
        log = new RuntimeLog(context);
        if ("false".equalsIgnoreCase(String.valueOf(context.getProperty(ENABLED)).strip())) {
            log.warn("The hotfix runtime is disabled ({}=false): no service is proxied, no HTTP request is held, "
                    + "and no hotfix can be applied", ENABLED);
            return;
        }
        Gate gate = new Gate();
        Hotfixable hotfixable = new Hotfixable(context.getProperty(Hotfixable.INFRASTRUCTURE_PROPERTY),
                context.getProperty(Hotfixable.HOTFIXABLE_PROPERTY));
        settings = Settings.of(context::getProperty);
        journal = new Journal(context.getDataFile("journal").toPath(), idFloor(context));
        journal.retain(settings.historyRetention());
        for (String problem : journal.unreadable()) {
            log.error("The hotfix journal has an unreadable record, ignored: {}", problem);
        }
        new Restore(context, journal, log).run();
        instrumentation = Agent.instrumentation();
        redefinitions = new Redefinitions(journal, log);
        instrumentation.ifPresentOrElse(i -> i.addTransformer(redefinitions),
                () -> log.warn("No Instrumentation: the JVM was started without the hotfix agent, so redefine-mode "
                        + "hotfixes are refused. java -jar webapp.jar or runtime.jar starts it; else -javaagent"));
        context.addBundleListener(redefinitions);
        mediator = new Mediator(context, gate, hotfixable, new ProxyFactory(), log);
        mediator.open();
        diagnostics = new Diagnostics(context);
        Counters counters = new Counters();
        pipeline = new Pipeline(context, mediator, gate, hotfixable, journal, diagnostics, instrumentation,
                redefinitions, log, counters);
        registrations.add(context.registerService(QuiesceGate.class, gate, null));
        registrations.add(context.registerService(HotfixManager.class, pipeline, null));
        deployWatcher = DeployWatcher.start(context, settings, pipeline, log);
        pipeline.deployState(deployWatcher);
        management = new ManagementBean(pipeline, counters, () -> settings.hotfixOptions());
        try {
            management.register();
        } catch (JMException | RuntimeException e) {
            log.warn("The hotfix MBean {} could not be registered: {}", ManagementBean.NAME, e.toString());
        }
        HealthChecks.register(context, pipeline).ifPresent(registrations::add);
        Configurations.listen(context, settings, changed -> configure(context, changed))
                .ifPresent(registrations::add);
        try {
            registrations.add(GateFilter.register(context, gate));
        } catch (NoClassDefFoundError e) {
            log.info("No HTTP Whiteboard API: HTTP requests are not held as units of work");
        }
    }

    /**
     * Takes a configuration from Configuration Admin while the server runs: the trust store, the
     * history's retention and the drain deadline at once; the deploy directory is watched anew
     * if its settings changed.
     */
    private synchronized void configure(BundleContext context, Settings changed) {
        if (stopped) {
            return;
        }
        Settings before = settings;
        settings = changed;
        pipeline.configure(changed.lookup());
        journal.retain(changed.historyRetention());
        if (changed.deployDiffers(before)) {
            deployWatcher.stop();
            deployWatcher = DeployWatcher.start(context, changed, pipeline, log);
            pipeline.deployState(deployWatcher);
        }
        log.info("The hotfix runtime took its configuration ({})", Settings.PID);
    }

    /**
     * Where the highest attempt id is kept: the system bundle's data area, which outlives the
     * runtime bundle (its own is deleted when it is uninstalled), so that ids are never reused.
     */
    private static Path idFloor(BundleContext context) {
        BundleContext framework = context.getBundle(Constants.SYSTEM_BUNDLE_LOCATION).getBundleContext();
        File area = framework == null ? null : framework.getDataFile("hotfix.runtime");
        return area == null ? null : area.toPath().resolve("last-attempt-id");
    }

    @Override
    public void stop(BundleContext context) {
        synchronized (this) {
            stopped = true;
        }
        // first: a jar it is applying finishes while the pipeline is still whole
        if (deployWatcher != null) {
            deployWatcher.stop();
        }
        if (management != null) {
            management.unregister();
        }
        for (ServiceRegistration<?> registration : registrations) {
            try {
                registration.unregister();
            } catch (IllegalStateException e) {
                // already gone with the framework
            }
        }
        registrations.clear();
        if (redefinitions != null) {
            context.removeBundleListener(redefinitions);
            instrumentation.ifPresent(i -> i.removeTransformer(redefinitions));
        }
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
