package hotfix.runtime.internal.mediation;

import java.util.Objects;

import hotfix.runtime.internal.gate.Gate;
import hotfix.runtime.internal.gate.Lineage;

/**
 * What a generated proxy delegates to: the target of each live generation of the bundle behind
 * it. Public, with public methods, because proxies are defined in class loaders of their own.
 * <p>
 * A proxy looks up its thread's place in the gate ({@link #caller()}), calls
 * {@link #enter(Gate.Entry)}, invokes the returned target, and calls {@link #leave(Gate.Entry)}
 * in a {@code finally}. The call goes to the generation its unit of work is pinned to: the newest one,
 * or, between a hotfix's commit and the old version's retirement, the old one for units that
 * reached it before the commit. The generation is pinned before the targets are read, and a
 * commit writes the targets before it advances the generation, so a unit pinned to either finds
 * its target.
 * <p>
 * A slot is watched ({@link Outgoing}) while its consumer bundle is a version being retired: one
 * volatile read as a call enters, and one as it leaves, tell whether it is so.
 */
public final class ProxySlot {

    private static final int WATCHED = 2;

    /** A generation's target, and the targets of older generations still live. */
    private record Targets(Object target, int generation, Targets older) {

        Object at(int pinned) {
            for (Targets at = this; at != null; at = at.older) {
                if (at.generation == pinned) {
                    return at.target;
                }
            }
            // pinned to a generation retired since: its later calls move on to the newest
            return target;
        }
    }

    private final Gate gate;
    private final Lineage lineage;
    private volatile Targets targets;
    /** {@link #WATCHED} or 0; written under this slot's lock. */
    private volatile int mode;
    /** Set before {@link #WATCHED} is, and kept: a call that saw the bit may read it after. */
    private Outgoing outgoing;

    /** A slot whose target serves the lineage's current generation. */
    public ProxySlot(Gate gate, Lineage lineage, Object target) {
        this.gate = Objects.requireNonNull(gate, "gate");
        this.lineage = Objects.requireNonNull(lineage, "lineage");
        this.targets = new Targets(Objects.requireNonNull(target, "target"), lineage.generation(), null);
    }

    /**
     * Enters the call, in its unit of work, and returns the target of the generation the unit is
     * pinned to. Waits only while the bundle is held by a hotfix that copies its state and the
     * unit has not reached it yet.
     */
    public Object enter(Gate.Entry caller) {
        int generation = gate.enter(lineage, caller);
        if (mode != 0) {
            outgoing.entered();
        }
        Targets now = targets;
        return now.generation == generation ? now.target : now.at(generation);
    }

    /** Leaves the call; called once for every {@link #enter(Gate.Entry)}, with the same place. */
    public void leave(Gate.Entry caller) {
        if (mode != 0) {
            outgoing.left();
        }
        gate.leave(caller);
    }

    /** @return the calling thread's place in the gate, which the proxied call enters and leaves with */
    public Gate.Entry caller() {
        return gate.caller();
    }

    /** @return the target new units of work go to; the generated proxies' {@code toString} names it */
    public Object target() {
        return targets.target;
    }

    /** @return the versions of the bundle whose services this slot stands for */
    Lineage lineage() {
        return lineage;
    }

    /**
     * Makes {@code newTarget} the target of {@code generation}, keeping the older targets for the
     * units pinned to them: one write. The lineage advances to it only after every slot has it.
     */
    public synchronized void publish(Object newTarget, int generation) {
        targets = new Targets(Objects.requireNonNull(newTarget, "newTarget"), generation, targets);
    }

    /** Forgets the targets of older generations: no unit is pinned to them any more, or it moves on. */
    public synchronized void forgetOlder() {
        Targets now = targets;
        if (now.older != null) {
            targets = new Targets(now.target, now.generation, null);
        }
    }

    /** Replaces the target of the current generation, for a slot no call has used yet. */
    public synchronized void retarget(Object newTarget) {
        targets = new Targets(Objects.requireNonNull(newTarget, "newTarget"), targets.generation, targets.older);
    }

    /** Counts the calls through this slot in {@code calls} from now on; {@code null}: no longer. */
    synchronized void watch(Outgoing calls) {
        if (calls != null) {
            outgoing = calls;
        }
        mode = calls != null ? WATCHED : 0;
    }
}
