package hotfix.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;


import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.Bundle;
import org.osgi.framework.InvalidSyntaxException;

import example.webapp.api.Player;
import example.webapp.api.Players;
import example.webapp.api.Purchase;
import example.webapp.api.Shop;
import hotfix.runtime.api.HotfixOptions;
import hotfix.runtime.api.HotfixReport;
import hotfix.runtime.api.Outcome;
import hotfix.runtime.api.Reason;

/**
 * Every bad input the pipeline must refuse, each a real bundle built from source where the input
 * is a bundle at all (itests/fixtures): each refusal gives its reason, names the problem, and
 * leaves the server as it was. That last part is what lets the tests share one framework: after
 * each, the shipped economy serves alone, active, with its wallets, and the attempt is in the
 * history.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class RefusalIT extends HotfixTestSupport {

    static final String ECONOMY = "example.webapp.economy";
    static final String API = "example.webapp.api";
    static final String SHIPPED = "1.0.0.SNAPSHOT";
    static final String GOOD_FIX = "example.webapp.hotfix.shop-overflow";
    /** The same fix with a ledger that copies its state: it holds new calls into the economy. */
    static final String COPYING_FIX = "fixture.economy-copied";
    /** Every wait in these tests ends by then, or the test fails. */
    static final long WAIT_SECONDS = 30;

    @Test
    public void aLowerVersionIsRefused() {
        HotfixReport report = install("lower-version");

        assertRefused(report, Reason.VERSION_NOT_HIGHER, "0.9.0", ECONOMY + " " + SHIPPED);
    }

    @Test
    public void aHotfixForOtherVersionsOfTheTargetIsRefused() {
        HotfixReport report = install("wrong-range");

        assertRefused(report, Reason.TARGET_VERSION_MISMATCH, "[2.0.0,3.0.0)", SHIPPED + " is installed");
    }

    @Test
    public void aHotfixOfABundleThatIsNotInstalledIsRefused() {
        HotfixReport report = install("no-target");

        assertRefused(report, Reason.NO_TARGET, "example.webapp.nonexistent");
    }

    @Test
    public void aHotfixThatDoesNotResolveIsRefused() {
        HotfixReport report = install("unresolved");

        assertRefused(report, Reason.UNRESOLVED, "does not resolve", "com.example.missing");
    }

    @Test
    public void aHotfixWhoseComponentThrowsOnActivationIsRefused() {
        HotfixReport report = install("throwing-component");

        assertRefused(report, Reason.START_FAILED, "component " + ECONOMY + ".GoldShop failed to activate",
                "java.lang.IllegalStateException: simulated activation failure");
    }

    @Test
    public void aHotfixThatRefusesTheStateIsRolledBackAndTheOldVersionKeepsIt() {
        Player before = customerWithASword("keeper");

        HotfixReport report = install("refusing-state");

        assertRefused(report, Reason.STATE_TRANSFER_FAILED, ECONOMY + ".PlayerLedger",
                "refuses the old version's wallets", "keeps its state");
        assertEquals(before, players.get("keeper"));
    }

    /**
     * #13 finding 5: a checked exception thrown sneakily by {@code importState} escaped the
     * pipeline's {@code catch (RuntimeException | LinkageError)} and left the economy's callers
     * held and the staged bundle installed. Now it is refused, everything undone.
     */
    @Test
    public void aHotfixWhoseStateHandoverThrowsACheckedExceptionSneakilyIsRefusedAndUndone() {
        Player before = customerWithASword("sneaked-on");

        HotfixReport report = install("sneaky-state");

        assertRefused(report, Reason.STATE_TRANSFER_FAILED, ECONOMY + ".PlayerLedger", "java.io.IOException",
                "wallets could not be read");
        assertEquals(before, players.get("sneaked-on"));
    }

    @Test
    public void aHotfixThatCannotTakeTheStateOverIsRefused() {
        Player before = customerWithASword("survivor");

        HotfixReport report = install("stateless");

        assertRefused(report, Reason.STATE_TRANSFER_FAILED, ECONOMY + ".PlayerLedger",
                "does not implement StateTransfer", "the state would be lost");
        assertEquals(before, players.get("survivor"));
    }

    @Test
    public void aSwapThatAddsAClassToAnExportedPackageIsRefused() {
        HotfixReport report = install("api-new-class");

        assertRefused(report, Reason.EXPORTED_PACKAGE_CHANGED, "example.webapp.api.Coupon", ECONOMY,
                "could never see it");
    }

    @Test
    public void anUnknownModeIsRefused() {
        HotfixReport report = install("bad-mode");

        assertRefused(report, Reason.INVALID_HEADER, "Hotfix-Mode", "'teleport'");
    }

    @Test
    public void aFileThatIsNotAJarIsRefused() throws IOException {
        Path text = scratch("release-notes.txt");
        Files.writeString(text, "Fixes the shop. Apply with care.\n", StandardCharsets.UTF_8);

        HotfixReport report = manager.install(text.toUri(), HotfixOptions.defaults());

        assertRefused(report, Reason.UNREADABLE, "not a jar");
        assertEquals(text.toUri().toString(), report.source());
        assertEquals("", report.target());
    }

    @Test
    public void aZipWithoutAManifestIsRefused() throws IOException {
        Path zip = scratch("no-manifest.jar");
        try (ZipOutputStream out = new ZipOutputStream(Files.newOutputStream(zip))) {
            out.putNextEntry(new ZipEntry("example/webapp/economy/README.txt"));
            out.write("a zip, but no bundle\n".getBytes(StandardCharsets.UTF_8));
            out.closeEntry();
        }

        HotfixReport report = manager.install(zip.toUri(), HotfixOptions.defaults());

        assertRefused(report, Reason.NOT_A_BUNDLE, "META-INF/MANIFEST.MF");
    }

    @Test
    public void aMissingFileIsRefused() {
        HotfixReport report = manager.install(URI.create("file:/nonexistent.jar"), HotfixOptions.defaults());

        assertRefused(report, Reason.UNREADABLE, "/nonexistent.jar");
        assertEquals("", report.sha256());
    }

    @Test
    public void aCallThatDoesNotFinishInTimeAbortsTheHotfixAndReopensTheGate() throws Exception {
        HotfixReport report;
        try (HeldRequest request = new HeldRequest(gate, "refusal-it-slow-request", () -> players.get("alice"))) {
            report = manager.install(jar(COPYING_FIX).toURI(),
                    HotfixOptions.defaults().withDrainTimeout(Duration.ofMillis(300)));

            assertEquals(report.message(), Reason.DRAIN_TIMEOUT, report.reason());
            assertFalse("the gate was left closed", gate.isClosed());
        }

        // Once the request has left, the very same hotfix goes in; undone, so the next test
        // finds the shipped version.
        HotfixReport applied = manager.install(jar(COPYING_FIX).toURI(), HotfixOptions.defaults());
        assertEquals(applied.message(), Outcome.APPLIED, applied.outcome());
        HotfixReport rolledBack = manager.rollback(applied.id(), HotfixOptions.defaults());
        assertEquals(rolledBack.message(), Outcome.ROLLED_BACK, rolledBack.outcome());

        assertRefused(report, Reason.DRAIN_TIMEOUT, "300 ms", "'refusal-it-slow-request'");
    }

    @Test
    public void aSecondHotfixWhileOneIsInProgressIsRefused() throws Exception {
        HotfixReport busy;
        FutureTask<HotfixReport> first = new FutureTask<>(() -> manager.install(jar(COPYING_FIX).toURI(),
                HotfixOptions.defaults().withDrainTimeout(Duration.ofSeconds(WAIT_SECONDS))));
        Thread installer = new Thread(first, "refusal-it-first-hotfix");
        try (HeldRequest request = new HeldRequest(gate, "refusal-it-held-request", () -> players.get("alice"))) {
            // The first hotfix closes the gate and waits in quiesce for the request to leave.
            installer.start();
            awaitGateClosedBy(first);

            // Any second attempt: this one would be refused for its version, but is not even inspected.
            busy = manager.install(jar("fixture.lower-version").toURI(), HotfixOptions.defaults());

            assertEquals(busy.message(), Reason.BUSY, busy.reason());
        }
        HotfixReport applied = first.get(WAIT_SECONDS, TimeUnit.SECONDS);
        installer.join(TimeUnit.SECONDS.toMillis(WAIT_SECONDS));
        assertEquals(applied.message(), Outcome.APPLIED, applied.outcome());
        HotfixReport rolledBack = manager.rollback(applied.id(), HotfixOptions.defaults());
        assertEquals(rolledBack.message(), Outcome.ROLLED_BACK, rolledBack.outcome());

        assertRefused(busy, Reason.BUSY, COPYING_FIX + ".jar", "one at a time");
    }

    private HotfixReport install(String fixture) {
        return manager.install(jar("fixture." + fixture).toURI(), HotfixOptions.defaults());
    }

    /** A file in the probe's data area, which the framework's storage holds under target/. */
    private Path scratch(String name) {
        return context.getDataFile(name).toPath();
    }

    private Player customerWithASword(String id) {
        players.join(id, "Customer " + id);
        shop.buy(id, "sword", 1);
        Player player = players.get(id);
        assertEquals(850, player.gold());
        return player;
    }

    /**
     * Asserts the refusal, that its message names each of the given facts, and that the server
     * is as it was: the shipped economy alone and active, nothing staged left behind, the gate
     * open, no hotfix in place, the shop selling, and the attempt in the history.
     */
    private void assertRefused(HotfixReport report, Reason reason, String... named) {
        String message = report.message();
        assertEquals(message, Outcome.REFUSED, report.outcome());
        assertEquals(message, reason, report.reason());
        // shown in lists and logs: what went wrong, not a stack trace
        assertFalse("the message should be one line: " + message, message.contains("\n"));
        for (String fact : named) {
            assertTrue("the message should name '" + fact + "': " + message, message.contains(fact));
        }

        Bundle economy = installed(ECONOMY);
        assertEquals(SHIPPED, economy.getVersion().toString());
        assertEquals(ECONOMY + " state", Bundle.ACTIVE, economy.getState());
        Bundle api = installed(API);
        assertEquals(SHIPPED, api.getVersion().toString());
        assertEquals(API + " state", Bundle.ACTIVE, api.getState());
        for (Bundle bundle : context.getBundles()) {
            assertFalse("left behind: " + bundle + " from " + bundle.getLocation(),
                    bundle.getLocation().startsWith("hotfix:"));
        }
        // consumers still see one proxy of each service, no staged original
        assertEquals(1, serviceCount(Shop.class));
        assertEquals(1, serviceCount(Players.class));
        assertFalse("the gate is closed", gate.isClosed());
        assertEquals(List.of(), manager.list());

        String fresh = "fresh-" + report.id();
        players.join(fresh, "Fresh " + report.id());
        Purchase purchase = shop.buy(fresh, "potion", 1);
        assertEquals(25, purchase.cost());
        assertEquals(975, players.get(fresh).gold());

        HotfixReport recorded = manager.history().stream().filter(r -> r.id() == report.id()).findFirst()
                .orElseThrow(() -> new AssertionError("attempt " + report.id() + " is not in the history"));
        assertEquals(Outcome.REFUSED, recorded.outcome());
        assertEquals(reason, recorded.reason());
        assertEquals(message, recorded.message());
    }

    private int serviceCount(Class<?> type) {
        try {
            return context.getServiceReferences(type, null).size();
        } catch (InvalidSyntaxException e) {
            throw new AssertionError(e);
        }
    }

    private void awaitGateClosedBy(FutureTask<HotfixReport> hotfix) throws Exception {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_SECONDS);
        while (!gate.isClosed()) {
            if (hotfix.isDone()) {
                fail("the first hotfix ended before it closed the gate: " + hotfix.get().message());
            }
            if (System.nanoTime() - end >= 0) {
                fail("the first hotfix did not close the gate within " + WAIT_SECONDS + " s");
            }
            Thread.sleep(5);
        }
    }
}
