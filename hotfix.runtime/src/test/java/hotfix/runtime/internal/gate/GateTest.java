package hotfix.runtime.internal.gate;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;

import java.time.Duration;
import java.util.Arrays;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.FutureTask;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;

import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.Timeout;

import hotfix.runtime.internal.TestThreads;
import hotfix.runtime.internal.gate.Gate.Drain;

public class GateTest {

    private static final long WAIT_SECONDS = TestThreads.WAIT_SECONDS;
    private static final Duration LONG = Duration.ofSeconds(WAIT_SECONDS);

    /** A broken gate deadlocks; fail instead of hanging the build. */
    @Rule
    public final Timeout timeout = Timeout.seconds(60);

    private final Gate gate = new Gate();
    private final AtomicBoolean stop = new AtomicBoolean();

    @Rule
    public final TestThreads threads = new TestThreads(() -> {
        stop.set(true);
        gate.open();
    });

    @Test
    public void aThreadInsidePassesAClosedGate() throws Exception {
        CountDownLatch entered = new CountDownLatch(1);
        CountDownLatch closed = new CountDownLatch(1);
        CountDownLatch nestedPassed = new CountDownLatch(1);
        threads.start("inside", () -> {
            gate.enter();
            try {
                entered.countDown();
                await(closed);
                gate.enter();
                nestedPassed.countDown();
                gate.leave();
            } finally {
                gate.leave();
            }
        });
        await(entered);
        FutureTask<Drain> drain = drainInBackground(LONG, LONG);
        TestThreads.awaitTrue(gate::isClosed, "the gate closes");
        closed.countDown();
        assertTrue("a nested enter() waited at the gate its own thread holds open", nestedPassed.await(WAIT_SECONDS, TimeUnit.SECONDS));
        assertTrue(drain.get(WAIT_SECONDS, TimeUnit.SECONDS).drained());
    }

    @Test
    public void theControllerDoesNotWaitForItsOwnCall() {
        gate.enter();
        Drain drain = gate.closeAndDrain(LONG, LONG);
        assertTrue(drain.drained());
        assertTrue(gate.isClosed());
        gate.enter();
        gate.leave();
        assertEquals(1, gate.inFlight());
        gate.leave();
        assertEquals(0, gate.inFlight());
    }

    @Test
    public void closeAndDrainWaitsForACallInside() throws Exception {
        CountDownLatch entered = new CountDownLatch(1);
        CountDownLatch finish = new CountDownLatch(1);
        threads.start("inside", () -> {
            gate.enter();
            try {
                entered.countDown();
                await(finish);
            } finally {
                gate.leave();
            }
        });
        await(entered);
        FutureTask<Drain> drain = drainInBackground(LONG, LONG);
        assertThrows(TimeoutException.class, () -> drain.get(200, TimeUnit.MILLISECONDS));
        assertTrue(gate.isClosed());
        assertEquals(1, gate.inFlight());

        finish.countDown();
        Drain drained = drain.get(WAIT_SECONDS, TimeUnit.SECONDS);
        assertTrue(drained.drained());
        assertEquals(0, drained.releases());
        assertTrue(drained.inside().isEmpty());
        assertTrue(gate.isClosed());
        assertEquals(0, gate.inFlight());
    }

    @Test
    public void theThreadThatClosedTheGateIsNeverHeldByIt() throws Exception {
        // a state handover that calls a sibling service of its bundle, through its held proxy
        FutureTask<Boolean> controller = new FutureTask<>(() -> {
            assertTrue(gate.closeAndDrain(LONG, LONG).drained());
            gate.enter();
            gate.leave();
            gate.enterPassing();
            gate.holdHere();
            gate.checkpoint();
            gate.leave();
            assertTrue("still closed for everyone else", gate.isClosed());
            gate.open();
            return true;
        });
        threads.start("controller", controller::run);

        assertTrue(controller.get(WAIT_SECONDS, TimeUnit.SECONDS));
    }

