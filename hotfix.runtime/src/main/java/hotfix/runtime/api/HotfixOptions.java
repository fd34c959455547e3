package hotfix.runtime.api;

import java.time.Duration;
import java.util.Objects;

/**
 * How to apply one hotfix.
 *
 * @param dryRun       plan only: inspect and plan, change nothing, report what would happen
 * @param drainTimeout how long in-flight calls may take to finish once the gate is closed; past
 *                     it the hotfix is aborted and the gate reopens
 */
public record HotfixOptions(boolean dryRun, Duration drainTimeout) {

    /** The drain deadline when none is given. */
    public static final Duration DEFAULT_DRAIN_TIMEOUT = Duration.ofSeconds(5);

    public HotfixOptions {
        Objects.requireNonNull(drainTimeout, "drainTimeout");
        if (drainTimeout.isNegative() || drainTimeout.isZero()) {
            throw new IllegalArgumentException("drainTimeout must be positive, was " + drainTimeout);
        }
    }

    /** @return apply, with the default drain deadline */
    public static HotfixOptions defaults() {
        return new HotfixOptions(false, DEFAULT_DRAIN_TIMEOUT);
    }

    /** @return plan only */
    public static HotfixOptions plan() {
        return new HotfixOptions(true, DEFAULT_DRAIN_TIMEOUT);
    }

    /** @return these options with another drain deadline */
    public HotfixOptions withDrainTimeout(Duration timeout) {
        return new HotfixOptions(dryRun, timeout);
    }
}
