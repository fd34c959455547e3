package hotfix.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;

import java.lang.ref.WeakReference;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;


import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerMethod;
import org.osgi.framework.Version;
import org.osgi.framework.wiring.BundleWiring;

import example.webapp.api.EconomyException;
import example.webapp.api.Player;
import example.webapp.api.Shop;
import hotfix.runtime.api.HotfixManager;
import hotfix.runtime.api.HotfixOptions;
import hotfix.runtime.api.HotfixReport;
import hotfix.runtime.api.Outcome;
import hotfix.runtime.api.Reason;

/**
 * The example's first hotfix, applied through the HotfixManager service while threads call the
 * services and the HTTP endpoints it replaces.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerMethod.class)
public class HotfixIT extends HotfixTestSupport {

    static final String ECONOMY = "example.webapp.economy";
    static final String FIX = "example.webapp.hotfix.shop-overflow";

    @Test
    public void appliesUnderLoadWithNoFailedCallAndKeepsTheWallets() throws Exception {
        awaitHttp(base().resolve("/now"), Duration.ofSeconds(20));
        shop.buy("alice", "sword", 1);
        Player alice = players.get("alice");
        WeakReference<ClassLoader> oldLoader = new WeakReference<>(
                installed(ECONOMY).adapt(BundleWiring.class).getClassLoader());

        try (Load load = new Load(players, shop, leaderboard, base(), 3)) {
            load.awaitCalls(300);
            HotfixReport report = manager.install(jar(FIX).toURI(), HotfixOptions.defaults());
            long callsAtSwap = load.calls.get();
            load.awaitCalls(callsAtSwap + 300);
            load.stop();

            assertEquals(report.message(), Outcome.APPLIED, report.outcome());
            assertEquals(List.of(), load.failures());
            // the ledger shares its state: nothing is held, and the report says so
            assertEquals(report.message(), Duration.ZERO, report.pause());
            assertTrue(report.message(), report.message().endsWith(", no call held"));
            assertTrue(report.services().toString(), report.services().stream()
                    .anyMatch(s -> s.contains("PlayerLedger, state shared, no call held): swapped")));
            assertTrue(report.stages().keySet().containsAll(
                    List.of("inspect", "plan", "stage", "quiesce", "commit", "resume", "journal", "retire")));
            assertTrue(report.services().toString(), report.services().stream()
                    .anyMatch(s -> s.contains("example.webapp.api.Shop") && s.endsWith("swapped")));
        }

        assertEquals(new Version(1, 0, 1), installed(ECONOMY).getVersion());
        assertEquals(alice, players.get("alice"));
        EconomyException refused = assertThrows(EconomyException.class,
                () -> shop.buy("bob", "dragon-egg", 500_000));
        assertEquals(EconomyException.Reason.INSUFFICIENT_GOLD, refused.reason());
        assertEquals(1000, players.get("bob").gold());
        Http.Answer overHttp = new Http(base()).buy("carol", "dragon-egg", 500_000);
        assertEquals(409, overHttp.status());

        awaitCollected(oldLoader);
    }

    @Test
    public void applyAndRollBackTenTimesUnderLoadWithNoFailedCallAndNoRetiredVersionLeft() throws Exception {
        awaitHttp(base().resolve("/now"), Duration.ofSeconds(20));
        List<Long> pauses = new ArrayList<>();
        List<Long> commits = new ArrayList<>();
        List<WeakReference<ClassLoader>> retired = new ArrayList<>();
        try (Load load = new Load(players, shop, leaderboard, base(), 3)) {
            for (int cycle = 0; cycle < 10; cycle++) {
                load.awaitCalls(load.calls.get() + 100);
                retired.add(new WeakReference<>(installed(ECONOMY).adapt(BundleWiring.class).getClassLoader()));
                HotfixReport applied = manager.install(jar(FIX).toURI(), HotfixOptions.defaults());
                assertEquals(applied.message(), Outcome.APPLIED, applied.outcome());
                load.awaitCalls(load.calls.get() + 100);
                retired.add(new WeakReference<>(installed(ECONOMY).adapt(BundleWiring.class).getClassLoader()));
                HotfixReport rolledBack = manager.rollback(applied.id(), HotfixOptions.defaults());
                assertEquals(rolledBack.message(), Outcome.ROLLED_BACK, rolledBack.outcome());
                pauses.add(applied.pause().toNanos() / 1000);
                pauses.add(rolledBack.pause().toNanos() / 1000);
                commits.add(applied.stages().get("commit").toNanos() / 1000);
                commits.add(rolledBack.stages().get("commit").toNanos() / 1000);
            }
            load.stop();
            assertEquals(List.of(), load.failures());
        }
        assertEquals("1.0.0.SNAPSHOT", installed(ECONOMY).getVersion().toString());
        for (WeakReference<ClassLoader> loader : retired) {
            awaitCollected(loader);
        }
        // Figures for the record, not a timing assertion: benchmarks measure performance.
        java.nio.file.Path record = java.nio.file.Path.of(System.getProperty(WORK, "target/paxexam"))
                .resolveSibling("pauses-under-load.txt");
        java.nio.file.Files.writeString(record, pauses.stream().sorted().map(String::valueOf)
                .collect(java.util.stream.Collectors.joining(" ", "pause in microseconds, sorted: ", ""))
                + commits.stream().sorted().map(String::valueOf)
                        .collect(java.util.stream.Collectors.joining(" ", "; of which commit, sorted: ", "\n")));
    }

    @Test
    public void rollbackRestoresTheOldVersionAndKeepsTheWallets() {
        HotfixReport applied = manager.install(jar(FIX).toURI(), HotfixOptions.defaults());
        assertEquals(applied.message(), Outcome.APPLIED, applied.outcome());
        shop.buy("alice", "shield", 2);
        Player alice = players.get("alice");

        HotfixReport rolledBack = manager.rollback(applied.id(), HotfixOptions.defaults());

        assertEquals(rolledBack.message(), Outcome.ROLLED_BACK, rolledBack.outcome());
        assertEquals(applied.id(), rolledBack.undoes());
        assertEquals("1.0.0.SNAPSHOT", installed(ECONOMY).getVersion().toString());
        assertEquals(alice, players.get("alice"));
        assertTrue("the bug is back", shop.buy("bob", "dragon-egg", 500_000).cost() < 0);
        assertEquals(List.of(), manager.list());
        assertEquals(List.of(rolledBack.id(), applied.id()),
                manager.history().stream().map(HotfixReport::id).toList());

        HotfixReport again = manager.rollback(applied.id(), HotfixOptions.defaults());
        assertEquals(Reason.UNKNOWN_HOTFIX, again.reason());
    }

    @Test
    public void dryRunPlansAndChangesNothing() {
        HotfixReport plan = manager.verify(jar(FIX).toURI());

        assertEquals(plan.message(), Outcome.PLANNED, plan.outcome());
        assertEquals(ECONOMY, plan.target());
        assertEquals("1.0.1", plan.toVersion());
        assertTrue(plan.services().toString(), plan.services().stream()
                .anyMatch(s -> s.contains("GoldShop") && s.endsWith("swapped")));
        assertTrue(plan.classes().toString(), plan.classes().stream()
                .anyMatch(c -> c.startsWith("example.webapp.economy.GoldShop")));
        assertEquals("1.0.0.SNAPSHOT", installed(ECONOMY).getVersion().toString());
        assertEquals(List.of(), manager.list());
        assertEquals(plan.id(), manager.history().get(0).id());
    }

    @Test
    public void theAppliedHotfixIsListedWithItsReport() {
        HotfixReport applied = manager.install(jar(FIX).toURI(), HotfixOptions.defaults());

        List<HotfixReport> list = manager.list();
        assertEquals(1, list.size());
        assertEquals(applied.id(), list.get(0).id());
        assertEquals(applied.services(), list.get(0).services());
        assertEquals(applied.pause(), list.get(0).pause());
        assertEquals(64, applied.sha256().length());
        assertTrue(applied.description(), applied.description().contains("long arithmetic"));
        assertFalse(applied.notes().toString(), applied.notes().stream().anyMatch(n -> n.contains("pending")));
    }

    private static void awaitCollected(WeakReference<?> reference) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (reference.get() != null && System.nanoTime() - end < 0) {
            System.gc();
            Thread.sleep(50);
        }
        assertNull("the old version's class loader is still reachable", reference.get());
    }

}
