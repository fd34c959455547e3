package hotfix.runtime.internal.mediation;

import java.util.Objects;

import hotfix.runtime.internal.gate.Gate;

/**
 * What a generated proxy delegates to: the current target and the gate. Public, with public
 * methods, because proxies are defined in class loaders of their own.
 * <p>
 * A proxy calls {@link #enter()}, invokes the returned target, and calls {@link #leave()} in a
 * {@code finally}. The target is read after entering, so a call counted inside the gate runs
 * wholly on one version: the controller moves the target only when the gate is drained.
 */
public final class ProxySlot {

    private final Gate gate;
    private volatile Object target;
    private volatile boolean held;

    public ProxySlot(Gate gate, Object target) {
        this.gate = Objects.requireNonNull(gate, "gate");
        this.target = Objects.requireNonNull(target, "target");
    }

    /**
     * Enters the gate and returns the target to call. Waits at a closed gate only while this
     * slot is {@linkplain #hold(boolean) held}: calls to services a hotfix does not change are
     * counted but never held.
     * <p>
     * Counted first, then asks whether it is held: a caller that reads "not held" is already
     * counted, so a drain that holds this slot afterwards waits for it. (Reading first, a caller
     * preempted between the read and its count would run on the old target unseen.)
     */
    public Object enter() {
        gate.enterPassing();
        if (held) {
            gate.holdHere();
        }
        return target;
    }

    /** Leaves the gate; called once for every {@link #enter()}. */
    public void leave() {
        gate.leave();
    }

    /** @return the target calls go to now; the generated proxies' {@code toString} names it */
    public Object target() {
        return target;
    }

    /** Points the proxy at a new target; only while the gate is drained, or before any call. */
    public void retarget(Object newTarget) {
        target = Objects.requireNonNull(newTarget, "newTarget");
    }

    /** Sets whether calls through this slot wait while the gate is closed. */
    public void hold(boolean hold) {
        held = hold;
    }
}
