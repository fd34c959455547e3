package hotfix.runtime.internal.journal;

import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.BundleException;
import org.osgi.framework.Version;
import org.osgi.framework.startlevel.BundleStartLevel;

import hotfix.runtime.api.HotfixReport;
import hotfix.runtime.api.Mode;
import hotfix.runtime.internal.log.RuntimeLog;

/**
 * Brings a restarted server back to the versions the journal says are current, before any
 * application bundle starts: after a clean stop, after a crash in the middle of a hotfix, and
 * after a crash in the middle of a rollback.
 * <p>
 * The framework's bundle cache may hold more than one version of a target:
 * <ul>
 * <li>the version a hotfix staged, when the process died before the hotfix was recorded as
 * applied (the journal reads it as interrupted), or after it was rolled back but before it was
 * retired: it is uninstalled, by the location the journal wrote ahead;</li>
 * <li>the version a hotfix replaced, when the process died after the hotfix was recorded but
 * before the old version was retired, or when a launcher that installs a fixed list of bundles
 * (the bnd launcher with {@code -runkeep}) installed the original again because its location is
 * gone from the cache: every version but the applied hotfix's is uninstalled;</li>
 * <li>a hotfix whose record is damaged: the journal cannot say whether it is current, so the
 * version in the cache at a hotfix's location is kept, as it is the one that served last, and
 * the damage is reported.</li>
 * </ul>
 * Redefinitions need nothing here: they lived in the process, and come back from the journal
 * as their classes load, only for hotfixes recorded as applied.
 */
public final class Restore {

    private static final String LOCATION_PREFIX = "hotfix:";

    private final BundleContext context;
    private final Journal journal;
    private final RuntimeLog log;

    public Restore(BundleContext context, Journal journal, RuntimeLog log) {
        this.context = context;
        this.journal = journal;
        this.log = log;
    }

    /**
     * @return where the attempt {@code id} installs a version of a bundle: a location that says
     *         which attempt put it there, so that a restart can tell what to keep
     */
    public static String location(long id, String symbolicName, String version) {
        return LOCATION_PREFIX + id + ":" + symbolicName + "@" + version;
    }

    public void run() {
        Map<String, Journal.Entry> current = new LinkedHashMap<>();
        Set<Long> applied = new HashSet<>();
        for (Journal.Entry entry : journal.applied()) {
            applied.add(entry.report().id());
            // a redefinition changes classes in place, not which bundle version runs
            if (entry.report().mode() == Mode.SWAP) {
                current.put(entry.report().target(), entry);
            }
        }
        for (Journal.Entry entry : journal.entries()) {
            HotfixReport report = entry.report();
            if (report.undoes() == 0 && entry.location() != null && !applied.contains(report.id())) {
                Bundle staged = context.getBundle(entry.location());
                if (staged != null) {
                    uninstall(staged, "hotfix " + report.id() + " is " + report.outcome()
                            + ": uninstalled the version it had installed");
                }
            }
        }
        current.values().forEach(this::restore);
        keepDamaged(current.keySet());
        for (Journal.Entry entry : journal.interrupted()) {
            log.warn("Hotfix attempt {} ({} {} -> {}) was interrupted by the process stopping; {}",
                    entry.report().id(), entry.report().target(), entry.report().fromVersion(),
                    entry.report().toVersion(), entry.report().message());
            // recorded again as finished: it is history now, not an attempt to recover
            journal.record(entry);
        }
    }

    private void restore(Journal.Entry entry) {
        HotfixReport applied = entry.report();
        Version expected = Version.parseVersion(applied.toVersion());
        Bundle wanted = entry.location() == null ? null : context.getBundle(entry.location());
        for (Bundle bundle : context.getBundles()) {
            if (wanted == null && applied.target().equals(bundle.getSymbolicName())
                    && bundle.getVersion().equals(expected)) {
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
        uninstallAllBut(wanted, "hotfix " + applied.id() + " stays applied");
    }

    /** Keeps a hotfix's bundle whose record cannot be read, unless a readable record says otherwise. */
    private void keepDamaged(Set<String> restored) {
        for (Bundle bundle : context.getBundles()) {
            Optional<Long> id = hotfixId(bundle.getLocation());
            if (id.isEmpty() || journal.find(id.get()).isPresent() || restored.contains(bundle.getSymbolicName())) {
                continue;
            }
            log.error("The journal has no readable record of hotfix {}, which installed {} {}: it is kept, as the "
                    + "version that served last, but it cannot be rolled back; see hotfix:status",
                    id.get(), bundle.getSymbolicName(), bundle.getVersion());
            uninstallAllBut(bundle, "hotfix " + id.get() + " (no readable record) is kept");
        }
    }

    private void uninstallAllBut(Bundle wanted, String why) {
        for (Bundle bundle : context.getBundles()) {
            if (wanted.getSymbolicName().equals(bundle.getSymbolicName()) && !bundle.equals(wanted)) {
                uninstall(bundle, why + ": uninstalled " + bundle.getSymbolicName() + " " + bundle.getVersion()
                        + " from " + bundle.getLocation());
            }
        }
    }

    private void uninstall(Bundle bundle, String why) {
        try {
            bundle.uninstall();
            log.info("Restart: {}", why);
        } catch (BundleException | IllegalStateException e) {
            log.error("Restart: cannot uninstall {} {}; {}", bundle.getSymbolicName(), bundle.getVersion(), why, e);
        }
    }

    /** @return the attempt id of a location the pipeline installed a hotfix at */
    static Optional<Long> hotfixId(String location) {
        if (location == null || !location.startsWith(LOCATION_PREFIX)) {
            return Optional.empty();
        }
        int end = location.indexOf(':', LOCATION_PREFIX.length());
        try {
            return Optional.of(Long.parseLong(location.substring(LOCATION_PREFIX.length(), end)));
        } catch (RuntimeException e) {
            return Optional.empty();
        }
    }
}
