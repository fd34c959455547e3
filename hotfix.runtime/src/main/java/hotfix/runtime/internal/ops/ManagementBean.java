package hotfix.runtime.internal.ops;

import java.lang.management.ManagementFactory;
import java.net.URI;
import java.util.function.Supplier;

import javax.management.InstanceAlreadyExistsException;
import javax.management.InstanceNotFoundException;
import javax.management.JMException;
import javax.management.MBeanServer;
import javax.management.ObjectName;

import hotfix.runtime.api.HotfixManager;
import hotfix.runtime.api.HotfixOptions;
import hotfix.runtime.api.HotfixReport;
import hotfix.runtime.api.Outcome;

/**
 * The {@link HotfixManagerMXBean}, in the platform MBean server: what JConsole, a JMX exporter or
 * any local JMX client sees. Nothing remote is opened: a JVM's remote JMX is the operator's
 * choice, made with the JVM's own {@code com.sun.management.jmxremote} options.
 */
public final class ManagementBean implements HotfixManagerMXBean {

    /** The MBean's name. */
    public static final String NAME = "hotfix:type=HotfixManager";

    private final HotfixManager manager;
    private final Counters counters;
    private final Supplier<HotfixOptions> defaults;
    private ObjectName registered;

    /** @param defaults the options an install or rollback from JMX takes, as configured */
    public ManagementBean(HotfixManager manager, Counters counters, Supplier<HotfixOptions> defaults) {
        this.manager = manager;
        this.counters = counters;
        this.defaults = defaults;
    }

    /**
     * Registers the bean, replacing one a previous runtime in this JVM left behind (a framework
     * restarted in the same process).
     *
     * @throws JMException if the platform MBean server refuses it
     */
    public void register() throws JMException {
        MBeanServer server = ManagementFactory.getPlatformMBeanServer();
        ObjectName name = new ObjectName(NAME);
        try {
            server.registerMBean(this, name);
        } catch (InstanceAlreadyExistsException e) {
            server.unregisterMBean(name);
            server.registerMBean(this, name);
        }
        registered = name;
    }

    /** Unregisters the bean, if it is still this one's. */
    public void unregister() {
        if (registered == null) {
            return;
        }
        try {
            ManagementFactory.getPlatformMBeanServer().unregisterMBean(registered);
        } catch (InstanceNotFoundException e) {
            // already gone
        } catch (JMException e) {
            throw new IllegalStateException("cannot unregister " + NAME, e);
        }
        registered = null;
    }

    @Override
    public long getInstalls() {
        return counters.installs();
    }

    @Override
    public long getRefusals() {
        return counters.refusals();
    }

    @Override
    public long getRollbacks() {
        return counters.rollbacks();
    }

    @Override
    public long getLastPauseMicros() {
        return counters.lastPauseMicros();
    }

    @Override
    public String[] getApplied() {
        return manager.list().stream().map(report -> report.id() + " " + report.target() + " "
                + report.fromVersion() + " -> " + report.toVersion() + " " + report.mode().header())
                .toArray(String[]::new);
    }

    @Override
    public String[] getProblems() {
        return Problems.of(manager.status()).toArray(String[]::new);
    }

    @Override
    public String install(String uri, boolean dryRun) {
        URI source;
        try {
            source = URI.create(uri);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("not a URI: '" + uri + "': " + e.getMessage()
                    + "; give a file: or http: URI of the hotfix jar");
        }
        HotfixOptions options = defaults.get();
        return answer(manager.install(source, dryRun ? new HotfixOptions(true, options.drainTimeout()) : options));
    }

    @Override
    public String rollback(long id) {
        return answer(manager.rollback(id, defaults.get()));
    }

    private static String answer(HotfixReport report) {
        String text = Text.of(report);
        if (report.outcome() == Outcome.REFUSED) {
            // a JDK exception: any JMX client can read it without the runtime's classes
            throw new IllegalStateException(report.reason() + ": " + text);
        }
        return text;
    }
}
