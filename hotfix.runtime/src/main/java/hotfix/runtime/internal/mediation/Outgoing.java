package hotfix.runtime.internal.mediation;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * The calls one bundle makes through the proxies it got, watched while a hotfix retires that
 * bundle: whether it still works on its own threads after the commit. Event Admin delivers the
 * events posted to it on its own threads, through its handlers' proxies, and drops those not
 * yet delivered when its bundle stops.
 * <p>
 * Counted exactly once the watch is on: a call is counted when it enters a watched proxy and
 * uncounted when the same thread leaves it. A call that was already inside when the watch began
 * is not counted, so the watch begins before the quiesce drains every call inside. Calls
 * through the shared proxy of a singleton cannot be told apart by caller, and are not watched.
 */
public final class Outgoing {

    /** Per thread, how many watched calls it is inside. */
    private final Map<Thread, Integer> inside = new ConcurrentHashMap<>();
    private final LongAdder calls = new LongAdder();

    void entered() {
        calls.increment();
        inside.merge(Thread.currentThread(), 1, Integer::sum);
    }

    void left() {
        inside.computeIfPresent(Thread.currentThread(), (thread, depth) -> depth == 1 ? null : depth - 1);
    }

    /** @return how many calls the bundle began since the watch began */
    public long calls() {
        return calls.sum();
    }

    /** @return whether the bundle is inside a call now */
    public boolean busy() {
        return !inside.isEmpty();
    }

    /** @return how many calls, and the threads inside one now */
    @Override
    public String toString() {
        return calls() + " call(s), inside one now: " + inside.keySet().stream().map(Thread::getName).toList();
    }
}
