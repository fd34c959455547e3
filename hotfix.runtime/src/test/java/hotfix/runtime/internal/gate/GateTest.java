package hotfix.runtime.internal.gate;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.Timeout;

import hotfix.runtime.internal.TestThreads;
import hotfix.runtime.internal.gate.Gate.Drain;

public class GateTest {

    private static final long WAIT_SECONDS = TestThreads.WAIT_SECONDS;
    private static final Duration LONG = Duration.ofSeconds(WAIT_SECONDS);
    private static final Duration SHORT = Duration.ofMillis(200);

    /** A broken gate deadlocks; fail instead of hanging the build. */
    @Rule
    public final Timeout timeout = Timeout.seconds(60);

    private final Gate gate = new Gate();
    private final Lineage target = gate.lineage("target");
    private final Lineage other = gate.lineage("other");
    private final AtomicBoolean stop = new AtomicBoolean();
    private final CountDownLatch finish = new CountDownLatch(1);

    @Rule
    public final TestThreads threads = new TestThreads(() -> {
        stop.set(true);
        finish.countDown();
        gate.release(target);
        gate.release(other);
    });

    @Test
    public void aLineageIsOnePerBundle() {
        assertTrue(gate.lineage("target") == target);
        assertEquals(0, target.generation());
    }

    @Test
    public void aUnitSeesTheGenerationItReachedFirstAndANewUnitTheNewest() {
        gate.enter();
        assertEquals(0, call(target));
        gate.advance(target, 1);
        assertEquals("the unit stays on the version it reached", 0, call(target));
        gate.advance(other, 1);
        assertEquals("pinned at its first call into a bundle, not at its start", 1, call(other));
        gate.leave();
        assertEquals("a new unit gets the newest", 1, call(target));
    }

    @Test
    public void anOutermostCallOutsideAnyUnitIsAUnitOfItsOwn() {
        int outer = gate.enter(target);
        gate.advance(target, 1);
        assertEquals("a nested call is part of the outermost one", outer, call(target));
        gate.leave();
        assertEquals(1, call(target));
    }

    @Test
    public void checkpointEndsTheUnitsPins() {
        gate.enter();
        call(target);
        gate.advance(target, 1);
        gate.checkpoint();
        assertEquals("after a checkpoint the next call goes to the newest", 1, call(target));
        gate.leave();
    }

    @Test
    public void enteringAUnitNeverWaits() throws Exception {
        assertTrue(gate.quiesce(target, LONG, LONG).drained());
        gate.enter();
        gate.leave();
        assertEquals("a call into another bundle is not held", 0, call(other));
        assertTrue(gate.isClosed());
        gate.release(target);
        assertFalse(gate.isClosed());
    }

    @Test
    public void leaveWithoutEnterThrows() {
        assertThrows(IllegalStateException.class, gate::leave);
    }

    @Test
    public void aQuiesceWaitsForAUnitPinnedToTheBundleAndHoldsNewCallsIntoIt() throws Exception {
        CountDownLatch pinned = new CountDownLatch(1);
        threads.start("pinned", () -> {
            gate.enter();
            call(target);
            pinned.countDown();
            finish.await(WAIT_SECONDS, TimeUnit.SECONDS);
            assertEquals("a unit pinned to the bundle passes a hold", 0, call(target));
            gate.leave();
        });
        await(pinned);
        FutureTask<Drain> quiesce = new FutureTask<>(() -> gate.quiesce(target, LONG, LONG));
        threads.start("controller", quiesce::run);
        TestThreads.awaitTrue(gate::isClosed, "the bundle is held");
        AtomicInteger reached = new AtomicInteger(-1);
        threads.start("new caller", () -> reached.set(call(target)));
        TestThreads.awaitTrue(() -> target.waiting() == 1, "the new call waits");
        assertFalse("the quiesce waits for the pinned unit", quiesce.isDone());
        finish.countDown();
        assertTrue(quiesce.get(WAIT_SECONDS, TimeUnit.SECONDS).drained());
        gate.advance(target, 1);
        assertEquals("still held", -1, reached.get());
        gate.release(target);
        TestThreads.awaitTrue(() -> reached.get() == 1, "the held call goes on, to the new version");
    }

    @Test
    public void aThreadBlockedInAnotherBundleIsNeitherWaitedForNorHeld() throws Exception {
        CountDownLatch inside = new CountDownLatch(1);
        threads.start("blocked elsewhere", () -> {
            gate.enter(other);
            try {
                inside.countDown();
                finish.await(WAIT_SECONDS, TimeUnit.SECONDS);
            } finally {
                gate.leave();
            }
        });
        await(inside);
        Drain drain = gate.quiesce(target, SHORT, SHORT);
        assertTrue("a call blocked in another bundle is not waited for: " + drain.inside(), drain.drained());
        assertEquals("nor is a call into it held", 0, call(other));
        gate.release(target);
    }

