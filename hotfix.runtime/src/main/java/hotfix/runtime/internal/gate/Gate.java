package hotfix.runtime.internal.gate;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.lang.ref.ReferenceQueue;
import java.lang.ref.WeakReference;
import java.time.Duration;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

import hotfix.runtime.api.QuiesceGate;

/**
 * Units of work and the versions they are pinned to. A unit of work (an HTTP request, an explicit
 * unit, or one outermost proxied call) is pinned to a bundle's {@link Lineage generation} at its
 * first call into that bundle, and each later call it makes there goes to that generation.
 * <p>
 * Nothing is shared on the callers' path: each thread keeps its unit's pins in its own
 * {@link Entry}, and a hotfix that must know which units are pinned to a version walks them. A
 * hotfix that holds nothing only advances a generation; one that must copy state or redefine
 * classes {@linkplain #quiesce(Lineage, Duration, Duration) holds} new calls into one bundle, and
 * waits only for the units pinned to it.
 */
public final class Gate implements QuiesceGate {

    private static final VarHandle DEPTH;

    static {
        try {
            DEPTH = MethodHandles.lookup().findVarHandle(Entry.class, "depth", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** How long a hotfix that waits for units sleeps between two looks, once it has spun. */
    private static final long LOOK_NANOS = 50_000;
    private static final int SPINS = 32;
    /** How far past its deadline a hold is, for the held callers, if its controller never released it. */
    private static final long HOLD_MARGIN_NANOS = TimeUnit.SECONDS.toNanos(1);

    private final ThreadLocal<Entry> entries = ThreadLocal.withInitial(this::register);
    private final Set<Entry> registry = ConcurrentHashMap.newKeySet();
    private final ReferenceQueue<Thread> dead = new ReferenceQueue<>();
    /** Units of work that outlive their threads, while open. */
    private final Set<Unit> units = ConcurrentHashMap.newKeySet();
    private final Map<String, Lineage> lineages = new ConcurrentHashMap<>();
    private final AtomicInteger holding = new AtomicInteger();
    /** The versions being retired now: by lineage, the generation whose units are waited for. */
    private final Map<Lineage, Integer> retiring = new ConcurrentHashMap<>();

    /**
     * One thread's place: how deep it is in units of work and proxied calls (its unit ends when
     * this returns to 0), and the pins of the unit it works for: its own, or those of a unit that
     * outlives it. Forgotten once its thread is collected. Public, with nothing public, for the
     * generated proxies: a proxied call looks its thread's up once ({@link #caller()}) and hands it
     * to {@link #enter(Lineage, Entry)} and {@link #leave(Entry)}.
     */
    public static final class Entry extends WeakReference<Thread> {
        final Pins own = new Pins(false);
        /** The owner's alone. */
        Pins pins = own;
        /** Written by the owner only; read by {@link #inFlight()}. */
        int depth;

        Entry(Thread thread, ReferenceQueue<Thread> queue) {
            super(thread, queue);
        }
    }

    /** @return the versions of the bundle with this symbolic name, the same object every time */
    public Lineage lineage(String symbolicName) {
        return lineages.computeIfAbsent(symbolicName, Lineage::new);
    }

    // ---- the callers' side: one thread-local lookup, and a look at the pins ----

    /**
     * Enters a proxied call into a bundle: the call is part of the caller's unit of work, or a
     * unit of its own if the caller is in none. Waits only while the bundle is held and the unit is
     * not pinned to it yet. Matched by {@link #leave()}.
     *
     * @return the generation of the bundle the call goes to
     */
    public int enter(Lineage lineage) {
        return enter(lineage, entries.get());
    }

    /** @return the calling thread's place, for {@link #enter(Lineage, Entry)} and {@link #leave(Entry)} */
    public Entry caller() {
        return entries.get();
    }

    /**
     * {@link #enter(Lineage)}, for the thread whose place is given: a proxied call looks it up once
     * for its enter and its leave.
     */
    public int enter(Lineage lineage, Entry entry) {
        Pins pins = entry.pins;
        int depth = entry.depth;
        DEPTH.setOpaque(entry, depth + 1);
        if (depth == 0 && pins.isEmptyOwn()) {
            // an outermost call outside any unit: a unit of its own
            int generation = pins.pinFirst(lineage);
            return generation != Pins.NONE ? generation : lineage.pinWhenReleased(pins);
        }
        int generation = pins.generationOf(lineage);
        return generation >= 0 ? generation : pinLater(pins, lineage);
    }

    private static int pinLater(Pins pins, Lineage lineage) {
        int generation = pins.pin(lineage, Thread.currentThread());
        return generation != Pins.NONE ? generation : lineage.pinWhenReleased(pins);
    }

    /** Enters a unit of work, or a nested level of the one this thread is in; never waits. */
    @Override
    public void enter() {
        Entry entry = entries.get();
        DEPTH.setOpaque(entry, entry.depth + 1);
    }

    /**
     * Enters a later part of a unit of work that outlives its threads (the dispatch of an
     * asynchronous request, on whatever thread): its calls are pinned as the unit's. Matched by
     * {@link #leave()}.
     */
    public void enter(Unit unit) {
        Entry entry = entries.get();
        int depth = entry.depth;
        if (depth == 0 && unit.isOpen()) {
            entry.pins = unit.pins;
        }
        DEPTH.setOpaque(entry, depth + 1);
    }

    @Override
    public void leave() {
        leave(entries.get());
    }

    /** {@link #leave()}, for the thread whose place is given: see {@link #enter(Lineage, Entry)}. */
    public void leave(Entry entry) {
        int depth = entry.depth;
        if (depth <= 0) {
            throw new IllegalStateException("leave() without enter() on thread " + Thread.currentThread().getName());
        }
        if (depth == 1) {
            // the unit ends: its pins end with it, before it counts as gone
            Pins own = entry.own;
            own.clear();
            if (entry.pins != own) {
                entry.pins = own;
            }
        }
        DEPTH.setOpaque(entry, depth - 1);
    }

    /**
     * Begins a unit of work that outlives the calling thread's stay (an asynchronous request): it
     * keeps the versions the thread's unit reached so far, and those it reaches later on any thread
     * ({@link #enter(Unit)}), until {@link Unit#close()}, which any thread may call.
     *
     * @param what what the unit is, as a hotfix that gives up waiting for it names it
     */
    public Unit begin(String what) {
        Entry entry = entries.get();
        Unit unit = new Unit(this, what, Thread.currentThread().getName(), System.nanoTime());
        unit.pins.copyFrom(entry.pins);
        units.add(unit);
        if (entry.depth > 0) {
            entry.pins = unit.pins;
        }
        return unit;
    }

    /** Stops counting a unit: {@link Unit#close()}, once. */
    void end(Unit unit) {
        units.remove(unit);
        unit.pins.clear();
    }

    @Override
    public void checkpoint() {
        Pins pins = entries.get().pins;
        if (!pins.isEmpty()) {
            pins.clear();
        }
    }

    @Override
    public boolean isClosed() {
        return holding.get() > 0;
    }

    /** @return the threads in a unit of work or a proxied call now, and the units that outlive their threads */
    @Override
    public int inFlight() {
        int inside = 0;
        for (Entry entry : registry) {
            if ((int) DEPTH.getOpaque(entry) > 0) {
                inside++;
            }
        }
        return inside + units.size();
    }

    /** @return how many threads the gate knows now; those that died are forgotten as new ones register */
    int threadsKnown() {
        return registry.size();
    }

    // ---- the controller's side ----

    /** Moves the calls that pin {@code lineage} from now on to generation {@code next}. */
    public void advance(Lineage lineage, int next) {
        lineage.advance(next);
    }

    /**
     * Holds new calls into a bundle, and waits until no unit of work is pinned to it, except the
     * caller's own. Units pinned to it finish; new calls into it wait, and nothing else does.
     * <p>
     * If the units pinned to it do not change for {@code stall} while callers are held, one of
     * those units may be waiting for a held caller (a pool that runs handlers on another thread,
     * an executor): the held callers are let through to the version that serves, and the hold
     * begins again, until the deadline.
     *
     * @return the outcome; when it is not {@link Drain#drained()}, the lineage is released
     */
    public Drain quiesce(Lineage lineage, Duration deadline, Duration stall) {
        long start = System.nanoTime();
        long end = start + deadline.toNanos();
        Entry own = entries.get();
        lineage.countFromNow();
        lineage.hold(Thread.currentThread(), end + HOLD_MARGIN_NANOS);
        holding.incrementAndGet();
        Map<Object, Long> firstSeen = new IdentityHashMap<>();
        List<Object> pinned = pinned(lineage, Integer.MAX_VALUE, own);
        long lastChange = start;
        int releases = 0;
        int spins = 0;
        while (!pinned.isEmpty()) {
            long now = System.nanoTime();
            for (Object holder : pinned) {
                firstSeen.putIfAbsent(holder, now);
            }
            if (now - end >= 0) {
                release(lineage);
                return new Drain(false, releases, describe(pinned, firstSeen, now), Duration.ofNanos(now - start));
            }
            if (lineage.waiting() > 0 && now - lastChange >= stall.toNanos()) {
                releases++;
                lineage.letThrough(stall.toNanos());
                lastChange = System.nanoTime();
            }
            pause(spins++);
            List<Object> next = pinned(lineage, Integer.MAX_VALUE, own);
            if (!sameHolders(next, pinned)) {
                lastChange = System.nanoTime();
            }
            pinned = next;
        }
        return new Drain(true, releases, List.of(), Duration.ofNanos(System.nanoTime() - start));
    }

    /** Stops holding new calls into a bundle: they go on, to whatever generation serves now. */
    public void release(Lineage lineage) {
        if (lineage.isHeld()) {
            lineage.release();
            holding.decrementAndGet();
        }
    }

    /**
     * Waits, at most {@code deadline}, until no unit of work is pinned to {@code generation} of a
     * bundle or an earlier one, as a version retires once its last unit has left.
     *
     * @return the units still pinned at the deadline, each with where it is and since when; empty
     *         if none is
     */
    public List<String> awaitUnpinned(Lineage lineage, int generation, Duration deadline) {
        retiring.put(lineage, generation);
        try {
            return awaitUnpinnedNow(lineage, generation, deadline);
        } finally {
            retiring.remove(lineage);
        }
    }

    private List<String> awaitUnpinnedNow(Lineage lineage, int generation, Duration deadline) {
        long start = System.nanoTime();
        Entry own = entries.get();
        Map<Object, Long> firstSeen = new IdentityHashMap<>();
        int spins = 0;
        while (true) {
            List<Object> pinned = pinned(lineage, generation, own);
            long now = System.nanoTime();
            if (pinned.isEmpty()) {
                return List.of();
            }
            for (Object holder : pinned) {
                firstSeen.putIfAbsent(holder, now);
            }
            if (now - start >= deadline.toNanos()) {
                return describe(pinned, firstSeen, now);
            }
            pause(spins++);
        }
    }

    /** @return the units of work pinned to any version of the bundle now, each with where it is */
    public List<String> pinnedTo(Lineage lineage) {
        return describe(pinned(lineage, Integer.MAX_VALUE, null), Map.of(), System.nanoTime());
    }

    /** @return the units of work that a retiring version waits for now, each with the bundle and where it is */
    public List<String> retiring() {
        List<String> units = new ArrayList<>();
        retiring.forEach((lineage, generation) -> describe(pinned(lineage, generation, null), Map.of(),
                System.nanoTime()).forEach(unit -> units.add(lineage.name() + ": " + unit)));
        return units;
    }

    private List<Object> pinned(Lineage lineage, int generation, Entry except) {
        List<Object> holders = new ArrayList<>();
        for (Entry entry : registry) {
            if (entry != except && entry.own.pinsAtOrBefore(lineage, generation)) {
                holders.add(entry);
            }
        }
        for (Unit unit : units) {
            if (except != null && except.pins == unit.pins) {
                continue;
            }
            if (unit.pins.pinsAtOrBefore(lineage, generation)) {
                holders.add(unit);
            }
        }
        return holders;
    }

    private static boolean sameHolders(List<Object> a, List<Object> b) {
        if (a.size() != b.size()) {
            return false;
        }
        for (int i = 0; i < a.size(); i++) {
            if (a.get(i) != b.get(i)) {
                return false;
            }
        }
        return true;
    }

    /** Each unit waited for: the thread and where it is (its top frames), or what the unit is, and since when. */
    private static List<String> describe(List<Object> holders, Map<Object, Long> firstSeen, long now) {
        List<String> described = new ArrayList<>();
        for (Object holder : holders) {
            if (holder instanceof Unit unit) {
                described.add(unit.describe(now));
                continue;
            }
            Thread thread = ((Entry) holder).get();
            if (thread == null) {
                continue;
            }
            StringBuilder where = new StringBuilder("'").append(thread.getName()).append("'");
            StackTraceElement[] stack = thread.getStackTrace();
            for (int i = 0, shown = 0; i < stack.length && shown < 3; i++) {
                String type = stack[i].getClassName();
                if (!type.startsWith("hotfix.runtime.internal.") && !type.startsWith("java.")
                        && !type.startsWith("jdk.")) {
                    where.append(shown == 0 ? " at " : " < ").append(stack[i]);
                    shown++;
                }
            }
            Long seen = firstSeen.get(holder);
            if (seen != null) {
                where.append(", in it for at least ").append(TimeUnit.NANOSECONDS.toMillis(now - seen)).append(" ms");
            }
            described.add(where.toString());
        }
        return described;
    }

    private static void pause(int round) {
        if (round < SPINS) {
            Thread.onSpinWait();
        } else {
            LockSupport.parkNanos(LOOK_NANOS);
        }
    }

    private Entry register() {
        // forget the threads that died since the last registration: only they are on the queue
        for (Object gone = dead.poll(); gone != null; gone = dead.poll()) {
            registry.remove(gone);
        }
        Entry entry = new Entry(Thread.currentThread(), dead);
        registry.add(entry);
        return entry;
    }

    /**
     * The outcome of {@link Gate#quiesce(Lineage, Duration, Duration)}.
     *
     * @param drained  whether every unit pinned to the bundle finished; new calls into it are then held
     * @param releases how many times held callers were let through because the wait stalled
     * @param inside   when not drained, the units still pinned to the bundle: the thread and where
     *                 it is, or what the unit is, and since when
     * @param took     how long the wait took
     */
    public record Drain(boolean drained, int releases, List<String> inside, Duration took) {
    }
}
