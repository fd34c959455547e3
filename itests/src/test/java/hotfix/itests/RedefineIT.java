package hotfix.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNotEquals;
import static org.junit.Assert.assertSame;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;

import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;


import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerMethod;
import org.osgi.framework.Bundle;
import org.osgi.framework.wiring.BundleWiring;

import example.webapp.api.EconomyException;
import hotfix.runtime.api.HotfixOptions;
import hotfix.runtime.api.HotfixReport;
import hotfix.runtime.api.Mode;
import hotfix.runtime.api.Outcome;
import hotfix.runtime.api.Reason;

/**
 * Redefine-mode hotfixes: the example's bulk-discount bug lives in Pricing, a class that is no
 * service; the fix redefines it in place in the running economy bundle, which is not replaced.
 * Failsafe starts the JVM with the hotfix agent, as the exported jars do.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerMethod.class)
public class RedefineIT extends HotfixTestSupport {

    static final String ECONOMY = "example.webapp.economy";
    static final String FIX = "example.webapp.hotfix.bulk-discount";

    @Test
    public void redefinesUnderLoadWithNoFailedCallAndNoSwap() throws Exception {
        awaitHttp(base().resolve("/now"), Duration.ofSeconds(20));
        assertEquals("the bug: ten potions cost 10% of their price", 25, shop.buy("alice", "potion", 10).cost());
        Bundle economy = installed(ECONOMY);
        assertTrue(manager.status().redefinition());

        try (Load load = new Load(players, shop, leaderboard, base(), 3)) {
            load.awaitCalls(300);
            HotfixReport report = manager.install(jar(FIX).toURI(), HotfixOptions.defaults());
            load.awaitCalls(load.calls.get() + 300);
            load.stop();

            assertEquals(report.message(), Outcome.APPLIED, report.outcome());
            assertEquals(Mode.REDEFINE, report.mode());
            assertEquals(List.of(), load.failures());
            assertEquals(List.of(), report.services());
            assertTrue(report.classes().toString(), report.classes().get(0).startsWith("example.webapp.economy.Pricing"));
            assertTrue(report.pause().toNanos() > 0);
        }

        assertEquals("ten potions cost 90% of their price", 225, shop.buy("bob", "potion", 10).cost());
        assertEquals("the same bundle runs: nothing was swapped", economy.getBundleId(),
                installed(ECONOMY).getBundleId());
        assertEquals(975, players.get("alice").gold());
    }

    @Test
    public void redefineAndRollBackTenTimesUnderLoadWithNoFailedCall() throws Exception {
        awaitHttp(base().resolve("/now"), Duration.ofSeconds(20));
        List<Long> pauses = new ArrayList<>();
        List<Long> commits = new ArrayList<>();
        try (Load load = new Load(players, shop, leaderboard, base(), 3)) {
            for (int cycle = 0; cycle < 10; cycle++) {
                load.awaitCalls(load.calls.get() + 100);
                HotfixReport applied = manager.install(jar(FIX).toURI(), HotfixOptions.defaults());
                assertEquals(applied.message(), Outcome.APPLIED, applied.outcome());
                load.awaitCalls(load.calls.get() + 100);
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
        assertEquals(25, shop.buy("alice", "potion", 10).cost());
        // Figures for the record, not a timing assertion: benchmarks measure performance.
        Path record = Path.of(System.getProperty(WORK, "target/paxexam")).resolveSibling("redefine-pauses.txt");
        Files.writeString(record, "classes loaded: " + ManagementFactory.getClassLoadingMXBean().getLoadedClassCount()
                + "; pause in microseconds, sorted: " + pauses.stream().sorted().map(String::valueOf)
                        .collect(Collectors.joining(" ")) + "; of which redefineClasses (commit), sorted: "
                + commits.stream().sorted().map(String::valueOf).collect(Collectors.joining(" ")) + "\n");
    }

    @Test
    public void rollbackRedefinesTheOriginalBack() {
        HotfixReport applied = manager.install(jar(FIX).toURI(), HotfixOptions.defaults());
        assertEquals(applied.message(), Outcome.APPLIED, applied.outcome());
        assertEquals(225, shop.buy("alice", "potion", 10).cost());

        HotfixReport rolledBack = manager.rollback(applied.id(), HotfixOptions.defaults());

        assertEquals(rolledBack.message(), Outcome.ROLLED_BACK, rolledBack.outcome());
        assertEquals(25, shop.buy("bob", "potion", 10).cost());
        assertEquals(List.of(), manager.list());
        assertEquals(Outcome.APPLIED, manager.install(jar(FIX).toURI(), HotfixOptions.defaults()).outcome());
    }

    @Test
    public void dryRunPlansTheRedefinitionAndChangesNothing() {
        HotfixReport plan = manager.verify(jar(FIX).toURI());

        assertEquals(plan.message(), Outcome.PLANNED, plan.outcome());
        assertTrue(plan.message(), plan.message().contains("redefining 1 class(es) in place"));
        assertEquals(25, shop.buy("alice", "potion", 10).cost());
    }

    @Test
    public void aFixMayAddAClassToTheTargetsPackage() {
        HotfixReport report = manager.install(jar("fixture.redefine-helper").toURI(), HotfixOptions.defaults());

        assertEquals(report.message(), Outcome.APPLIED, report.outcome());
        assertTrue(report.classes().toString(),
                report.classes().stream().anyMatch(c -> c.startsWith("example.webapp.economy.Discounts: new")));
        assertEquals(225, shop.buy("alice", "potion", 10).cost());
    }

    @Test
    public void aNewMethodIsRefusedBeforeAnythingChanges() {
        HotfixReport report = manager.install(jar("fixture.redefine-new-method").toURI(), HotfixOptions.defaults());

        assertEquals(report.message(), Reason.STRUCTURAL_CHANGE, report.reason());
        assertTrue(report.message(), report.message().contains("example.webapp.economy.Pricing")
                && report.message().contains("percentOff"));
        assertEquals(25, shop.buy("alice", "potion", 10).cost());
    }

    @Test
    public void aClassOutsideTheTargetsPackagesIsRefused() {
        HotfixReport report = manager.install(jar("fixture.redefine-foreign").toURI(), HotfixOptions.defaults());

        assertEquals(report.message(), Reason.NOT_IN_TARGET, report.reason());
        assertTrue(report.message(), report.message().contains("example.webapp.elsewhere"));
        assertEquals(25, shop.buy("alice", "potion", 10).cost());
    }

    @Test
    public void aSwapRedefinesTheChangedClassesOfAnExportedPackageInPlace() {
        NullPointerException before = assertThrows(NullPointerException.class, () -> new EconomyException(null, "m"));

        HotfixReport report = manager.install(jar("fixture.api-change").toURI(), HotfixOptions.defaults());

        assertEquals(report.message(), Outcome.APPLIED, report.outcome());
        assertTrue(report.classes().toString(), report.classes().contains(
                "example.webapp.api.EconomyException: redefined in place in the old exporter, for its importers"));
        assertTrue(report.notes().toString(), report.notes().stream().anyMatch(n -> n.contains("pending removal")));
        NullPointerException after = assertThrows(NullPointerException.class, () -> new EconomyException(null, "m"));
        assertTrue(after.getMessage(), !after.getMessage().equals(before.getMessage()));

        HotfixReport rolledBack = manager.rollback(report.id(), HotfixOptions.defaults());

        assertEquals(rolledBack.message(), Outcome.ROLLED_BACK, rolledBack.outcome());
        assertEquals(before.getMessage(),
                assertThrows(NullPointerException.class, () -> new EconomyException(null, "m")).getMessage());
    }

    @Test
    public void aSecondSwapOfAnExporterReachesTheImportersOfTheFirstAndBothRollBack() throws Exception {
        ClassLoader economy = installed(ECONOMY).adapt(BundleWiring.class).getClassLoader();
        assertSame("the economy and this test import the class alike", EconomyException.class,
                economy.loadClass(EconomyException.class.getName()));
        String original = refusalOfNoReason();
        HotfixReport first = manager.install(jar("fixture.api-change").toURI(), HotfixOptions.defaults());
        assertEquals(first.message(), Outcome.APPLIED, first.outcome());
        String once = refusalOfNoReason();
        assertNotEquals(original, once);

        HotfixReport plan = manager.verify(jar("fixture.api-change-again").toURI());

        assertEquals(plan.message(), Outcome.PLANNED, plan.outcome());
        assertTrue(plan.classes().toString(), plan.classes().contains("example.webapp.api.EconomyException: "
                + "redefined in place in example.webapp.api 1.0.0.SNAPSHOT (pending removal), for its importers"));
        assertEquals("a dry run changes nothing", once, refusalOfNoReason());

        HotfixReport second = manager.install(jar("fixture.api-change-again").toURI(), HotfixOptions.defaults());

        assertEquals(second.message(), Outcome.APPLIED, second.outcome());
        assertEquals(plan.classes(), second.classes());
        String twice = refusalOfNoReason();
        assertTrue(twice, twice.endsWith("say why it was refused"));

        HotfixReport secondRolledBack = manager.rollback(second.id(), HotfixOptions.defaults());

        assertEquals(secondRolledBack.message(), Outcome.ROLLED_BACK, secondRolledBack.outcome());
        assertTrue(secondRolledBack.classes().toString(), secondRolledBack.classes().contains(
                "example.webapp.api.EconomyException: redefined back in place in example.webapp.api 1.0.0.SNAPSHOT "
                        + "(pending removal), for its importers"));
        assertEquals(once, refusalOfNoReason());

        HotfixReport firstRolledBack = manager.rollback(first.id(), HotfixOptions.defaults());

        assertEquals(firstRolledBack.message(), Outcome.ROLLED_BACK, firstRolledBack.outcome());
        assertEquals(original, refusalOfNoReason());
        assertSame(EconomyException.class, economy.loadClass(EconomyException.class.getName()));
    }

    /** @return the message of the refusal of an EconomyException without a reason, as its importers run it now */
    private static String refusalOfNoReason() {
        return assertThrows(NullPointerException.class, () -> new EconomyException(null, "m")).getMessage();
    }

    @Test
    public void aSwapMadeForTheVersionARedefinitionReplacedIsRefusedAndChangesNothing() {
        HotfixReport redefined = manager.install(jar(FIX).toURI(), HotfixOptions.defaults());
        assertEquals(redefined.message(), Outcome.APPLIED, redefined.outcome());
        Bundle economy = installed(ECONOMY);

        HotfixReport plan = manager.verify(jar(HotfixIT.FIX).toURI());
        HotfixReport swap = manager.install(jar(HotfixIT.FIX).toURI(), HotfixOptions.defaults());

        for (HotfixReport refused : List.of(plan, swap)) {
            assertEquals(refused.message(), Outcome.REFUSED, refused.outcome());
            assertEquals(refused.message(), Reason.VERSION_NOT_HIGHER, refused.reason());
            assertTrue(refused.message(), refused.message().contains("hotfix " + redefined.id() + " (")
                    && refused.message().contains("example.webapp.economy.Pricing")
                    && refused.message().contains("roll back hotfix " + redefined.id() + " first"));
        }
        assertEquals("nothing was swapped", economy.getBundleId(), installed(ECONOMY).getBundleId());
        assertEquals("the redefinition stays", 225, shop.buy("alice", "potion", 10).cost());

        // what the refusal says to do: roll the redefinition back, swap, then redefine again
        assertEquals(Outcome.ROLLED_BACK, manager.rollback(redefined.id(), HotfixOptions.defaults()).outcome());
        assertEquals(Outcome.APPLIED, manager.install(jar(HotfixIT.FIX).toURI(), HotfixOptions.defaults()).outcome());
        assertEquals(Outcome.APPLIED, manager.install(jar(FIX).toURI(), HotfixOptions.defaults()).outcome());
        assertEquals(225, shop.buy("bob", "potion", 10).cost());
        assertEquals(EconomyException.Reason.INSUFFICIENT_GOLD,
                assertThrows(EconomyException.class, () -> shop.buy("bob", "dragon-egg", 500_000)).reason());
    }

    @Test
    public void aSwapMadeOnTopOfARedefinitionReplacesItAndItsRollbackBringsTheRedefinitionBack() {
        HotfixReport redefined = manager.install(jar(FIX).toURI(), HotfixOptions.defaults());
        assertEquals(redefined.message(), Outcome.APPLIED, redefined.outcome());

        HotfixReport swap = manager.install(jar("fixture.economy-cumulative").toURI(), HotfixOptions.defaults());

        assertEquals(swap.message(), Outcome.APPLIED, swap.outcome());
        assertEquals("1.0.2", swap.fromVersion());
        assertTrue(swap.notes().toString(), swap.notes().contains("example.webapp.economy.Pricing: the new version's "
                + "class takes the place of hotfix " + redefined.id() + "'s redefinition of it"));
        assertEquals(225, shop.buy("alice", "potion", 10).cost());
        assertEquals(Reason.UNKNOWN_HOTFIX, manager.rollback(redefined.id(), HotfixOptions.defaults()).reason());

        HotfixReport swapRolledBack = manager.rollback(swap.id(), HotfixOptions.defaults());

        assertEquals(swapRolledBack.message(), Outcome.ROLLED_BACK, swapRolledBack.outcome());
        assertTrue(swapRolledBack.notes().toString(), swapRolledBack.notes().contains("example.webapp.economy.Pricing: "
                + "hotfix " + redefined.id() + "'s redefinition applies again, as the version put back loads it"));
        assertEquals("the version put back loads Pricing as the redefinition made it", 225,
                shop.buy("bob", "potion", 10).cost());
        assertEquals(Outcome.ROLLED_BACK, manager.rollback(redefined.id(), HotfixOptions.defaults()).outcome());
        assertEquals(25, shop.buy("carol", "potion", 10).cost());
    }

    @Test
    public void aSwapAndARedefinitionStack() {
        HotfixReport swapped = manager.install(jar(HotfixIT.FIX).toURI(), HotfixOptions.defaults());
        HotfixReport redefined = manager.install(jar(FIX).toURI(), HotfixOptions.defaults());

        assertEquals(swapped.message(), Outcome.APPLIED, swapped.outcome());
        assertEquals(redefined.message(), Outcome.APPLIED, redefined.outcome());
        assertEquals("1.0.1", redefined.fromVersion());
        assertEquals(225, shop.buy("alice", "potion", 10).cost());
        assertEquals(2, manager.list().size());
        assertEquals(Reason.UNKNOWN_HOTFIX, manager.rollback(swapped.id(), HotfixOptions.defaults()).reason());
    }
}
