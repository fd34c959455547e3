package hotfix.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNotNull;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerMethod;
import org.osgi.framework.Bundle;
import org.osgi.framework.ServiceReference;
import org.osgi.util.tracker.ServiceTracker;

import example.webapp.api.Leaderboard;
import example.webapp.api.Players;
import example.webapp.api.Shop;
import hotfix.runtime.api.HotfixManager;
import hotfix.runtime.api.HotfixOptions;
import hotfix.runtime.api.HotfixReport;
import hotfix.runtime.api.Outcome;

/**
 * The runtime's own life cycle while the application serves: stopping it leaves every consumer
 * bound to the original (announced again before the proxies go), and a delayed component keeps
 * its object, and so its state; starting it again shows no consumer a service twice, and
 * hotfixes work again, the state handed over; updating it is a stop and a start.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerMethod.class)
public class RuntimeLifecycleIT extends HotfixTestSupport {

    private static final Duration SETTLE = Duration.ofSeconds(20);

    @Test
    public void stoppingAndStartingTheRuntimeLeavesEveryConsumerBoundWithItsState() throws Exception {
        awaitHttp(base().resolve("/now"), SETTLE);
        Http http = new Http(base());
        assertEquals(200, http.buy("alice", "sword", 1).status());
        long gold = gold(http, "alice");
        Bundle runtime = installed(RUNTIME);

        try (Requests requests = new Requests(http)) {
            requests.await(50);
            requests.phase = "stop";
            runtime.stop();
            requests.phase = "stopped";
            requests.await(requests.count() + 50);

            assertEquals("the ledger kept its state", gold, gold(http, "alice"));
            assertOneOfEach("with the runtime stopped");

            requests.phase = "start";
            runtime.start();
            requests.phase = "started";
            requests.await(requests.count() + 50);
            assertOneOfEach("with the runtime started again");

            HotfixManager restarted = awaitService(HotfixManager.class);
            requests.phase = "hotfix";
            HotfixReport report = restarted.install(jar(HotfixIT.FIX).toURI(), HotfixOptions.defaults());
            requests.phase = "hotfixed";
            assertEquals(report.message(), Outcome.APPLIED, report.outcome());
            requests.await(requests.count() + 50);
            assertEquals("the fix serves", 409, http.buy("carol", "dragon-egg", 500_000).status());
            assertEquals(gold, gold(http, "alice"));
            requests.stop();

            requests.assertFailedOnlyWhileRebinding("stop", "start", "hotfix");
        }
        assertOneOfEach("after a hotfix");
    }

    @Test
    public void updatingTheRuntimeIsAStopAndAStart() throws Exception {
        awaitHttp(base().resolve("/now"), SETTLE);
        Http http = new Http(base());
        assertEquals(200, http.buy("bob", "potion", 2).status());
        long gold = gold(http, "bob");

        try (Requests requests = new Requests(http)) {
            requests.await(50);
            requests.phase = "update";
            installed(RUNTIME).update();
            awaitService(HotfixManager.class);
            requests.phase = "updated";
            requests.await(requests.count() + 50);
            requests.stop();

            requests.assertFailedOnlyWhileRebinding("update");
        }
        assertEquals(gold, gold(http, "bob"));
        assertOneOfEach("after an update of the runtime");
    }

    @Test
    public void uninstallingTheRuntimeLeavesTheApplicationServingWithItsState() throws Exception {
        awaitHttp(base().resolve("/now"), SETTLE);
        Http http = new Http(base());
        assertEquals(200, http.buy("carol", "potion", 3).status());
        long gold = gold(http, "carol");

        try (Requests requests = new Requests(http)) {
            requests.await(50);
            requests.phase = "uninstall";
            installed(RUNTIME).uninstall();
            requests.phase = "uninstalled";
            requests.await(requests.count() + 50);
            requests.stop();

            requests.assertFailedOnlyWhileRebinding("uninstall");
        }
        assertEquals("the ledger kept its state", gold, gold(http, "carol"));
        assertOneOfEach("with the runtime uninstalled");
        for (Class<?> type : List.of(Shop.class, Players.class, Leaderboard.class)) {
            assertEquals("the original, as registered: " + type.getName(), null,
                    context.getServiceReference(type).getProperty("hotfix.proxy.of"));
        }
    }

    /** Every service of the application is seen once: the original or its proxy, never both. */
    private void assertOneOfEach(String when) throws Exception {
        for (Class<?> type : List.of(Shop.class, Players.class, Leaderboard.class)) {
            ServiceReference<?>[] seen = context.getServiceReferences(type.getName(), null);
            assertNotNull(when + ": no " + type.getName(), seen);
            assertEquals(when + ": " + type.getName() + " seen " + List.of(seen), 1, seen.length);
        }
    }

    private <T> T awaitService(Class<T> type) throws InterruptedException {
        ServiceTracker<T, T> tracker = new ServiceTracker<>(context, type, null);
        tracker.open();
        try {
            T service = tracker.waitForService(SETTLE.toMillis());
            assertNotNull("no " + type.getName() + " within " + SETTLE, service);
            return service;
        } finally {
            tracker.close();
        }
    }

    private static long gold(Http http, String player) {
        Http.Answer answer = http.get("/players/" + player);
        assertEquals(answer.toString(), 200, answer.status());
        return answer.object().get("gold").getAsLong();
    }

    /** HTTP requests in a loop, on one thread, each of which must succeed. */
    private static final class Requests implements AutoCloseable {

        final List<String> failures = new CopyOnWriteArrayList<>();
        private final AtomicLong count = new AtomicLong();
        private final AtomicBoolean running = new AtomicBoolean(true);
        private final Thread thread;
        volatile String phase = "before";

        Requests(Http http) {
            thread = new Thread(() -> {
                while (running.get()) {
                    String at = phase; // when the request went out
                    try {
                        Http.Answer answer = http.get("/players/alice");
                        if (answer.status() != 200) {
                            failures.add(at + ": " + answer.status());
                        }
                    } catch (RuntimeException e) {
                        failures.add(at + ": " + e);
                    }
                    count.incrementAndGet();
                }
            }, "requests");
            thread.start();
        }

        long count() {
            return count.get();
        }

        /**
         * A DS component that holds a proxy by a static reference (the example's servlets) is
         * reactivated, bound to the original, when the runtime stops: the whiteboard takes its
         * servlet away for that moment, as it would for any restart of the component. So is one
         * that took an original itself while the runtime was stopped, at the first hotfix of
         * that original's bundle. Requests may fail only during those steps, never once they are
         * done.
         */
        void assertFailedOnlyWhileRebinding(String... steps) {
            List<String> allowed = List.of(steps);
            for (String failure : failures) {
                assertEquals("failed outside a rebinding step: " + failures, true,
                        allowed.contains(failure.substring(0, failure.indexOf(':'))));
            }
            System.out.println("RuntimeLifecycleIT: " + count.get() + " requests, failed while rebinding: " + failures);
        }

        void await(long calls) throws InterruptedException {
            long deadline = System.nanoTime() + SETTLE.toNanos();
            while (count.get() < calls && System.nanoTime() - deadline < 0) {
                Thread.sleep(5);
            }
            assertEquals("requests made", true, count.get() >= calls);
        }

        void stop() throws InterruptedException {
            running.set(false);
            thread.join(TimeUnit.SECONDS.toMillis(10));
        }

        @Override
        public void close() throws InterruptedException {
            stop();
        }
    }
}
