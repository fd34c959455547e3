package hotfix.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;

import org.junit.After;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.OptionUtils;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerMethod;
import org.osgi.framework.Bundle;
import org.osgi.util.tracker.ServiceTracker;

import example.webapp.api.EconomyException;
import hotfix.itests.fixture.conformance.api.Greeter;
import hotfix.itests.fixture.scoped.api.Blocking;
import hotfix.itests.fixture.scoped.api.Label;
import hotfix.itests.fixture.scoped.api.Register;
import hotfix.runtime.api.HotfixOptions;
import hotfix.runtime.api.HotfixReport;
import hotfix.runtime.api.Outcome;
import hotfix.runtime.api.QuiesceGate;
import hotfix.runtime.api.Reason;

/**
 * Quiescence as DESIGN.md's "Quiescence: two versions live, each unit of work sees one" has it: a
 * unit of work is pinned to a bundle's version at its first call into it; a stateless or
 * shared-state swap holds no call; a copied-state swap holds only new calls into its target, only
 * while units pinned to the target's old version finish, and never the state handover itself;
 * nothing that does not touch the target (a call blocked in another bundle, an event stream) is
 * waited for or held. Where a bound is asserted it is far below what the hotfix would wait if it
 * waited (a drain deadline, a call blocked for a minute, a stream of 15 s): it says "did not wait
 * for that", not how fast anything is.
 * <p>
 * Each test starts a framework of its own: a hotfix that hangs leaves nothing to the next.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerMethod.class)
public class ScopedQuiesceIT extends HotfixTestSupport {

    static final String API = "fixture.scoped-api";
    static final String HANDOVER = "fixture.handover";
    static final String HANDOVER_FIX = "fixture.handover-fix";
    static final String BYSTANDER = "fixture.bystander";
    static final String DELAYED_FIX = Shapes.DELAYED + "-fix";
    static final String ECONOMY = "example.webapp.economy";
    static final String SHOP_FIX = "example.webapp.hotfix.shop-overflow";
    /** Where shared.bnd starts application bundles ({@code *;startlevel=10}): after the runtime. */
    static final int APPLICATION = 10;
    /** Every wait in these tests ends by then, or the test fails. */
    static final long WAIT_SECONDS = 30;
    /**
     * How long a hotfix that waits for nothing may take, and a call it does not hold may take:
     * far below the deadlines, streams and blocked calls it must not wait for.
     */
    static final long PROMPTLY_SECONDS = 3;
    /** A drain deadline no test reaches unless the hotfix waits for what it must not. */
    static final Duration LONG_DRAIN = Duration.ofSeconds(10);
    /** A drain deadline a unit that stays in the target outlasts. */
    static final Duration SHORT_DRAIN = Duration.ofMillis(500);

    private final List<ServiceTracker<?, ?>> trackers = new ArrayList<>();
    private final ExecutorService pool = Executors.newCachedThreadPool(task -> {
        Thread thread = new Thread(task, "scoped-it-pool");
        thread.setDaemon(true);
        return thread;
    });

    @Configuration
    @Override
    public Option[] config() {
        return OptionUtils.combine(super.config(), file(API).startLevel(APPLICATION),
                file(HANDOVER).startLevel(APPLICATION), file(BYSTANDER).startLevel(APPLICATION),
                file(Shapes.API).startLevel(APPLICATION), file(Shapes.DELAYED).startLevel(APPLICATION));
    }

    @After
    public void letGo() {
        trackers.forEach(ServiceTracker::close);
        pool.shutdownNow();
    }

    // ------------------------------------------------------------ finding 1: the handover

    /**
     * Finding 1 of issue 13: the Register's exportState asks the Label of its own bundle, through
     * the registry and so through its proxy. The hotfix must neither hold that call nor wait for
     * itself.
     */
    @Test
    public void aStateHandoverThatCallsASiblingServiceOfItsOwnBundleCompletes() throws Exception {
        Register register = service(Register.class);
        Label label = service(Label.class);
        assertEquals("as shipped, 1", register.add());
        assertEquals("as shipped, 2", register.add());

        HotfixReport report = install(HANDOVER_FIX, HotfixOptions.defaults());

        assertEquals(report.message(), Outcome.APPLIED, report.outcome());
        assertEquals("the count was not handed over", "fixed, 3", register.add());
        assertEquals(HANDOVER + " " + report.toVersion(), label.label());
        assertEquals("fixed, 4", register.add());
    }

    // ------------------------------------------------ finding 2: a call blocked elsewhere

    /**
     * Finding 2 of issue 13: a thread blocked for up to a minute inside a service of another
     * bundle, as in a queue's take(), is not waited for, and calls into the hotfixed bundle are
     * not held for the drain deadline because of it.
     */
    @Test
    public void aHotfixAppliesWhileAThreadOfAnotherBundleIsBlockedInItsServiceForAMinute() throws Exception {
        Blocking blocking = service(Blocking.class);
        Register register = service(Register.class);
        Label label = service(Label.class);
        String shipped = label.label();
        CountDownLatch release = new CountDownLatch(1);
        FutureTask<String> blocked = new FutureTask<>(() -> blocking.await(release));
        Thread blockedThread = new Thread(blocked, "scoped-it-blocked-in-bystander");
        blockedThread.setDaemon(true);
        blockedThread.start();
        try {
            awaitTrue("the call blocks inside the bystander's service", () -> isIn(blockedThread, "Waiter"));
            AtomicLong longest = new AtomicLong();
            try (Calls calls = new Calls("scoped-it-caller", 2, timed(label::label, longest))) {
                calls.awaitEveryThreadAt(shipped, 100);
                assertEquals("as shipped, 1", register.add());

                long start = System.nanoTime();
                HotfixReport report = install(HANDOVER_FIX, HotfixOptions.defaults().withDrainTimeout(LONG_DRAIN));
                long took = System.nanoTime() - start;

                assertEquals(report.message(), Outcome.APPLIED, report.outcome());
                assertTrue("the hotfix waited for the blocked call: it took " + millis(took) + " ms",
                        took < TimeUnit.SECONDS.toNanos(PROMPTLY_SECONDS));
                calls.awaitEveryThreadAt(HANDOVER + " " + report.toVersion(), 100);
                calls.assertEveryThreadSaw(shipped, HANDOVER + " " + report.toVersion());
                assertTrue("a call into the hotfixed bundle was held " + millis(longest.get()) + " ms",
                        longest.get() < TimeUnit.SECONDS.toNanos(PROMPTLY_SECONDS));
                assertEquals("fixed, 2", register.add());
            }
            assertFalse("the blocked call was disturbed: " + (blocked.isDone() ? blocked.get() : ""), blocked.isDone());
        } finally {
            release.countDown();
        }
        assertEquals("released", blocked.get(WAIT_SECONDS, TimeUnit.SECONDS));
    }

    // --------------------------------------------- finding 3: streams that never touch it

    /**
     * Finding 3 of issue 13: synchronous requests that stream for 15 s and never call into the
     * target are not waited for; they stay open through the hotfix and keep receiving lines.
     */
    @Test
    public void synchronousEventStreamsThatNeverTouchTheTargetStayOpenAndKeepFlowingWhileAHotfixApplies()
            throws Exception {
        int lines = 300; // one every 50 ms: 15 s, longer than the drain deadline
        awaitHttp(base().resolve("/bystander/events?lines=1"), Duration.ofSeconds(WAIT_SECONDS));
        Register register = service(Register.class);
        assertEquals("as shipped, 1", register.add());
        List<EventStream> streams = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            streams.add(new EventStream(base().resolve("/bystander/events?lines=" + lines), "scoped-it-stream-" + i));
        }
        for (EventStream stream : streams) {
            awaitTrue(stream + " receives", () -> stream.received() >= 5);
        }

        HotfixReport report = install(HANDOVER_FIX, HotfixOptions.defaults());
        long applied = System.nanoTime();

        assertEquals(report.message(), Outcome.APPLIED, report.outcome());
        assertEquals("fixed, 2", register.add());
        for (EventStream stream : streams) {
            assertTrue(stream + " had ended when the hotfix applied: it waited for it", stream.receivedBefore(applied) < lines);
        }
        for (EventStream stream : streams) {
            stream.awaitEnd();
            assertEquals(stream + ": " + stream.failure(), lines, stream.received());
            assertTrue(stream + " stalled for " + millis(stream.longestGap()) + " ms",
                    stream.longestGap() < TimeUnit.SECONDS.toNanos(PROMPTLY_SECONDS));
        }
    }

    // ---------------------------------------------------- a unit of work sees one version

    /**
     * A stateless swap holds no call and waits for no unit: a unit pinned to the old version
     * keeps it, a new unit gets the new version at once, and so does a unit that began before
     * the commit but first calls the bundle after it (pinned at its first call, not at its
     * start); the old version retires once the unit pinned to it closed.
     */
    @Test
    public void aUnitOfWorkSeesTheVersionItFirstCalledWhileNewUnitsGetTheHotfixAtOnce() throws Exception {
        Greeter greeter = service(Greeter.class, "(" + Greeter.SHAPE + "=delayed)");
        Bundle shipped = installed(Shapes.DELAYED);

        try (UnitOfWork unit = new UnitOfWork(gate, "scoped-it-pinned-unit");
                UnitOfWork late = new UnitOfWork(gate, "scoped-it-late-unit")) {
            assertEquals("delayed, as shipped", unit.call(greeter::greet));

            HotfixReport report = install(DELAYED_FIX, HotfixOptions.defaults().withDrainTimeout(SHORT_DRAIN));

            assertEquals(report.message(), Outcome.APPLIED, report.outcome());
            assertEquals("the unit moved to the new version", "delayed, as shipped", unit.call(greeter::greet));
            assertEquals("a call outside any unit", "delayed, fixed", greeter.greet());
            try (QuiesceGate.Work work = gate.work()) {
                assertEquals("a new unit", "delayed, fixed", greeter.greet());
            }
            assertEquals("a unit that first calls the bundle after the commit", "delayed, fixed",
                    late.call(greeter::greet));
            assertEquals("the unit moved to the new version", "delayed, as shipped", unit.call(greeter::greet));
            assertEquals("retired while a unit is pinned to it", Bundle.ACTIVE, shipped.getState());
        }
        awaitTrue("the old version retires once no unit is pinned to it", () -> shipped.getState() == Bundle.UNINSTALLED);
        assertEquals("delayed, fixed", greeter.greet());
    }

    /** A loop that never leaves its unit moves to the newest versions at its checkpoint. */
    @Test
    public void aCheckpointEndsTheUnitsPinsSoItsNextCallsGoToTheNewestVersion() throws Exception {
        Greeter greeter = service(Greeter.class, "(" + Greeter.SHAPE + "=delayed)");
        Bundle shipped = installed(Shapes.DELAYED);

        try (UnitOfWork loop = new UnitOfWork(gate, "scoped-it-loop")) {
            assertEquals("delayed, as shipped", loop.call(greeter::greet));
            HotfixReport report = install(DELAYED_FIX, HotfixOptions.defaults().withDrainTimeout(SHORT_DRAIN));
            assertEquals(report.message(), Outcome.APPLIED, report.outcome());
            assertEquals("delayed, as shipped", loop.call(greeter::greet));

            loop.call(() -> {
                gate.checkpoint();
                return null;
            });

            assertEquals("delayed, fixed", loop.call(greeter::greet));
            awaitTrue("the old version retires once the loop passed its checkpoint",
                    () -> shipped.getState() == Bundle.UNINSTALLED);
        }
    }

    /**
     * The example's ledger shares its wallets (StateTransfer.sharesState): the swap holds no call
     * and waits for no unit, a unit pinned to the old version keeps it, and both versions work on
     * one state, so what the old version does after the commit the new one sees.
     */
    @Test
    public void aSharedStateSwapHoldsNoCallAndBothVersionsWorkOnOneState() throws Exception {
        Bundle shipped = installed(ECONOMY);

        try (UnitOfWork unit = new UnitOfWork(gate, "scoped-it-shopper")) {
            assertEquals(1000, (long) unit.call(() -> players.get("bob").gold()));

            HotfixReport report = install(SHOP_FIX, HotfixOptions.defaults().withDrainTimeout(SHORT_DRAIN));

            assertEquals(report.message(), Outcome.APPLIED, report.outcome());
            assertTrue(report.services().toString(), report.services().stream()
                    .anyMatch(s -> s.contains("PlayerLedger") && s.contains("shared")));
            // the old shop's overflow: the unit is still on the old version
            assertTrue("the unit moved to the new version",
                    unit.call(() -> shop.buy("bob", "dragon-egg", 500_000)).cost() < 0);
            assertEquals(EconomyException.Reason.INSUFFICIENT_GOLD,
                    assertThrows(EconomyException.class, () -> shop.buy("carol", "dragon-egg", 500_000)).reason());
            assertTrue("the new version does not see what the old one did after the commit",
                    players.get("bob").gold() > 1000);
            assertEquals(500_000, (int) players.get("bob").items().get("dragon-egg"));
            unit.call(() -> players.join("zoe", "Zoe"));
            assertEquals("Zoe", players.get("zoe").name());
            assertEquals("retired while a unit is pinned to it", Bundle.ACTIVE, shipped.getState());
        }
        awaitTrue("the old version retires once no unit is pinned to it", () -> shipped.getState() == Bundle.UNINSTALLED);
        assertEquals("Zoe", players.get("zoe").name());
    }

    // ------------------------------------------- copied state: only the target's units

    /**
     * A copied-state swap waits for the unit pinned to its target's old version, and for no
     * other: a unit pinned to another bundle stays open throughout. Meanwhile calls elsewhere,
     * over HTTP too, and the pinned unit's own calls go on. Once the unit closes, the state is
     * copied: no count is lost or given twice, whichever version a call reached.
     */
    @Test
    public void aCopiedStateHotfixWaitsOnlyForUnitsInTheTargetAndThenCopiesTheState() throws Exception {
        Register register = service(Register.class);
        Blocking blocking = service(Blocking.class);
        awaitHttp(base().resolve("/bystander/events?lines=1"), Duration.ofSeconds(WAIT_SECONDS));
        List<String> answers = new ArrayList<>();
        try (UnitOfWork elsewhere = new UnitOfWork(gate, "scoped-it-unit-elsewhere")) {
            assertEquals("released", elsewhere.call(() -> blocking.await(new CountDownLatch(0))));
            Future<HotfixReport> install;
            Future<String> held;
            try (UnitOfWork unit = new UnitOfWork(gate, "scoped-it-unit-in-target")) {
                answers.add(unit.call(register::add));

                install = pool.submit(() -> manager.install(jar(HANDOVER_FIX).toURI(),
                        HotfixOptions.defaults().withDrainTimeout(LONG_DRAIN)));
                awaitTrue("the hotfix holds calls into its target", gate::isClosed);

                assertEquals("a call into another bundle was held", "released", pool.submit(
                        () -> blocking.await(new CountDownLatch(0))).get(PROMPTLY_SECONDS, TimeUnit.SECONDS));
                assertEquals("a unit in another bundle was held", "released",
                        elsewhere.call(() -> blocking.await(new CountDownLatch(0))));
                assertEquals("a request that does not touch the target was held", 200, pool.submit(
                        () -> get(base().resolve("/bystander/events?lines=2")).statusCode())
                        .get(PROMPTLY_SECONDS, TimeUnit.SECONDS).intValue());
                held = pool.submit(register::add);
                assertThrows("the hotfix did not wait for the unit in its target", TimeoutException.class,
                        () -> install.get(300, TimeUnit.MILLISECONDS));
                answers.add(unit.call(register::add));
                assertTrue("the unit in the target left its version: " + answers, answers.get(1).startsWith("as shipped"));
            }

            HotfixReport report = install.get(WAIT_SECONDS, TimeUnit.SECONDS);

            assertEquals(report.message(), Outcome.APPLIED, report.outcome());
            answers.add(held.get(WAIT_SECONDS, TimeUnit.SECONDS));
            answers.add(register.add());
            assertEquals("fixed, 4", answers.get(3));
        }
        assertEquals("counts lost or given twice: " + answers, List.of(1, 2, 3, 4),
                answers.stream().map(answer -> Integer.valueOf(answer.replaceAll(".*, ", ""))).sorted().toList());
    }

    /**
     * A unit pinned to the target that stays past the drain deadline makes a copied-state hotfix
     * refused: it names that unit and no other, and nothing changed.
     */
    @Test
    public void aUnitInTheTargetThatStaysPastTheDeadlineMakesTheHotfixRefusedNamingItAndChangesNothing()
            throws Exception {
        Register register = service(Register.class);
        Blocking blocking = service(Blocking.class);

        HotfixReport report;
        try (UnitOfWork inTarget = new UnitOfWork(gate, "scoped-it-unit-that-stays");
                UnitOfWork elsewhere = new UnitOfWork(gate, "scoped-it-unit-elsewhere")) {
            assertEquals("as shipped, 1", inTarget.call(register::add));
            assertEquals("released", elsewhere.call(() -> blocking.await(new CountDownLatch(0))));

            report = install(HANDOVER_FIX, HotfixOptions.defaults().withDrainTimeout(SHORT_DRAIN));

            assertEquals("as shipped, 2", inTarget.call(register::add));
        }

        assertEquals(report.message(), Outcome.REFUSED, report.outcome());
        assertEquals(report.message(), Reason.DRAIN_TIMEOUT, report.reason());
        assertTrue("the refusal should name the unit it waited for: " + report.message(),
                report.message().contains("scoped-it-unit-that-stays"));
        assertFalse("the refusal names a unit that never entered the target: " + report.message(),
                report.message().contains("scoped-it-unit-elsewhere"));
        assertFalse(report.message(), report.pastPointOfNoReturn());
        assertEquals("as shipped, 3", register.add());
        assertEquals("1.0.0.SNAPSHOT", installed(HANDOVER).getVersion().toString());
        assertEquals(List.of(), manager.list());
        for (Bundle bundle : context.getBundles()) {
            assertFalse("left behind: " + bundle + " from " + bundle.getLocation(),
                    bundle.getLocation().startsWith("hotfix:"));
        }
    }

    // ---------------------------------------------------------------------------- helpers

    /**
     * Installs a hotfix on a thread of its own, and fails, saying where that thread is, if it
     * does not return within {@value #WAIT_SECONDS} s: a hotfix that hangs fails the test.
     */
    private HotfixReport install(String hotfix, HotfixOptions options) throws Exception {
        AtomicReference<Thread> installing = new AtomicReference<>();
        ExecutorService controller = Executors.newSingleThreadExecutor(task -> {
            Thread thread = new Thread(task, "scoped-it-install");
            thread.setDaemon(true);
            installing.set(thread);
            return thread;
        });
        try {
            Future<HotfixReport> report = controller.submit(() -> manager.install(jar(hotfix).toURI(), options));
            try {
                return report.get(WAIT_SECONDS, TimeUnit.SECONDS);
            } catch (TimeoutException e) {
                throw new AssertionError("installing " + hotfix + " did not return within " + WAIT_SECONDS + " s: "
                        + Calls.where(UnitOfWork.stuck(installing.get())));
            }
        } finally {
            controller.shutdownNow();
        }
    }

    /** @return the service consumers get, which this test holds until it ends */
    private <T> T service(Class<T> type) throws Exception {
        return service(type, null);
    }

    private <T> T service(Class<T> type, String filter) throws Exception {
        ServiceTracker<T, T> tracker = filter == null ? new ServiceTracker<>(context, type, null)
                : new ServiceTracker<>(context, context.createFilter(
                        "(&(objectClass=" + type.getName() + ")" + filter + ")"), null);
        tracker.open();
        trackers.add(tracker);
        T service = tracker.waitForService(TimeUnit.SECONDS.toMillis(WAIT_SECONDS));
        assertNotNull("no " + type.getName() + (filter == null ? "" : " " + filter), service);
        assertNotNull("not a proxy: " + tracker.getServiceReference(),
                tracker.getServiceReference().getProperty("hotfix.proxy.of"));
        return service;
    }

    /** @return the call, noting the longest it took */
    private static Callable<String> timed(Callable<String> call, AtomicLong longest) {
        return () -> {
            long start = System.nanoTime();
            try {
                return call.call();
            } finally {
                longest.accumulateAndGet(System.nanoTime() - start, Math::max);
            }
        };
    }

    private static boolean isIn(Thread thread, String simpleClassName) {
        for (StackTraceElement frame : thread.getStackTrace()) {
            if (frame.getClassName().endsWith("." + simpleClassName)) {
                return true;
            }
        }
        return false;
    }

    private static long millis(long nanos) {
        return TimeUnit.NANOSECONDS.toMillis(nanos);
    }

    private static HttpResponse<String> get(URI uri) throws Exception {
        return HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build().send(
                HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(WAIT_SECONDS)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static void awaitTrue(String what, BooleanSupplier condition) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_SECONDS);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - end >= 0) {
                fail("not within " + WAIT_SECONDS + " s: " + what);
            }
            Thread.sleep(5);
        }
    }

    /**
     * A client of the bystander's event stream: reads it on a thread of its own, line by line as
     * the lines come, noting when each came.
     */
    private static final class EventStream {

        private final String name;
        private final List<Long> arrivals = new CopyOnWriteArrayList<>();
        private final AtomicReference<Throwable> failure = new AtomicReference<>();
        private final Thread reader;

        EventStream(URI uri, String name) {
            this.name = name;
            reader = new Thread(() -> read(uri), name);
            reader.setDaemon(true);
            reader.start();
        }

        private void read(URI uri) {
            HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
            HttpRequest request = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(WAIT_SECONDS)).GET().build();
            try {
                HttpResponse<InputStream> response = client.send(request, HttpResponse.BodyHandlers.ofInputStream());
                if (response.statusCode() != 200) {
                    throw new IllegalStateException("HTTP " + response.statusCode());
                }
                try (BufferedReader lines = new BufferedReader(
                        new InputStreamReader(response.body(), StandardCharsets.UTF_8))) {
                    for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                        if (!line.equals("event " + (arrivals.size() + 1))) {
                            throw new IllegalStateException("line " + (arrivals.size() + 1) + " was: " + line);
                        }
                        arrivals.add(System.nanoTime());
                    }
                }
            } catch (Exception e) {
                failure.set(e);
            }
        }

        int received() {
            return arrivals.size();
        }

        /** @return how many lines came before that {@link System#nanoTime()} */
        int receivedBefore(long nanoTime) {
            return (int) arrivals.stream().filter(arrival -> arrival - nanoTime < 0).count();
        }

        /** @return the longest time between two lines, in nanoseconds */
        long longestGap() {
            long longest = 0;
            for (int i = 1; i < arrivals.size(); i++) {
                longest = Math.max(longest, arrivals.get(i) - arrivals.get(i - 1));
            }
            return longest;
        }

        Throwable failure() {
            return failure.get();
        }

        void awaitEnd() throws InterruptedException {
            reader.join(TimeUnit.SECONDS.toMillis(WAIT_SECONDS));
            assertFalse(name + " did not end within " + WAIT_SECONDS + " s", reader.isAlive());
        }

        @Override
        public String toString() {
            return name;
        }
    }
}