    @Test
    public void theControllerIsNeverHeldByItsOwnQuiesce() {
        gate.enter();
        call(target); // the controller's own unit is pinned, and not waited for
        assertTrue(gate.quiesce(target, SHORT, SHORT).drained());
        assertEquals("a handover that calls a sibling service goes through", 0, call(target));
        gate.leave();
        gate.release(target);
    }

    @Test
    public void aQuiescePastItsDeadlineNamesTheUnitReleasesAndTheHeldCallGoesOn() throws Exception {
        CountDownLatch pinned = new CountDownLatch(1);
        threads.start("slow unit", () -> {
            gate.enter();
            call(target);
            pinned.countDown();
            finish.await(WAIT_SECONDS, TimeUnit.SECONDS);
            gate.leave();
        });
        await(pinned);
        Drain drain = gate.quiesce(target, SHORT, LONG);
        assertFalse(drain.drained());
        assertEquals(1, drain.inside().size());
        assertTrue(drain.inside().get(0), drain.inside().get(0).startsWith("'slow unit'"));
        assertTrue(drain.inside().get(0), drain.inside().get(0).matches(".*in it for at least \\d+ ms"));
        assertFalse("released", gate.isClosed());
        assertEquals(0, call(target));
    }

    @Test
    public void aStalledQuiesceLetsHeldCallersThroughToTheOldVersionThenDrains() throws Exception {
        // the pinned unit waits for a call another thread makes into the bundle, as a sender
        // waits for Event Admin's pool
        CountDownLatch delivered = new CountDownLatch(1);
        CountDownLatch pinned = new CountDownLatch(1);
        AtomicInteger deliveredTo = new AtomicInteger(-1);
        threads.start("sender", () -> {
            gate.enter();
            call(target);
            pinned.countDown();
            assertTrue(delivered.await(WAIT_SECONDS, TimeUnit.SECONDS));
            gate.leave();
        });
        await(pinned);
        FutureTask<Drain> quiesce = new FutureTask<>(() -> gate.quiesce(target, LONG, Duration.ofMillis(50)));
        threads.start("controller", quiesce::run);
        TestThreads.awaitTrue(gate::isClosed, "the bundle is held");
        threads.start("pool", () -> {
            deliveredTo.set(call(target));
            delivered.countDown();
        });
        Drain drain = quiesce.get(WAIT_SECONDS, TimeUnit.SECONDS);
        assertTrue(drain.drained());
        assertTrue(drain.releases() >= 1);
        assertEquals("let through to the version that served", 0, deliveredTo.get());
        gate.release(target);
    }

    @Test
    public void anInterruptedHeldCallerStaysParkedAndKeepsItsInterrupt() throws Exception {
        assertTrue(gate.quiesce(target, LONG, LONG).drained());
        AtomicBoolean interrupted = new AtomicBoolean();
        Thread caller = threads.start("interrupted", () -> {
            call(target);
            interrupted.set(Thread.currentThread().isInterrupted());
        });
        TestThreads.awaitTrue(() -> target.waiting() == 1, "the caller is held");
        caller.interrupt();
        long cpuBefore = cpu(caller);
        Thread.sleep(200);
        long spent = cpu(caller) - cpuBefore;
        assertTrue("parked, not spinning: " + TimeUnit.NANOSECONDS.toMillis(spent) + " ms of CPU in 200 ms",
                spent < TimeUnit.MILLISECONDS.toNanos(100));
        gate.release(target);
        caller.join(TimeUnit.SECONDS.toMillis(WAIT_SECONDS));
        assertTrue("the interrupt is kept", interrupted.get());
    }

    @Test
    public void aHoldPastItsBoundLetsHeldCallersGoWhateverTheController() throws Exception {
        // a controller that never releases (it died) holds callers no longer than its deadline
        assertTrue(gate.quiesce(target, Duration.ZERO, LONG).drained());
        long start = System.nanoTime();
        assertEquals(0, call(target));
        assertTrue(System.nanoTime() - start < TimeUnit.SECONDS.toNanos(WAIT_SECONDS));
        gate.release(target);
    }

