package hotfix.runtime.internal.ops;

import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

import hotfix.runtime.api.HotfixReport;
import hotfix.runtime.api.Outcome;

/** What monitoring counts: every report the pipeline returns, since the runtime started. */
public final class Counters implements Consumer<HotfixReport> {

    private final AtomicLong installs = new AtomicLong();
    private final AtomicLong refusals = new AtomicLong();
    private final AtomicLong rollbacks = new AtomicLong();
    private final AtomicLong lastPauseMicros = new AtomicLong(-1);

    @Override
    public void accept(HotfixReport report) {
        switch (report.outcome()) {
            case APPLIED -> installs.incrementAndGet();
            case REFUSED -> refusals.incrementAndGet();
            case ROLLED_BACK -> rollbacks.incrementAndGet();
            default -> {
                // a dry run or an interrupted attempt changes nothing that is counted
            }
        }
        if (report.outcome() == Outcome.APPLIED || report.outcome() == Outcome.ROLLED_BACK) {
            lastPauseMicros.set(report.pause().toNanos() / 1000);
        }
    }

    /** @return hotfixes applied since the runtime started */
    public long installs() {
        return installs.get();
    }

    /** @return attempts refused since the runtime started, dry runs and rollbacks included */
    public long refusals() {
        return refusals.get();
    }

    /** @return hotfixes rolled back since the runtime started */
    public long rollbacks() {
        return rollbacks.get();
    }

    /** @return the pause of the last hotfix or rollback applied, in microseconds; -1 if none yet */
    public long lastPauseMicros() {
        return lastPauseMicros.get();
    }
}