    @Test
    public void anInterruptedHeldCallerStaysParkedAndKeepsItsInterrupt() throws Exception {
        assertTrue(gate.closeAndDrain(LONG, LONG).drained());
        AtomicBoolean interruptedAfter = new AtomicBoolean();
        CountDownLatch passed = new CountDownLatch(1);
        Thread caller = threads.start("interrupted-caller", () -> {
            gate.enter();
            interruptedAfter.set(Thread.currentThread().isInterrupted());
            gate.leave();
            passed.countDown();
        });
        TestThreads.awaitTrue(() -> gate.waiting() == 1, "the caller waits");
        caller.interrupt();

        // a held caller that spins is RUNNABLE whenever it is looked at; a parked one is not
        int running = 0;
        for (int i = 0; i < 50; i++) {
            Thread.sleep(5);
            if (caller.getState() == Thread.State.RUNNABLE) {
                running++;
            }
        }
        assertTrue("an interrupted held caller spun: RUNNABLE " + running + " times of 50", running < 10);
        assertEquals("still held", 1, gate.waiting());

        gate.open();
        assertTrue(passed.await(WAIT_SECONDS, TimeUnit.SECONDS));
        assertTrue("the interrupt is the caller's to see, after the gate", interruptedAfter.get());
    }

    @Test
    public void holdsNewCallersWhileClosedAndLetsThemGoWhenOpen() throws Exception {
        assertTrue(gate.closeAndDrain(LONG, LONG).drained());
        CountDownLatch passed = new CountDownLatch(1);
        threads.start("caller", () -> {
            gate.enter();
            passed.countDown();
            gate.leave();
        });
        TestThreads.awaitTrue(() -> gate.waiting() == 1, "the caller waits");
        assertFalse(passed.await(100, TimeUnit.MILLISECONDS));
        assertEquals("a held caller is not inside", 0, gate.inFlight());

        gate.open();
        assertTrue(passed.await(WAIT_SECONDS, TimeUnit.SECONDS));
        TestThreads.awaitTrue(() -> gate.waiting() == 0, "nobody waits");
    }

    @Test
    public void aDrainPastItsDeadlineNamesTheThreadInsideAndReopens() throws Exception {
        CountDownLatch entered = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        Thread stuck = threads.start("stuck-worker", () -> {
            gate.enter();
            try {
                entered.countDown();
                await(release);
            } finally {
                gate.leave();
            }
        });
        await(entered);
        Drain drain = gate.closeAndDrain(Duration.ofMillis(200), LONG);
        try {
            assertFalse(drain.drained());
            assertTrue(drain.took().compareTo(Duration.ofMillis(200)) >= 0);
            assertEquals(drain.inside().toString(), 1, drain.inside().size());
            String where = drain.inside().get(0);
            assertTrue(where, where.startsWith("'stuck-worker' at "));
            // Every frame shown is a frame the thread is in: it has not moved since.
            Set<String> frames = Arrays.stream(stuck.getStackTrace()).map(StackTraceElement::toString).collect(Collectors.toSet());
            for (String frame : where.substring("'stuck-worker' at ".length()).split(" < ")) {
                assertTrue(frame + " is not in " + frames, frames.contains(frame));
            }
            assertFalse("the gate opens again", gate.isClosed());
            gate.enter();
            gate.leave();
        } finally {
            release.countDown();
        }
    }

    /**
     * Like Event Admin's synchronous {@code sendEvent}: the call inside hands work to a pool
     * thread and waits for it, and the pool thread's own call is held at the closed gate.
     */
    @Test
    public void aStalledDrainLetsHeldCallersThroughAndThenDrains() throws Exception {
        CountDownLatch entered = new CountDownLatch(1);
        CountDownLatch closing = new CountDownLatch(1);
        CountDownLatch task = new CountDownLatch(1);
        CountDownLatch handled = new CountDownLatch(1);
        AtomicBoolean sent = new AtomicBoolean();
        threads.start("event-pool", () -> {
            await(task);
            gate.enter();
            try {
                handled.countDown();
            } finally {
                gate.leave();
            }
        });
        threads.start("sender", () -> {
            gate.enter();
            try {
                entered.countDown();
                await(closing);
                task.countDown();
                sent.set(handled.await(WAIT_SECONDS, TimeUnit.SECONDS));
            } finally {
                gate.leave();
            }
        });
        await(entered);
        FutureTask<Drain> drain = drainInBackground(LONG, Duration.ofMillis(50));
        TestThreads.awaitTrue(gate::isClosed, "the gate closes");
        closing.countDown();

        Drain drained = drain.get(WAIT_SECONDS, TimeUnit.SECONDS);
        assertTrue(drained.drained());
        assertTrue(drained.releases() > 0);
        assertTrue(drained.took().toString(), drained.took().compareTo(Duration.ofSeconds(5)) < 0);
        assertTrue(sent.get());
        assertTrue(gate.isClosed());
        assertEquals(0, gate.inFlight());
    }

