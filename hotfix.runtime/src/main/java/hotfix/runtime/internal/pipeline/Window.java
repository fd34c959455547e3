package hotfix.runtime.internal.pipeline;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

import hotfix.runtime.api.Reason;
import hotfix.runtime.internal.gate.Gate;
import hotfix.runtime.internal.inspect.Refusal;
import hotfix.runtime.internal.mediation.Mediated;

/**
 * The quiesced window of one attempt: new calls to the services that change are held at their
 * proxies, the gate closes and the calls inside drain; then the change is made, and the window
 * opens again.
 */
final class Window {

    /** How long the count inside may stay unchanged, with callers held, before they are let through. */
    static final Duration STALL = Duration.ofMillis(100);

    private final Gate gate;
    private final List<Mediated> held;

    /** @param held the services whose new calls wait while the window is closed */
    Window(Gate gate, List<Mediated> held) {
        this.gate = gate;
        this.held = List.copyOf(held);
    }

    /**
     * Holds new calls, closes the gate and drains the calls inside. On success the gate stays
     * closed, and its opening is on the undo stack.
     *
     * @return a note for the report if the drain had to let held calls through to get quiet
     * @throws Refusal DRAIN_TIMEOUT if the calls inside did not finish in time; nothing changed
     */
    Optional<String> close(Duration timeout, Undo undo) throws Refusal {
        hold(true);
        undo.push(() -> hold(false));
        Gate.Drain drain = gate.closeAndDrain(timeout, STALL);
        if (!drain.drained()) {
            throw new Refusal(Reason.DRAIN_TIMEOUT, "calls in flight did not finish within " + timeout.toMillis()
                    + " ms" + (drain.releases() > 0 ? " (held calls were let through " + drain.releases()
                            + " time(s) because the drain stalled)" : "")
                    + "; still inside: " + String.join("; ", drain.inside())
                    + ". Nothing was changed; retry with a longer drain timeout, or when the server is less busy");
        }
        undo.push(gate::open);
        return drain.releases() == 0 ? Optional.empty()
                : Optional.of("the drain stalled " + drain.releases()
                        + " time(s) with calls held, and let them through to the old version before it succeeded");
    }

    /**
     * Opens the gate and lets the held calls go on, to whatever their proxies now point at.
     *
     * @return {@link System#nanoTime()} when the gate opened: the end of the pause
     */
    long open() {
        gate.open();
        long opened = System.nanoTime();
        hold(false);
        return opened;
    }

    private void hold(boolean holding) {
        for (Mediated mediated : held) {
            mediated.hold(holding);
        }
    }
}
