package hotfix.runtime.internal.gate;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A unit of work held by a handle rather than by a thread: it is inside the gate from
 * {@link Gate#begin(String)} until {@link #close()}, which any thread may call, and which ends it
 * once however often it is called. An asynchronous HTTP request is one: it goes on after the
 * thread that started it has left, and ends when its {@code AsyncContext} completes, on whatever
 * thread that happens. Later parts of it enter with {@link Gate#enter(Unit)}.
 * <p>
 * The unit holds the versions it is pinned to, and a hotfix that waits for it names it.
 */
public final class Unit implements AutoCloseable {

    private final Gate gate;
    private final String what;
    private final String thread;
    private final long begun;
    private final AtomicBoolean open = new AtomicBoolean(true);
    /** The versions the unit is pinned to, whichever thread works for it. */
    final Pins pins = new Pins(true);

    Unit(Gate gate, String what, String thread, long begun) {
        this.gate = gate;
        this.what = what;
        this.thread = thread;
        this.begun = begun;
    }

    /** @return whether the unit is still inside the gate */
    public boolean isOpen() {
        return open.get();
    }

    /** Ends the unit of work: the gate stops counting it. The first call counts; later ones do nothing. */
    @Override
    public void close() {
        if (open.compareAndSet(true, false)) {
            gate.end(this);
        }
    }

    /** @return what the unit is, on which thread it began and how long ago, for a hotfix that gave up on it */
    String describe(long now) {
        return what + ", begun on '" + thread + "' " + TimeUnit.NANOSECONDS.toMillis(now - begun) + " ms ago";
    }

    @Override
    public String toString() {
        return describe(System.nanoTime());
    }
}
