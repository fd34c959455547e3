package hotfix.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.Bundle;

import example.webapp.api.Players;
import example.webapp.api.Shop;
import hotfix.runtime.api.HotfixOptions;
import hotfix.runtime.api.HotfixReport;
import hotfix.runtime.api.Outcome;
import hotfix.runtime.api.Reason;

/**
 * The example's real hotfix, corrupted in many ways with a fixed seed and given to the manager
 * of a running server: every attempt is refused, or applied whole and then rolled back, never
 * half-applied; after each, one economy bundle is active, nothing staged is left installed, the
 * services answer and the server serves HTTP. The counts are printed for the record.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class MutationIT extends HotfixTestSupport {

    static final String ECONOMY = "example.webapp.economy";
    static final String FIX = "example.webapp.hotfix.shop-overflow";
    static final String SHIPPED = "1.0.0.SNAPSHOT";
    static final long SEED = 7;
    /** Installed for real: each may stage, swap and roll back. */
    static final int INSTALLED = 48;
    /** Dry runs: inspect and plan through the manager, on other mutants of the same seed. */
    static final int PLANNED = 200;

    @Test
    public void everyCorruptedHotfixIsRefusedOrAppliedWholeAndTheServerServes() throws Exception {
        awaitHttp(base().resolve("/players"), java.time.Duration.ofSeconds(30));
        int bundles = context.getBundles().length;
        List<Mutator.Mutant> mutants = new Mutator(Files.readAllBytes(jar(FIX).toPath()), SEED)
                .mutants(INSTALLED + PLANNED);
        Map<Reason, Integer> refused = new EnumMap<>(Reason.class);
        int applied = 0;
        int planned = 0;
        for (int i = 0; i < mutants.size(); i++) {
            Mutator.Mutant mutant = mutants.get(i);
            boolean install = i < INSTALLED;
            HotfixReport report = manager.install("mutant " + mutant.how(), new ByteArrayInputStream(mutant.bytes()),
                    install ? HotfixOptions.defaults() : HotfixOptions.plan());
            switch (report.outcome()) {
                case REFUSED -> refused.merge(report.reason(), 1, Integer::sum);
                case APPLIED -> {
                    assertTrue(mutant.how(), install);
                    applied++;
                    assertServes(mutant.how(), report.toVersion(), bundles);
                    HotfixReport rolledBack = manager.rollback(report.id(), HotfixOptions.defaults());
                    assertEquals(mutant.how() + ": " + rolledBack.message(), Outcome.ROLLED_BACK,
                            rolledBack.outcome());
                }
                case PLANNED -> {
                    assertFalse(mutant.how(), install);
                    planned++;
                }
                default -> fail(mutant.how() + ": " + report.outcome() + " " + report.message());
            }
            assertServes(mutant.how() + " (" + report.outcome() + ": " + report.message() + ")", SHIPPED, bundles);
        }
        int refusals = refused.values().stream().mapToInt(Integer::intValue).sum();
        assertEquals(mutants.size(), refusals + applied + planned);
        System.out.println("Mutated hotfixes through the manager (seed " + SEED + "): " + mutants.size()
                + " tried; installed " + INSTALLED + ": " + applied + " applied and rolled back, "
                + (INSTALLED - applied) + " refused; dry runs " + PLANNED + ": " + planned + " planned, "
                + (PLANNED - planned) + " refused; refusals by reason " + refused + "; half-applied 0");
    }

    /** One economy bundle of that version, active; no bundle left over; the services and HTTP answer. */
    private void assertServes(String mutant, String version, int bundles) throws Exception {
        Bundle economy = installed(ECONOMY);
        assertEquals(mutant, version, economy.getVersion().toString());
        assertEquals(mutant, Bundle.ACTIVE, economy.getState());
        assertEquals(mutant + ": bundles left installed", bundles, context.getBundles().length);
        assertFalse(mutant, gate.isClosed());
        assertEquals(mutant, 1, context.getServiceReferences(Shop.class, null).size());
        assertEquals(mutant, 1, context.getServiceReferences(Players.class, null).size());
        String fresh = "m-" + Long.toString(System.nanoTime(), 36);
        players.join(fresh, "Mutant tester");
        assertEquals(mutant, 25, shop.buy(fresh, "potion", 1).cost());
        assertFalse(mutant, leaderboard.top(3).isEmpty());
        awaitHttp(base().resolve("/players"), java.time.Duration.ofSeconds(10));
    }
}
