package hotfix.runtime.internal.gate;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * The versions of one bundle, as the units of work that call into it see them: a generation,
 * which each commit of a hotfix advances, and whether new calls into it are held (a scoped
 * quiesce, while state is copied or classes are redefined).
 * <p>
 * Both live in one volatile int, so a caller reads them together in one load.
 */
public final class Lineage {

    private static final int HELD = 1;
    /** How many times a held caller spins before it parks: a copy of small state takes microseconds. */
    private static final int SPINS = 64;
    /**
     * How long a held caller parks at most before it looks again: a release wakes every held
     * caller (see {@link #release()}), so this only bounds a wake-up that was missed.
     */
    private static final long PARK_NANOS = 10_000_000;

    private final String name;
    /** generation << 1 | HELD */
    private volatile int state;
    /** While held: the thread that holds it, which is never held itself. */
    private volatile Thread controller;
    /** While held: after this {@link System#nanoTime()}, held callers go on whatever happened. */
    private volatile long heldUntil;
    private final AtomicInteger waiting = new AtomicInteger();
    /** How many calls waited since the quiesce began: what a hotfix reports it held. */
    private final AtomicInteger held = new AtomicInteger();
    private final Set<Thread> parked = ConcurrentHashMap.newKeySet();

    Lineage(String name) {
        this.name = name;
    }

    /** @return the symbolic name of the bundle whose versions these are */
    public String name() {
        return name;
    }

    /** @return the generation calls that pin now get */
    public int generation() {
        return generation(state);
    }

    int state() {
        return state;
    }

    static boolean isHeld(int state) {
        return (state & HELD) != 0;
    }

    static int generation(int state) {
        return state >>> 1;
    }

    boolean isHeld() {
        return isHeld(state);
    }

    /** Whether {@code caller} goes through while this lineage is held: the controller does. */
    boolean passes(Thread caller) {
        return caller == controller || System.nanoTime() - heldUntil >= 0;
    }

    /** Moves calls that pin from now on to {@code generation}; the controller's alone. */
    synchronized void advance(int next) {
        state = next << 1 | (state & HELD);
    }

    synchronized void hold(Thread by, long until) {
        controller = by;
        heldUntil = until;
        state = state | HELD;
    }

    /**
     * Stops holding: held callers go on, woken now rather than at their next look. The controller
     * wakes two, and the first of them to run wakes the rest. On 2 cores, a controller that woke
     * them all took 1.3 to 2.2 ms for 64 and 4.0 to 5.9 ms for 128, as each caller it woke took its
     * core; waking two takes 20 to 300 µs, and the last of 64 or 128 callers runs about half as
     * late as before (benchmarks' {@code HeldCallersRelease}, medians of 20).
     */
    synchronized void release() {
        state = state & ~HELD;
        controller = null;
        wake(2);
    }

    /** Wakes up to {@code most} parked callers, each once: whoever takes one from the set wakes it. */
    private void wake(int most) {
        int woken = 0;
        for (Thread thread : parked) {
            if (parked.remove(thread)) {
                LockSupport.unpark(thread);
                if (++woken == most) {
                    return;
                }
            }
        }
    }

    /** Lets held callers through for a moment (they pin to the version that serves), then holds again. */
    void letThrough(long nanos) {
        Thread by = controller;
        long until = heldUntil;
        release();
        long end = System.nanoTime() + nanos;
        while (waiting.get() > 0 && System.nanoTime() - end < 0) {
            LockSupport.parkNanos(50_000);
        }
        hold(by, until);
    }

    /** Begins counting the calls held, as a quiesce begins. */
    void countFromNow() {
        held.set(0);
    }

    /** @return how many calls waited for this lineage since the last quiesce began */
    public int held() {
        return held.get();
    }

    /** @return how many callers wait for this lineage to be released now */
    public int waiting() {
        return waiting.get();
    }

    /**
     * Waits until this lineage is not held (or its hold is past its bound), then pins it in
     * {@code pins}. A caller stops counting as waiting only once it is pinned: a controller that
     * lets held callers through and then sees none waiting must find them pinned, or it would hold
     * them again, release after release. Parks, and keeps an interrupt for when it returns: an
     * interrupted thread's park returns at once, and would spin.
     *
     * @return the generation pinned
     */
    int pinWhenReleased(Pins pins) {
        waiting.incrementAndGet();
        held.incrementAndGet();
        Thread self = Thread.currentThread();
        boolean interrupted = false;
        try {
            int spins = 0;
            while (true) {
                if (!isHeld() || passes(self)) {
                    int generation = pins.pin(this, self);
                    if (generation != Pins.NONE) {
                        return generation;
                    }
                }
                if (spins++ < SPINS) {
                    Thread.onSpinWait();
                    continue;
                }
                interrupted |= Thread.interrupted();
                parked.add(self);
                if (isHeld()) {
                    LockSupport.parkNanos(this, Math.max(1, Math.min(PARK_NANOS, heldUntil - System.nanoTime())));
                }
                parked.remove(self);
                if (!isHeld()) {
                    // released: wake the callers the controller left parked, then go on
                    wake(Integer.MAX_VALUE);
                }
            }
        } finally {
            waiting.decrementAndGet();
            if (interrupted) {
                self.interrupt();
            }
        }
    }

    @Override
    public String toString() {
        return name + " (generation " + generation() + (isHeld() ? ", held" : "") + ")";
    }
}