    @Test
    public void checkpointLetsADrainCompleteWhileALoopNeverLeaves() throws Exception {
        AtomicLong iterations = new AtomicLong();
        threads.start("loop", () -> {
            gate.enter();
            try {
                while (!stop.get()) {
                    gate.checkpoint();
                    iterations.incrementAndGet();
                }
            } finally {
                gate.leave();
            }
        });
        TestThreads.awaitTrue(() -> iterations.get() > 0, "the loop runs");
        assertEquals(1, gate.inFlight());

        Drain drain = gate.closeAndDrain(LONG, LONG);
        assertTrue(drain.drained());
        TestThreads.awaitTrue(() -> gate.waiting() == 1, "the loop waits at its checkpoint");
        long frozen = iterations.get();
        assertEquals(0, gate.inFlight());
        assertEquals(frozen, iterations.get());

        gate.open();
        TestThreads.awaitTrue(() -> iterations.get() > frozen, "the loop runs again");
        TestThreads.awaitTrue(() -> gate.inFlight() == 1, "the loop is inside again");
    }

    @Test
    public void leaveWithoutEnterThrows() {
        IllegalStateException e = assertThrows(IllegalStateException.class, gate::leave);
        assertTrue(e.getMessage(), e.getMessage().contains(Thread.currentThread().getName()));
        gate.enter();
        gate.leave();
        assertThrows(IllegalStateException.class, gate::leave);
        assertEquals(0, gate.inFlight());
    }

    @Test
    public void enterPassingIsCountedButNeverHeld() throws Exception {
        assertTrue(gate.closeAndDrain(LONG, LONG).drained());
        CountDownLatch passed = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        threads.start("passing", () -> {
            gate.enterPassing();
            try {
                passed.countDown();
                await(release);
            } finally {
                gate.leave();
            }
        });
        assertTrue(passed.await(WAIT_SECONDS, TimeUnit.SECONDS));
        assertEquals(1, gate.inFlight());
        assertEquals(0, gate.waiting());

        // Counted: the next drain waits for it.
        gate.open();
        Drain drain = gate.closeAndDrain(Duration.ofMillis(100), LONG);
        assertFalse(drain.drained());
        assertEquals(1, drain.inside().size());
        release.countDown();
        TestThreads.awaitTrue(() -> gate.inFlight() == 0, "the passing call leaves");
    }

    /**
     * Callers, nested callers and a checkpointing loop hammer the gate while a controller closes,
     * drains and opens it again and again: whenever it reports drained, nothing may be running.
     */
    @Test
    public void aDrainedGateHasNothingRunning() throws Exception {
        AtomicInteger running = new AtomicInteger();
        AtomicLong calls = new AtomicLong();
        for (int i = 0; i < 4; i++) {
            threads.start("caller-" + i, () -> {
                ThreadLocalRandom random = ThreadLocalRandom.current();
                while (!stop.get()) {
                    gate.enter();
                    try {
                        running.incrementAndGet();
                        if (random.nextBoolean()) {
                            gate.enter();
                            gate.leave();
                        }
                        for (int spin = random.nextInt(64); spin > 0; spin--) {
                            Thread.onSpinWait();
                        }
                        running.decrementAndGet();
                    } finally {
                        gate.leave();
                    }
                    calls.incrementAndGet();
                }
            });
        }
        threads.start("loop", () -> {
            gate.enter();
            try {
                while (!stop.get()) {
                    gate.checkpoint();
                    running.incrementAndGet();
                    Thread.onSpinWait();
                    running.decrementAndGet();
                    calls.incrementAndGet();
                }
            } finally {
                gate.leave();
            }
        });

        int drained = 0;
        for (int cycle = 0; cycle < 300; cycle++) {
            long before = calls.get();
            TestThreads.awaitTrue(() -> calls.get() > before + 10, "calls go on between drains");
            Drain drain = gate.closeAndDrain(LONG, LONG);
            try {
                assertTrue("cycle " + cycle + ": " + drain, drain.drained());
                drained++;
                for (int look = 0; look < 1_000; look++) {
                    int now = running.get();
                    if (now != 0) {
                        throw new AssertionError("cycle " + cycle + ": drained, yet " + now + " calls are running");
                    }
                    Thread.onSpinWait();
                }
                assertEquals(0, gate.inFlight());
            } finally {
                gate.open();
            }
        }
        assertEquals(300, drained);
    }

