package hotfix.runtime.internal.pipeline;

import java.util.LinkedHashMap;
import java.util.Map;

import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.BundleException;
import org.osgi.framework.Version;
import org.osgi.framework.startlevel.BundleStartLevel;

import hotfix.runtime.api.HotfixReport;
import hotfix.runtime.api.Mode;
import hotfix.runtime.internal.journal.Journal;
import hotfix.runtime.internal.log.RuntimeLog;

/**
 * Brings a restarted server back to the versions the journal says are applied, before any
 * application bundle starts.
 * <p>
 * The hotfixed versions come back by themselves, from the framework's bundle cache. What needs
 * doing: a launcher that installs a fixed list of bundles (the bnd launcher with
 * {@code -runkeep}) installs the original of each hotfixed bundle again, because its location
 * is gone from the cache. That original is uninstalled here, so one version of each target
 * runs.
 */
public final class Restore {

    private final BundleContext context;
    private final Journal journal;
    private final RuntimeLog log;

    public Restore(BundleContext context, Journal journal, RuntimeLog log) {
        this.context = context;
        this.journal = journal;
        this.log = log;
    }

    public void run() {
        Map<String, Journal.Entry> current = new LinkedHashMap<>();
        for (Journal.Entry entry : journal.applied()) {
            // a redefinition changes classes in place, not which bundle version runs
            if (entry.report().mode() == Mode.SWAP) {
                current.put(entry.report().target(), entry);
            }
        }
        current.values().forEach(this::restore);
    }

    private void restore(Journal.Entry entry) {
        HotfixReport applied = entry.report();
        Version expected = Version.parseVersion(applied.toVersion());
        Bundle wanted = null;
        for (Bundle bundle : context.getBundles()) {
            if (applied.target().equals(bundle.getSymbolicName()) && bundle.getVersion().equals(expected)) {
                wanted = bundle;
            }
        }
        if (wanted == null) {
            log.error("Hotfix {} ({} {}) is recorded as applied but its bundle is not in the framework's cache; "
                    + "apply it again", applied.id(), applied.target(), applied.toVersion());
            return;
        }
        // The launcher puts bundles it did not install at its default start level, after the
        // application: the hotfixed version takes back the level of the bundle it replaced.
        if (entry.startLevel() > 0) {
            wanted.adapt(BundleStartLevel.class).setStartLevel(entry.startLevel());
        }
        for (Bundle bundle : context.getBundles()) {
            if (applied.target().equals(bundle.getSymbolicName()) && !bundle.equals(wanted)) {
                try {
                    bundle.uninstall();
                    log.info("Hotfix {} stays applied: uninstalled {} {} that the launcher installed again",
                            applied.id(), bundle.getSymbolicName(), bundle.getVersion());
                } catch (BundleException | IllegalStateException e) {
                    log.error("Hotfix {}: cannot uninstall the reinstalled {} {}", applied.id(),
                            bundle.getSymbolicName(), bundle.getVersion(), e);
                }
            }
        }
    }
}
