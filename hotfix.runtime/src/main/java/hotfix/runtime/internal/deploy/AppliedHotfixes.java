package hotfix.runtime.internal.deploy;

import java.util.List;
import java.util.Optional;
import java.util.Set;

import hotfix.runtime.api.HotfixManager;
import hotfix.runtime.api.HotfixReport;

/** What the runtime has in place, as the deploy directory asks it: one answer of the manager's list. */
final class AppliedHotfixes {

    private final List<HotfixReport> applied;

    private AppliedHotfixes(List<HotfixReport> applied) {
        this.applied = applied;
    }

    static AppliedHotfixes of(HotfixManager manager) {
        return new AppliedHotfixes(manager.list());
    }

    /** @return the applied hotfix with this id, if it is still in place */
    Optional<HotfixReport> find(long id) {
        return applied.stream().filter(report -> report.id() == id).findFirst();
    }

    /**
     * @return the latest hotfix applied to the same target after {@code own}, if any: it must be
     *         rolled back first, and asking the pipeline would only be refused at every poll
     */
    Optional<HotfixReport> laterOnTheSameTarget(HotfixReport own) {
        HotfixReport later = null;
        for (HotfixReport report : applied) {
            if (report.id() > own.id() && report.target().equals(own.target())) {
                later = report;
            }
        }
        return Optional.ofNullable(later);
    }

    /** @return an applied hotfix of this content that no jar owns: after a lost record, or from the shell */
    Optional<HotfixReport> adoptable(String sha256, Set<Long> owned) {
        return applied.stream().filter(report -> report.sha256().equals(sha256) && !owned.contains(report.id()))
                .findFirst();
    }
}
