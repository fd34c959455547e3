package hotfix.runtime.internal.gate;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.lang.ref.WeakReference;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

import hotfix.runtime.api.QuiesceGate;

/**
 * The quiesced window. Every thread counts its own depth in its own {@link Entry}, so entering
 * and leaving touch no shared cache line, and a drain sums the entries: a per-thread count is
 * exact where a striped {@code LongAdder} is not (one call's increment and decrement may land
 * in different cells).
 * <p>
 * Ordering: a caller writes its depth, then reads {@code closed}; the controller writes
 * {@code closed}, then reads the depths. Both are volatile, so either the caller sees the gate
 * closed and backs out, or the controller sees the caller inside and waits for it.
 * <p>
 * A unit of work that outlives its thread (an asynchronous HTTP request) is a {@link Unit}:
 * counted from {@link #begin(String)}, which its thread calls from inside, until it is closed,
 * on any thread. See {@link #inFlight()} for how the two counts are read together.
 */
public final class Gate implements QuiesceGate {

    /*
     * How long waiting callers (and the drain) spin, then yield, before they park in short
     * timed naps. Held callers that keep spinning take the CPU from the calls the drain waits
     * for: with 4 busy callers on 2 cores, 64 spins and 256 yields gave a median pause of 4.1
     * to 5.1 ms, 32 and 8 gave 2.4 to 2.6 ms (HotfixIT's ten cycles under load, two runs each).
     */
    private static final int SPINS = 32;
    private static final int YIELDS = 8;
    private static final long PARK_NANOS = 50_000;
    /**
     * How long a held caller parks at most before it looks again: {@link #open()} unparks every
     * held caller at once, so this only bounds a wake-up that was missed. Short naps (the
     * drain's {@link #PARK_NANOS}) would wake hundreds of held threads 20,000 times a second.
     */
    private static final long HELD_PARK_NANOS = 10_000_000;
    /** Dead threads' entries are swept once every this many registrations, not at each. */
    private static final int SWEEP_EVERY = 64;

    private final ThreadLocal<Entry> entries = ThreadLocal.withInitial(this::register);
    private final ConcurrentLinkedQueue<Entry> registry = new ConcurrentLinkedQueue<>();
    private final AtomicInteger waiting = new AtomicInteger();
    private final AtomicInteger registrations = new AtomicInteger();
    private final ConcurrentLinkedQueue<Thread> parked = new ConcurrentLinkedQueue<>();
    /** The units inside; counted by walking them, never by size(), which is a striped count. */
    private final Set<Unit> units = ConcurrentHashMap.newKeySet();
    private volatile boolean closed;
    /**
     * The thread that closed the gate, until it opens it: it is never held. A state handover
     * that calls a sibling service of its own bundle goes through that service's held proxy, on
     * the controller's thread; holding it would wait for the only thread that can open.
     */
    private volatile Thread controller;

    /**
     * One thread's place in the gate. {@code depth} counts its levels, held or passing, and is
     * read by the controller; {@code heldFrom} is the depth of its first held level (0: none)
     * and is the owner's alone.
     */
    static final class Entry {
        final WeakReference<Thread> thread;
        volatile int depth;
        int heldFrom;

        Entry(Thread thread) {
            this.thread = new WeakReference<>(thread);
        }
    }

    /*
     * Only the first store of a thread's entry needs a full fence (it must be visible before
     * the thread reads 'closed'). Nested levels keep the depth above zero, so their stores may
     * be opaque; the last leave is a release store, so the call's effects are visible to the
     * controller that sees zero.
     */
    private static final VarHandle DEPTH;

