package hotfix.runtime.internal.pipeline;

import java.time.Duration;
import java.util.Optional;

import hotfix.runtime.api.Reason;
import hotfix.runtime.internal.gate.Gate;
import hotfix.runtime.internal.gate.Lineage;
import hotfix.runtime.internal.inspect.Refusal;

/**
 * The quiesced window of one attempt, scoped to the bundle it changes: new calls into that bundle
 * wait, the units of work already in it finish, then the change is made (state copied, classes
 * redefined), and the calls go on. Calls into any other bundle are neither held nor waited for.
 */
final class Window {

    /** How long the units in the bundle may stay unchanged, with callers held, before they are let through. */
    static final Duration STALL = Duration.ofMillis(100);

    private final Gate gate;
    private final Lineage lineage;

    Window(Gate gate, Lineage lineage) {
        this.gate = gate;
        this.lineage = lineage;
    }

    /**
     * Holds new calls into the bundle and waits for the units of work in it. On success new calls
     * stay held, and their release is on the undo stack.
     *
     * @return a note for the report if held calls had to be let through to get quiet
     * @throws Refusal DRAIN_TIMEOUT if the units in the bundle did not finish in time; nothing changed
     */
    Optional<String> close(Duration timeout, Undo undo) throws Refusal {
        Gate.Drain drain = gate.quiesce(lineage, timeout, STALL);
        if (!drain.drained()) {
            throw new Refusal(Reason.DRAIN_TIMEOUT, "units of work in " + lineage.name()
                    + " did not finish within " + timeout.toMillis() + " ms"
                    + (drain.releases() > 0 ? " (held calls were let through " + drain.releases()
                            + " time(s) because the wait stalled)" : "")
                    + "; still in it: " + String.join("; ", drain.inside())
                    + ". Nothing was changed, and the held calls went on to the old version; retry with a longer "
                    + "drain timeout, or when those units are done");
        }
        undo.push(() -> gate.release(lineage));
        return drain.releases() == 0 ? Optional.empty()
                : Optional.of("the wait for units in " + lineage.name() + " stalled " + drain.releases()
                        + " time(s) with calls held, and let them through to the old version before it succeeded");
    }

    /**
     * Lets the held calls go on, to whatever generation serves now.
     *
     * @return {@link System#nanoTime()} when they were let go: the end of the pause
     */
    long open() {
        gate.release(lineage);
        return System.nanoTime();
    }

    /** @return how many calls waited in this window */
    int held() {
        return lineage.held();
    }
}