    @Test
    public void aUnitOutlivesItsThreadAndADrainWaitsUntilItIsClosedOnAnother() throws Exception {
        FutureTask<Unit> began = new FutureTask<>(() -> {
            gate.enter();
            try {
                return gate.begin("asynchronous request GET /slow");
            } finally {
                gate.leave();
            }
        });
        Thread request = threads.start("request", began::run);
        Unit unit = began.get(WAIT_SECONDS, TimeUnit.SECONDS);
        request.join(TimeUnit.SECONDS.toMillis(WAIT_SECONDS));
        assertFalse("the thread that began it ended", request.isAlive());
        assertEquals(1, gate.inFlight());

        FutureTask<Drain> drain = drainInBackground(LONG, LONG);
        assertThrows(TimeoutException.class, () -> drain.get(200, TimeUnit.MILLISECONDS));
        threads.start("completion", unit::close);

        assertTrue(drain.get(WAIT_SECONDS, TimeUnit.SECONDS).drained());
        assertEquals(0, gate.inFlight());
        assertFalse(unit.isOpen());
    }

    @Test
    public void aClosedUnitIsNotWaitedFor() {
        gate.begin("asynchronous request GET /done").close();

        assertEquals(0, gate.inFlight());
        Drain drain = gate.closeAndDrain(LONG, LONG);
        assertTrue(drain.drained());
        assertEquals(0, drain.releases());
    }

    @Test
    public void aUnitLeavesOnceHoweverOftenAndWhereverItIsClosed() throws Exception {
        Unit completed = gate.begin("asynchronous request GET /completed");
        Unit other = gate.begin("asynchronous request GET /other");
        CountDownLatch go = new CountDownLatch(1);
        CountDownLatch closed = new CountDownLatch(4);
        for (int i = 0; i < 4; i++) {
            threads.start("completion-" + i, () -> {
                await(go);
                completed.close();
                completed.close();
                closed.countDown();
            });
        }
        go.countDown();
        await(closed);

        assertEquals("the other unit is still counted", 1, gate.inFlight());
        Drain drain = gate.closeAndDrain(Duration.ofMillis(100), LONG);
        assertFalse(drain.drained());
        assertEquals(1, drain.inside().size());
        assertTrue(drain.inside().toString(), drain.inside().get(0).startsWith("asynchronous request GET /other"));
        other.close();
        assertEquals(0, gate.inFlight());
    }

    @Test
    public void aDrainPastItsDeadlineNamesTheUnitItWaitedForAndSinceWhen() throws Exception {
        FutureTask<Unit> began = new FutureTask<>(() -> gate.begin("asynchronous request GET /never"));
        threads.start("qtp-request-7", began::run);
        try (Unit unit = began.get(WAIT_SECONDS, TimeUnit.SECONDS)) {
            Drain drain = gate.closeAndDrain(Duration.ofMillis(200), LONG);

            assertFalse(drain.drained());
            assertEquals(drain.inside().toString(), 1, drain.inside().size());
            String named = drain.inside().get(0);
            assertTrue(named, named.matches("asynchronous request GET /never, begun on 'qtp-request-7' \\d+ ms ago"));
            long ago = Long.parseLong(named.replaceAll(".* (\\d+) ms ago", "$1"));
            assertTrue(named, ago >= 200);
            assertFalse("the gate opens again", gate.isClosed());
            assertTrue(unit.isOpen());
        }
    }