    static {
        try {
            DEPTH = MethodHandles.lookup().findVarHandle(Entry.class, "depth", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    @Override
    public void enter() {
        Entry entry = entries.get();
        int depth = entry.depth;
        if (entry.heldFrom > 0) {
            DEPTH.setOpaque(entry, depth + 1);
            return;
        }
        // First held level of this thread. Levels below it, if any, passed a proxy that is not
        // held: they grant no reentrancy, or a call could reach what is being swapped while the
        // gate is closed.
        entry.depth = depth + 1;
        entry.heldFrom = depth + 1;
        if (closed && Thread.currentThread() != controller) {
            awaitOpen(entry, depth + 1);
        }
    }

    /**
     * Enters for a later part of a unit of work that is inside (the dispatch of an asynchronous
     * request, on whatever thread): like a nested call, it passes a closed gate, for the drain
     * waits for that unit, and holding a part of it would make the drain wait for itself. For a
     * unit that is closed, this is {@link #enter()}. Matched by {@link #leave()}.
     */
    public void enter(Unit unit) {
        Entry entry = entries.get();
        int depth = entry.depth;
        if (entry.heldFrom > 0) {
            DEPTH.setOpaque(entry, depth + 1);
            return;
        }
        entry.depth = depth + 1;
        entry.heldFrom = depth + 1;
        // read after the depth is written: a unit closed since is no way through (see inFlight())
        if (!unit.isOpen() && closed && Thread.currentThread() != controller) {
            awaitOpen(entry, depth + 1);
        }
    }

    /**
     * Begins a unit of work that outlives the calling thread's stay in the gate: it is counted
     * inside until {@link Unit#close()}, which any thread may call. Like {@link #enter()}, it
     * waits at a closed gate unless the calling thread is inside already.
     *
     * @param what what the unit is, as a drain that gives up on it names it
     */
    public Unit begin(String what) {
        enter();
        try {
            Unit unit = new Unit(this, what, Thread.currentThread().getName(), System.nanoTime());
            units.add(unit);
            return unit;
        } finally {
            leave();
        }
    }

    /** Stops counting a unit: {@link Unit#close()}, once. */
    void end(Unit unit) {
        units.remove(unit);
    }

    /**
     * Enters without ever waiting: for calls that must be counted, so that a drain waits for
     * them, but must not be held, because they do not enter what is being replaced.
     */
    public void enterPassing() {
        Entry entry = entries.get();
        int depth = entry.depth;
        if (depth == 0) {
            entry.depth = 1;
        } else {
            DEPTH.setOpaque(entry, depth + 1);
        }
    }

    /**
     * Makes the level the caller just entered with {@link #enterPassing()} a held one: it waits
     * at a closed gate, unless a level below it is held already (reentrancy).
     */
    public void holdHere() {
        Entry entry = entries.get();
        if (entry.heldFrom > 0) {
            return;
        }
        int depth = entry.depth;
        entry.heldFrom = depth;
        if (closed && Thread.currentThread() != controller) {
            awaitOpen(entry, depth);
        }
    }

    @Override
    public void leave() {
        Entry entry = entries.get();
        int depth = entry.depth;
        if (depth <= 0) {
            throw new IllegalStateException("leave() without enter() on thread " + Thread.currentThread().getName());
        }
        int left = depth - 1;
        if (left < entry.heldFrom) {
            entry.heldFrom = 0;
        }
        if (left == 0) {
            DEPTH.setRelease(entry, 0);
        } else {
            DEPTH.setOpaque(entry, left);
        }
    }

    @Override
    public void checkpoint() {
        if (!closed || Thread.currentThread() == controller) {
            return;
        }
        Entry entry = entries.get();
        awaitOpen(entry, entry.depth);
    }

    @Override
    public boolean isClosed() {
        return closed;
    }

    /**
     * Counts the threads inside, and the units of work that outlive their threads (an
     * asynchronous request until it completes). The units are read before and after the threads.
     * After: a unit begun by a thread inside is there before the thread leaves, so a controller
     * that saw the thread leave sees the unit. Before: a thread that passed a closed gate for a
     * unit ({@link #enter(Unit)}) saw the unit open after it wrote its depth; if the unit closed
     * after the threads were read, it was still there when the units were read first.
     *
     * @return how many are inside the gate at this moment
     */
    @Override
    public int inFlight() {
        int unitsBefore = openUnits();
        int inside = 0;
        for (Entry entry : registry) {
            if (entry.depth > 0) {
                inside++;
            }
        }
        return inside + Math.max(unitsBefore, openUnits());
    }

    private int openUnits() {
        int open = 0;
        for (Unit unit : units) {
            open++;
        }
        return open;
    }

    /** @return how many callers wait at the closed gate now */
    public int waiting() {
        return waiting.get();
    }

    /**
     * Closes the gate and waits for the calls inside to finish, except the caller's own.
     * <p>
     * If the calls inside stop making progress while callers are held, an inside call may be
     * waiting for one of the held ones (a pool that runs handlers on another thread, an
     * executor): the gate then opens for a moment to let the held calls through, and tries
     * again, until the deadline.
     *
     * @param deadline how long to try in all
     * @param stall    how long the count inside may stay unchanged, with callers held, before
     *                 the held callers are let through
     * @return the outcome; when it is not {@link Drain#drained()}, the gate is open again
     */
    public Drain closeAndDrain(Duration deadline, Duration stall) {
        long start = System.nanoTime();
        long end = start + deadline.toNanos();
        int releases = 0;
        Entry own = entries.get();
        int ownDepth = own.depth;
        own.depth = 0;
        controller = Thread.currentThread();
        try {
            while (true) {
                closed = true;
                int inside = inFlight();
                long lastChange = System.nanoTime();
                int spins = 0;
                while (inside > 0) {
                    long now = System.nanoTime();
                    if (now - end >= 0) {
                        List<String> threads = threadsInside();
                        open();
                        return new Drain(false, releases, threads, Duration.ofNanos(now - start));
                    }
                    if (waiting.get() > 0 && now - lastChange >= stall.toNanos()) {
                        break;
                    }
                    backOff(spins++);
                    int count = inFlight();
                    if (count != inside) {
                        inside = count;
                        lastChange = System.nanoTime();
                    }
                }
                if (inside == 0) {
                    return new Drain(true, releases, List.of(), Duration.ofNanos(System.nanoTime() - start));
                }
                // Stalled with callers held: let them through, then close again.
                releases++;
                closed = false;
                long letThrough = System.nanoTime() + stall.toNanos();
                int rounds = 0;
                while (waiting.get() > 0 && System.nanoTime() - letThrough < 0) {
                    backOff(rounds++);
                }
            }
        } finally {
            own.depth = ownDepth;
        }
    }

    /** Opens the gate: held callers go on, woken now rather than at their next look. */
    public void open() {
        closed = false;
        controller = null;
        for (Thread thread : parked) {
            LockSupport.unpark(thread);
        }
    }

    /**
     * @return the threads inside the gate, each with where it is (its top frames), and the units
     *         of work that outlive their threads, each with what it is and since when
     */
    public List<String> threadsInside() {
        List<String> threads = new ArrayList<>();
        for (Entry entry : registry) {
            Thread thread = entry.thread.get();
            if (entry.depth > 0 && thread != null) {
                StringBuilder where = new StringBuilder("'").append(thread.getName()).append("'");
                StackTraceElement[] stack = thread.getStackTrace();
                for (int i = 0, shown = 0; i < stack.length && shown < 3; i++) {
                    if (!stack[i].getClassName().startsWith("hotfix.runtime.internal.")
                            && !stack[i].getClassName().startsWith("java.")) {
                        where.append(shown == 0 ? " at " : " < ").append(stack[i]);
                        shown++;
                    }
                }
                threads.add(where.toString());
            }
        }
        long now = System.nanoTime();
        for (Unit unit : units) {
            threads.add(unit.describe(now));
        }
        return threads;
    }

    /**
     * Waits at the closed gate out of the count, and returns counted at {@code depth}. A caller
     * stops counting as waiting only once it counts as inside again: a drain that lets held
     * callers through and then sees none waiting must find them inside, or it closes on them
     * before they are counted and holds them again, release after release.
     */
    private void awaitOpen(Entry entry, int depth) {
        waiting.incrementAndGet();
        Thread self = Thread.currentThread();
        boolean interrupted = false;
        try {
            do {
                entry.depth = 0;
                int spins = 0;
                while (closed) {
                    // an interrupted thread's park returns at once: keep the interrupt for later
                    interrupted |= Thread.interrupted();
                    if (spins < SPINS + YIELDS) {
                        backOff(spins++);
                    } else {
                        parked.add(self);
                        if (closed) {
                            LockSupport.parkNanos(this, HELD_PARK_NANOS);
                        }
                        parked.remove(self);
                    }
                }
                entry.depth = depth;
            } while (closed);
        } finally {
            waiting.decrementAndGet();
            if (interrupted) {
                self.interrupt();
            }
        }
    }

    private static void backOff(int round) {
        if (round < SPINS) {
            Thread.onSpinWait();
        } else if (round < SPINS + YIELDS) {
            Thread.yield();
        } else {
            LockSupport.parkNanos(PARK_NANOS);
        }
    }

    private Entry register() {
        Entry entry = new Entry(Thread.currentThread());
        registry.add(entry);
        // Forget threads that died: their entries can only be empty, and would otherwise pile up.
        // A sweep walks every entry, so it runs once per SWEEP_EVERY registrations, not at each.
        if (registrations.incrementAndGet() % SWEEP_EVERY == 0) {
            registry.removeIf(e -> e.thread.get() == null);
        }
        return entry;
    }

    /**
     * The outcome of {@link Gate#closeAndDrain(Duration, Duration)}.
     *
     * @param drained  whether every call inside finished; the gate is then closed
     * @param releases how many times held callers were let through because the drain stalled
     * @param inside   when not drained, the threads still inside and where they were, and the
     *                 units of work that outlive their threads
     * @param took     how long the drain took
     */
    public record Drain(boolean drained, int releases, List<String> inside, Duration took) {
    }
}
