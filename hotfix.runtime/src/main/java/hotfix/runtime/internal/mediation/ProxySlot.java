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
 * <p>
 * A slot is held while a hotfix quiesces its service, and watched ({@link Outgoing}) while its
 * consumer bundle is a version being retired: one volatile read as a call enters, and one as it
 * leaves, tell it whether either is so.
 */
public final class ProxySlot {

    private static final int HELD = 1;
    private static final int WATCHED = 2;

    private final Gate gate;
    private volatile Object target;
    /** {@link #HELD}, {@link #WATCHED}, both or neither; written under this slot's lock. */
    private volatile int mode;
    /** Set before {@link #WATCHED} is, and kept: a call that saw the bit may read it after. */
    private Outgoing outgoing;

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
        int now = mode;
        if (now != 0) {
            if ((now & HELD) != 0) {
                gate.holdHere();
            }
            if ((now & WATCHED) != 0) {
                outgoing.entered();
            }
        }
        return target;
    }

    /** Leaves the gate; called once for every {@link #enter()}. */
    public void leave() {
        if ((mode & WATCHED) != 0) {
            outgoing.left();
        }
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
    public synchronized void hold(boolean hold) {
        mode = hold ? mode | HELD : mode & ~HELD;
    }

    /** Counts the calls through this slot in {@code calls} from now on; {@code null}: no longer. */
    synchronized void watch(Outgoing calls) {
        if (calls != null) {
            outgoing = calls;
        }
        mode = calls != null ? mode | WATCHED : mode & ~WATCHED;
    }
}