    @Test
    public void noUnitEverRunsInTheBundleUnseenWhileItIsQuiet() throws Exception {
        // callers race the hold: a pin is published before the generation is read, so either the
        // controller sees the unit, or the unit sees the hold
        AtomicBoolean quiet = new AtomicBoolean();
        AtomicInteger unseen = new AtomicInteger();
        for (int i = 0; i < 3; i++) {
            threads.start("caller " + i, () -> {
                while (!stop.get()) {
                    gate.enter(target);
                    if (quiet.get()) {
                        unseen.incrementAndGet();
                    }
                    gate.leave();
                }
            });
        }
        for (int round = 0; round < 200; round++) {
            assertTrue(gate.quiesce(target, LONG, LONG).drained());
            quiet.set(true);
            Thread.onSpinWait();
            quiet.set(false);
            gate.release(target);
        }
        assertEquals("calls that ran while the bundle was quiet", 0, unseen.get());
    }

    @Test
    public void aRetiringVersionWaitsOnlyForUnitsPinnedToItAndNamesThoseThatStay() throws Exception {
        CountDownLatch pinned = new CountDownLatch(2);
        CountDownLatch oldDone = new CountDownLatch(1);
        threads.start("old unit", () -> {
            gate.enter();
            call(target);
            pinned.countDown();
            oldDone.await(WAIT_SECONDS, TimeUnit.SECONDS);
            gate.leave();
        });
        threads.start("stays", () -> {
            gate.enter();
            call(other);
            pinned.countDown();
            finish.await(WAIT_SECONDS, TimeUnit.SECONDS);
            gate.leave();
        });
        await(pinned);
        gate.advance(target, 1);
        gate.advance(other, 1);
        gate.enter();
        call(target); // a unit on the new version is not waited for
        List<String> pinnedToOld = gate.awaitUnpinned(target, 0, Duration.ZERO);
        assertEquals(pinnedToOld.toString(), 1, pinnedToOld.size());
        assertTrue(pinnedToOld.get(0), pinnedToOld.get(0).startsWith("'old unit'"));
        assertEquals("nothing retires", List.of(), gate.retiring());
        FutureTask<List<String>> retire = new FutureTask<>(() -> gate.awaitUnpinned(target, 0, LONG));
        threads.start("retire", retire::run);
        TestThreads.awaitTrue(() -> gate.retiring().size() == 1, "the status names the unit the retire waits for");
        assertTrue(gate.retiring().get(0), gate.retiring().get(0).startsWith("target: 'old unit'"));
        oldDone.countDown();
        assertEquals(List.of(), retire.get(WAIT_SECONDS, TimeUnit.SECONDS));
        assertEquals(List.of(), gate.retiring());
        List<String> staying = gate.awaitUnpinned(other, 0, SHORT);
        assertEquals(staying.toString(), 1, staying.size());
        assertTrue(staying.get(0), staying.get(0).startsWith("'stays'"));
        gate.leave();
    }

    @Test
    public void aUnitOutlivesItsThreadKeepsItsPinsAndEndsWhereverItIsClosed() throws Exception {
        gate.enter();
        call(target);
        Unit unit = gate.begin("asynchronous request GET /x");
        gate.leave();
        assertEquals("the unit is in flight", 1, gate.inFlight());
        gate.advance(target, 1);
        List<String> staying = gate.awaitUnpinned(target, 0, Duration.ZERO);
        assertEquals(1, staying.size());
        assertTrue(staying.get(0), staying.get(0).startsWith("asynchronous request GET /x, begun on '"));
        AtomicInteger later = new AtomicInteger(-1);
        Thread part = threads.start("later part", () -> {
            gate.enter(unit);
            later.set(call(target));
            gate.leave();
            unit.close();
            unit.close();
        });
        part.join(TimeUnit.SECONDS.toMillis(WAIT_SECONDS));
        assertEquals("a later part sees the version the unit reached", 0, later.get());
        assertEquals(List.of(), gate.awaitUnpinned(target, 0, Duration.ZERO));
        assertEquals(0, gate.inFlight());
    }

    @Test
    public void theThreadsOfDeadThreadsAreForgottenAsNewOnesCome() throws Exception {
        for (int i = 0; i < 200; i++) {
            Thread thread = new Thread(() -> call(target));
            thread.start();
            thread.join();
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_SECONDS);
        int known;
        do {
            System.gc();
            Thread thread = new Thread(() -> call(target));
            thread.start();
            thread.join();
            known = gate.threadsKnown();
        } while (known > 100 && System.nanoTime() - deadline < 0);
        assertTrue("threads known: " + known, known <= 100);
    }

    private int call(Lineage lineage) {
        int generation = gate.enter(lineage);
        gate.leave();
        return generation;
    }

    private static long cpu(Thread thread) {
        return java.lang.management.ManagementFactory.getThreadMXBean().getThreadCpuTime(thread.getId());
    }

    private static void await(CountDownLatch latch) throws InterruptedException {
        assertTrue(latch.await(WAIT_SECONDS, TimeUnit.SECONDS));
    }
}