    @Test
    public void aUnitBegunAtAClosedGateWaitsForItToOpen() throws Exception {
        assertTrue(gate.closeAndDrain(LONG, LONG).drained());
        FutureTask<Unit> began = new FutureTask<>(() -> gate.begin("asynchronous request GET /late"));
        threads.start("late-request", began::run);
        TestThreads.awaitTrue(() -> gate.waiting() == 1, "the request waits");
        assertThrows(TimeoutException.class, () -> began.get(100, TimeUnit.MILLISECONDS));
        assertEquals(0, gate.inFlight());

        gate.open();
        try (Unit unit = began.get(WAIT_SECONDS, TimeUnit.SECONDS)) {
            assertEquals(1, gate.inFlight());
        }
    }

    /**
     * Like the dispatch of an asynchronous request that a drain waits for: a later part of a unit
     * inside passes the gate the unit holds closed, and so does what it calls.
     */
    @Test
    public void aLaterPartOfAUnitInsidePassesAClosedGate() throws Exception {
        Unit unit = gate.begin("asynchronous request GET /dispatched");
        FutureTask<Drain> drain = drainInBackground(LONG, LONG);
        TestThreads.awaitTrue(gate::isClosed, "the gate closes");
        CountDownLatch passed = new CountDownLatch(1);

        threads.start("dispatch", () -> {
            gate.enter(unit);
            try {
                gate.enterPassing();
                gate.holdHere();
                gate.leave();
                passed.countDown();
            } finally {
                gate.leave();
                unit.close();
            }
        });

        assertTrue("a part of the unit waited for the drain that waits for the unit",
                passed.await(WAIT_SECONDS, TimeUnit.SECONDS));
        Drain drained = drain.get(WAIT_SECONDS, TimeUnit.SECONDS);
        assertTrue(drained.drained());
        assertEquals(0, drained.releases());
    }

    @Test
    public void aPartOfAClosedUnitIsHeldAsAnyCaller() throws Exception {
        Unit unit = gate.begin("asynchronous request GET /over");
        unit.close();
        assertTrue(gate.closeAndDrain(LONG, LONG).drained());
        CountDownLatch passed = new CountDownLatch(1);

        threads.start("late-part", () -> {
            gate.enter(unit);
            passed.countDown();
            gate.leave();
        });

        TestThreads.awaitTrue(() -> gate.waiting() == 1, "the part waits");
        assertFalse(passed.await(100, TimeUnit.MILLISECONDS));
        gate.open();
        assertTrue(passed.await(WAIT_SECONDS, TimeUnit.SECONDS));
    }

    // ---- helpers


    private FutureTask<Drain> drainInBackground(Duration deadline, Duration stall) {
        FutureTask<Drain> drain = new FutureTask<>(() -> gate.closeAndDrain(deadline, stall));
        threads.start("controller", drain::run);
        return drain;
    }


    private static void await(CountDownLatch latch) throws InterruptedException {
        if (!latch.await(WAIT_SECONDS, TimeUnit.SECONDS)) {
            throw new AssertionError("timed out on a latch");
        }
    }


    @Test
    public void aPassingLevelGrantsNoWayThroughAClosedGate() throws Exception {
        Gate gate = new Gate();
        assertTrue(gate.closeAndDrain(Duration.ofSeconds(5), Duration.ofMillis(100)).drained());
        CountDownLatch passed = new CountDownLatch(1);
        CountDownLatch entered = new CountDownLatch(1);
        Thread caller = new Thread(() -> {
            gate.enterPassing();
            entered.countDown();
            gate.enter();
            passed.countDown();
            gate.leave();
            gate.leave();
        }, "passing-then-held");
        caller.start();
        try {
            assertTrue(entered.await(5, TimeUnit.SECONDS));
            assertFalse("a call through a proxy that is not held reached a held one while closed",
                    passed.await(200, TimeUnit.MILLISECONDS));
            gate.open();
            assertTrue(passed.await(5, TimeUnit.SECONDS));
        } finally {
            gate.open();
            caller.join(5000);
        }
        assertEquals(0, gate.inFlight());
    }
}
