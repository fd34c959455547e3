package hotfix.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import javax.inject.Inject;

import org.apache.felix.service.command.CommandProcessor;
import org.apache.felix.service.command.CommandSession;
import org.junit.After;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.OptionUtils;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.Bundle;
import org.osgi.framework.ServiceEvent;
import org.osgi.framework.ServiceListener;
import org.osgi.framework.ServiceReference;
import org.osgi.util.tracker.ServiceTracker;

import hotfix.itests.fixture.tally.api.Counter;
import hotfix.runtime.api.HotfixOptions;
import hotfix.runtime.api.HotfixReport;
import hotfix.runtime.api.Outcome;
import hotfix.runtime.api.Reason;

/**
 * Application bundles of shapes the example does not have, installed with the runtime as any
 * application is: the runtime never hides, breaks or changes a service it cannot stand in front
 * of, and a hotfix of such a bundle re-registers it. Each test leaves the framework as it found
 * it, so they share one.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class MediationIT extends HotfixTestSupport {

    static final String GOGO = "fixture.gogo-command";
    static final String TALLY = "fixture.tally";
    static final String TALLY_COMPONENT = "hotfix.itests.fixture.tally.Tally";
    static final String SHIPPED = "1.0.0.SNAPSHOT";
    /** Where shared.bnd starts application bundles ({@code *;startlevel=10}): after the runtime. */
    static final int APPLICATION = 10;
    /** Every wait in these tests ends by then, or the test fails. */
    static final long WAIT_SECONDS = 30;

    @Inject
    CommandProcessor processor;

    private ServiceTracker<Counter, Counter> counters;

    @Configuration
    @Override
    public Option[] config() {
        return OptionUtils.combine(super.config(), file(GOGO).startLevel(APPLICATION),
                file(TALLY + "-api").startLevel(APPLICATION), file(TALLY).startLevel(APPLICATION));
    }

    @Test
    public void gogoCommandsOfAnApplicationWorkAndAHotfixReRegistersThem() throws Exception {
        // demo:hello is registered under java.lang.Object, demo:bye under an interface without bye()
        assertEquals("hello from 1.0.0", command("demo:hello"));
        assertEquals("bye from 1.0.0", command("demo:bye"));

        HotfixReport plan = manager.verify(jar(GOGO + "-fix").toURI());
        assertEquals(plan.message(), Outcome.PLANNED, plan.outcome());
        assertReRegistered(plan, "java.lang.Object");
        assertReRegistered(plan, "java.util.function.Supplier");

        HotfixReport applied = manager.install(jar(GOGO + "-fix").toURI(), HotfixOptions.defaults());

        assertEquals(applied.message(), Outcome.APPLIED, applied.outcome());
        assertTrue(applied.message(), applied.message().contains("0 service(s) swapped, 2 re-registered"));
        assertReRegistered(applied, "java.lang.Object");
        assertEquals("hello from the hotfix", command("demo:hello"));
        assertEquals("bye from the hotfix", command("demo:bye"));

        HotfixReport rolledBack = manager.rollback(applied.id(), HotfixOptions.defaults());

        assertEquals(rolledBack.message(), Outcome.ROLLED_BACK, rolledBack.outcome());
        assertEquals("hello from 1.0.0", command("demo:hello"));
        assertEquals("bye from 1.0.0", command("demo:bye"));
    }

    @Test
    public void aStagedVersionsServicesStayHiddenUntilTheCommitAndForGoodIfItIsRefused() throws Exception {
        List<String> heard = new CopyOnWriteArrayList<>();
        ServiceListener listener = event -> {
            ServiceReference<?> reference = event.getServiceReference();
            heard.add(switch (event.getType()) {
                case ServiceEvent.REGISTERED -> "REGISTERED";
                case ServiceEvent.MODIFIED -> "MODIFIED";
                case ServiceEvent.UNREGISTERING -> "UNREGISTERING";
                default -> "OTHER";
            } + " " + String.join(",", (String[]) reference.getProperty("osgi.command.function")) + " of "
                    + reference.getBundle().getVersion());
        };
        context.addServiceListener(listener, "(osgi.command.scope=demo)");
        try {
            HotfixReport refused;
            // refused after its bundle started, its commands registered: its services cannot be matched
            refused = manager.install(jar(GOGO + "-refused").toURI(), HotfixOptions.defaults());
            assertEquals(refused.message(), Reason.AMBIGUOUS_SERVICES, refused.reason());
            assertEquals("the refused version's commands were shown", List.of(), heard);
            assertEquals("hello from 1.0.0", command("demo:hello"));

            HotfixReport applied = manager.install(jar(GOGO + "-fix").toURI(), HotfixOptions.defaults());
            assertEquals(applied.message(), Outcome.APPLIED, applied.outcome());
            assertEquals("hello from the hotfix", command("demo:hello"));
            // announced at the commit, never before; the old ones go as the old version retires
            assertEquals(heard.toString(), Set.of("MODIFIED hello of 1.0.1", "MODIFIED bye of 1.0.1",
                    "UNREGISTERING hello of " + SHIPPED, "UNREGISTERING bye of " + SHIPPED), Set.copyOf(heard));
            assertEquals(heard.toString(), 4, heard.size());

            HotfixReport rolledBack = manager.rollback(applied.id(), HotfixOptions.defaults());
            assertEquals(rolledBack.message(), Outcome.ROLLED_BACK, rolledBack.outcome());
            assertEquals("hello from 1.0.0", command("demo:hello"));
        } finally {
            context.removeServiceListener(listener);
        }
    }

    @Test
    public void aNewVersionThatDropsAnInterfaceOfItsProxyIsRefusedByThePlan() {
        long before = counter().next();

        HotfixReport plan = manager.verify(jar(TALLY + "-dropped-interface").toURI());
        HotfixReport install = manager.install(jar(TALLY + "-dropped-interface").toURI(), HotfixOptions.defaults());

        for (HotfixReport report : List.of(plan, install)) {
            assertRefused(report, Reason.INCOMPATIBLE_SERVICE, "the new component " + TALLY_COMPONENT + " of " + TALLY
                    + " 1.0.1", "but not hotfix.itests.fixture.tally.api.Counter, which the proxy of the old one exposes",
                    "ClassCastException", "Provide it again");
        }
        assertEquals("the old version lost its count", before + 1, counter().next());
    }

    @Test
    public void aNewVersionWithItsOwnCopyOfTheApiIsRefusedBeforeAnythingChanges() {
        long before = counter().next();

        HotfixReport report = manager.install(jar(TALLY + "-own-api").toURI(), HotfixOptions.defaults());

        assertRefused(report, Reason.INCOMPATIBLE_SERVICE, "the new component " + TALLY_COMPONENT + " of " + TALLY
                + " 1.0.1 cannot take the old one's place", "implements hotfix.itests.fixture.tally.api.Counter of "
                + "bundle " + TALLY + " 1.0.1 [", "another class than the hotfix.itests.fixture.tally.api.Counter of bundle "
                + TALLY + "-api " + SHIPPED + " [", "import the package from the bundle that exports it");
        assertFalse("refused after the quiesce: " + report.stages(), report.stages().containsKey("quiesce"));
        assertEquals("the old version lost its count", before + 1, counter().next());
    }

    @Test
    public void aNewVersionThatWouldDropTheStateIsRefusedByThePlan() {
        long before = counter().next();

        HotfixReport plan = manager.verify(jar(TALLY + "-renamed").toURI());
        HotfixReport install = manager.install(jar(TALLY + "-renamed").toURI(), HotfixOptions.defaults());

        for (HotfixReport report : List.of(plan, install)) {
            assertRefused(report, Reason.STATE_TRANSFER_FAILED, "the old component " + TALLY_COMPONENT + " of " + TALLY
                    + " " + SHIPPED + " hands over state (StateTransfer), but no service of " + TALLY
                    + " 1.0.1 matches it, so its state would be dropped",
                    "keep the name with @Component(name = \"" + TALLY_COMPONENT + "\")");
        }
        assertEquals("the old version lost its count", before + 1, counter().next());
    }

    @Test
    public void aDryRunShowsEveryMatchAndEveryStateHandover() {
        HotfixReport plan = manager.verify(jar("example.webapp.hotfix.shop-overflow").toURI());

        assertEquals(plan.message(), Outcome.PLANNED, plan.outcome());
        assertEquals(Set.of(
                "example.webapp.api.Shop (component example.webapp.economy.GoldShop, no state): swapped",
                "example.webapp.api.Players,hotfix.runtime.api.StateTransfer (component "
                        + "example.webapp.economy.PlayerLedger, state handed over): swapped",
                "example.webapp.api.Leaderboard (component example.webapp.economy.RichestFirst, no state): swapped"),
                Set.copyOf(plan.services()));
    }

    /** @return the Counter consumers get: the proxy of fixture.tally's Tally */
    /**
     * @return the Counter, which this test holds until it ends: a delayed component lives while
     *         a consumer holds it, with the runtime as without it, and its count with it
     */
    private Counter counter() {
        if (counters == null) {
            counters = new ServiceTracker<>(context, Counter.class, null);
            counters.open();
        }
        ServiceReference<Counter> reference = counters.getServiceReference();
        assertNotNull("no Counter", reference);
        assertNotNull("not a proxy: " + reference, reference.getProperty("hotfix.proxy.of"));
        return counters.getService();
    }

    @After
    public void letGoOfTheCounter() {
        if (counters != null) {
            counters.close();
            counters = null;
        }
    }

    /**
     * Asserts the refusal, that its one-line message names each fact, and that the server is as it
     * was: the shipped fixture.tally alone, nothing staged left behind, no hotfix in place.
     */
    private void assertRefused(HotfixReport report, Reason reason, String... facts) {
        String message = report.message();
        assertEquals(message, Outcome.REFUSED, report.outcome());
        assertEquals(message, reason, report.reason());
        assertFalse("the message should be one line: " + message, message.contains("\n"));
        for (String fact : facts) {
            assertTrue("the message should name '" + fact + "': " + message, message.contains(fact));
        }
        assertFalse(message, report.pastPointOfNoReturn());
        assertEquals(SHIPPED, installed(TALLY).getVersion().toString());
        assertEquals(Bundle.ACTIVE, installed(TALLY).getState());
        for (Bundle bundle : context.getBundles()) {
            assertFalse("left behind: " + bundle + " from " + bundle.getLocation(),
                    bundle.getLocation().startsWith("hotfix:"));
        }
        assertEquals(List.of(), manager.list());
    }

    /** Runs a command through Gogo, once the framework shows a service for it, and returns its answer. */
    private String command(String line) throws Exception {
        String[] scoped = line.split(":");
        ServiceTracker<Object, Object> commands = new ServiceTracker<>(context, context.createFilter(
                "(&(osgi.command.scope=" + scoped[0] + ")(osgi.command.function=" + scoped[1] + "))"), null);
        commands.open();
        try {
            assertNotNull(line + " is not registered, or consumers cannot see it",
                    commands.waitForService(TimeUnit.SECONDS.toMillis(WAIT_SECONDS)));
        } finally {
            commands.close();
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (CommandSession session = processor.createSession(new ByteArrayInputStream(new byte[0]), out, out)) {
            return String.valueOf(session.execute(line));
        }
    }

    private static void assertReRegistered(HotfixReport report, String objectClass) {
        List<String> services = report.services();
        assertTrue(services.toString(), services.stream().anyMatch(line -> line.startsWith(objectClass + " (")
                && line.contains(": re-registered: it is a Gogo command (osgi.command.scope)")));
    }
}
