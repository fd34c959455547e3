package hotfix.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;
import static org.ops4j.pax.exam.CoreOptions.frameworkProperty;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.OptionUtils;
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
import hotfix.runtime.internal.inspect.Mutator;

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
    /** Where the mutants are: written in the test JVM, where the runtime's test jar is. */
    static final String MUTANTS = "hotfix.itests.mutants";
    /** The file that says how each mutant was made, a line each. */
    static final String HOW = "how.txt";

    private static Path written;

    @Override
    @Configuration
    public Option[] config() {
        return OptionUtils.combine(super.config(), frameworkProperty(MUTANTS).value(writeMutants().toString()));
    }

    /** Corrupts the real hotfix, once, into {@code <n>.jar} files and their {@link #HOW}. */
    private static synchronized Path writeMutants() {
        if (written != null) {
            return written;
        }
        try {
            Path directory = Path.of(System.getProperty(WORK, "target/paxexam") + "-mutants-" + UUID.randomUUID())
                    .toAbsolutePath();
            Files.createDirectories(directory);
            List<Mutator.Mutant> mutants = new Mutator(Files.readAllBytes(jar(FIX).toPath()), SEED)
                    .mutants(INSTALLED + PLANNED);
            List<String> how = new ArrayList<>();
            for (int i = 0; i < mutants.size(); i++) {
                Files.write(directory.resolve(i + ".jar"), mutants.get(i).bytes());
                how.add(mutants.get(i).how());
            }
            Files.write(directory.resolve(HOW), how);
            written = directory;
            return directory;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Test
    public void everyCorruptedHotfixIsRefusedOrAppliedWholeAndTheServerServes() throws Exception {
        awaitHttp(base().resolve("/players"), java.time.Duration.ofSeconds(30));
        int bundles = context.getBundles().length;
        Path directory = Path.of(context.getProperty(MUTANTS));
        List<String> mutants = Files.readAllLines(directory.resolve(HOW));
        assertEquals(INSTALLED + PLANNED, mutants.size());
        Map<Reason, Integer> refused = new EnumMap<>(Reason.class);
        int applied = 0;
        int planned = 0;
        for (int i = 0; i < mutants.size(); i++) {
            String how = mutants.get(i);
            byte[] bytes = Files.readAllBytes(directory.resolve(i + ".jar"));
            boolean install = i < INSTALLED;
            HotfixReport report = manager.install("mutant " + how, new ByteArrayInputStream(bytes),
                    install ? HotfixOptions.defaults() : HotfixOptions.plan());
            switch (report.outcome()) {
                case REFUSED -> refused.merge(report.reason(), 1, Integer::sum);
                case APPLIED -> {
                    assertTrue(how, install);
                    applied++;
                    assertServes(how, report.toVersion(), bundles);
                    HotfixReport rolledBack = manager.rollback(report.id(), HotfixOptions.defaults());
                    assertEquals(how + ": " + rolledBack.message(), Outcome.ROLLED_BACK,
                            rolledBack.outcome());
                }
                case PLANNED -> {
                    assertFalse(how, install);
                    planned++;
                }
                default -> fail(how + ": " + report.outcome() + " " + report.message());
            }
            assertServes(how + " (" + report.outcome() + ": " + report.message() + ")", SHIPPED, bundles);
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
