package hotfix.runtime.internal.gate;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * The versions one unit of work is pinned to: for each bundle it called into, the generation it
 * reached first. Written by the unit's thread (or threads, for a unit that outlives its thread),
 * read by a hotfix that waits for the units pinned to a version.
 * <p>
 * A pin is published before its generation is read, and read back by the controller after it
 * publishes a generation or holds a lineage (both volatile): either the caller sees what the
 * controller wrote, or the controller sees the pin (at {@link #PENDING} until the caller has read
 * its generation, which the controller counts as pinned to the old one).
 */
final class Pins {

    /** A pin whose generation is being read: it may still be the old one. */
    static final int PENDING = -1;
    /** What {@link #generationOf(Lineage)} returns for a bundle the unit has not called into. */
    static final int NONE = -2;

    private static final VarHandle GENERATIONS = MethodHandles.arrayElementVarHandle(int[].class);
    private static final VarHandle COUNT;

    static {
        try {
            COUNT = MethodHandles.lookup().findVarHandle(Pins.class, "count", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** Whether more than one thread may pin at once (a unit that outlives its thread): they lock. */
    private final boolean shared;
    private Lineage[] lineages = new Lineage[4];
    private int[] generations = new int[4];
    private volatile int count;

    Pins(boolean shared) {
        this.shared = shared;
    }

    /** @return the generation pinned for {@code lineage}, {@link #PENDING}, or {@link #NONE} */
    int generationOf(Lineage lineage) {
        int n = count;
        Lineage[] pinned = lineages;
        for (int i = 0; i < n; i++) {
            if (pinned[i] == lineage) {
                return (int) GENERATIONS.getAcquire(generations, i);
            }
        }
        return NONE;
    }

    /**
     * Pins {@code lineage} at the generation it has now, unless it is held and the caller may not
     * pass: then nothing is pinned.
     *
     * @return the generation pinned, or {@link #NONE} if the lineage is held against the caller
     */
    int pin(Lineage lineage, Thread caller) {
        return shared ? pinShared(lineage, caller) : pinNow(lineage, caller);
    }

    private synchronized int pinShared(Lineage lineage, Thread caller) {
        return pinNow(lineage, caller);
    }

    /**
     * The first pin of a unit that has none, by its own thread: an outermost call outside any
     * unit, the most frequent case, kept small so that it compiles into the proxy.
     *
     * @return the generation pinned, or {@link #NONE} if the lineage is held
     */
    int pinFirst(Lineage lineage) {
        if (lineages[0] != lineage) {
            // a reference store costs a GC barrier with a fence of its own: skip it when it would
            // write what is there, as a thread that keeps calling into one bundle does
            lineages[0] = lineage;
        }
        generations[0] = PENDING;
        count = 1; // volatile: the pin is published before the lineage is read
        int state = lineage.state();
        if (Lineage.isHeld(state)) {
            COUNT.setRelease(this, 0);
            return NONE;
        }
        int generation = Lineage.generation(state);
        GENERATIONS.setRelease(generations, 0, generation);
        return generation;
    }

    /** @return whether this is a thread's own record with nothing pinned: read by its thread only */
    boolean isEmptyOwn() {
        return !shared && (int) COUNT.getOpaque(this) == 0;
    }

    private int pinNow(Lineage lineage, Thread caller) {
        int n = count;
        for (int i = 0; i < n; i++) {
            if (lineages[i] == lineage) { // pinned by another thread of this unit meanwhile
                return generations[i];
            }
        }
        if (n == lineages.length) {
            grow();
        }
        if (lineages[n] != lineage) { // see pinFirst
            lineages[n] = lineage;
        }
        generations[n] = PENDING;
        count = n + 1; // volatile: the pin is published before the lineage is read
        int state = lineage.state();
        if (Lineage.isHeld(state) && !lineage.passes(caller)) {
            COUNT.setRelease(this, n);
            return NONE;
        }
        int generation = Lineage.generation(state);
        GENERATIONS.setRelease(generations, n, generation);
        return generation;
    }

    private void grow() {
        Lineage[] moreLineages = java.util.Arrays.copyOf(lineages, lineages.length * 2);
        int[] moreGenerations = java.util.Arrays.copyOf(generations, generations.length * 2);
        lineages = moreLineages;
        generations = moreGenerations;
    }

    /** Ends every pin: the unit's next calls go to the newest versions. */
    void clear() {
        if (shared) {
            synchronized (this) {
                COUNT.setRelease(this, 0);
            }
        } else if (count != 0) {
            COUNT.setRelease(this, 0);
        }
    }

    /** @return whether nothing is pinned; one read */
    boolean isEmpty() {
        return count == 0;
    }

    /** Takes over another unit's pins, as a request that goes asynchronous keeps what it reached. */
    synchronized void copyFrom(Pins other) {
        int n = other.count;
        for (int i = 0; i < n; i++) {
            Lineage lineage = other.lineages[i];
            int generation = (int) GENERATIONS.getAcquire(other.generations, i);
            if (generation >= 0 && generationOf(lineage) == NONE) {
                if (count == lineages.length) {
                    grow();
                }
                lineages[count] = lineage;
                generations[count] = generation;
                count = count + 1;
            }
        }
    }

    /**
     * Whether the unit is pinned to {@code lineage} at {@code generation} or before (a pin being
     * read counts: it may be the old one). Read by the controller, racing with the owner: a pin
     * the owner ends meanwhile may still be seen, never one it made before the last volatile write
     * the controller saw.
     */
    boolean pinsAtOrBefore(Lineage lineage, int generation) {
        int n = count;
        Lineage[] pinned = lineages;
        int[] at = generations;
        n = Math.min(n, Math.min(pinned.length, at.length));
        for (int i = 0; i < n; i++) {
            if (pinned[i] == lineage) {
                int pinnedAt = (int) GENERATIONS.getAcquire(at, i);
                if (pinnedAt <= generation) {
                    return true;
                }
            }
        }
        return false;
    }
}
