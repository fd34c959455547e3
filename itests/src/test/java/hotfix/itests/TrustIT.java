package hotfix.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;
import static org.ops4j.pax.exam.CoreOptions.frameworkProperty;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.UUID;
import java.util.function.Predicate;

import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.OptionUtils;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.Bundle;

import example.webapp.api.EconomyException;
import hotfix.runtime.internal.inspect.Keys;
import hotfix.runtime.api.HotfixOptions;
import hotfix.runtime.api.HotfixReport;
import hotfix.runtime.api.Outcome;
import hotfix.runtime.api.Reason;

/**
 * A server with a trust store: the example's real hotfix, signed when the test starts with a
 * key the store trusts, applies; unsigned, tampered with after signing, signed by a stranger or
 * with an expired certificate, it is refused through the manager (by URI, by stream, as a dry
 * run) and through the deploy directory, and the server is left as it was. Only this class
 * configures a trust store; the other tests run without one.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class TrustIT extends HotfixTestSupport {

    static final String ECONOMY = "example.webapp.economy";
    static final String FIX = "example.webapp.hotfix.shop-overflow";
    static final String SHIPPED = "1.0.0.SNAPSHOT";
    static final String RELEASE = "CN=Hotfix Release,O=Example";
    static final String STRANGER = "CN=Stranger,O=Elsewhere";
    /** Where the signed and tampered jars are, for the tests inside the framework. */
    static final String JARS = "hotfix.itests.trust.jars";

    private static Path prepared;

    @Override
    @Configuration
    public Option[] config() {
        Path jars = prepare();
        return OptionUtils.combine(super.config(),
                frameworkProperty("hotfix.truststore").value(jars.resolve("trust.p12").toString()),
                frameworkProperty("hotfix.truststore.password").value("trustpass"),
                frameworkProperty(JARS).value(jars.toString()),
                frameworkProperty("hotfix.deploy.dir").value(jars.resolve("deploy").toString()),
                frameworkProperty("hotfix.deploy.poll").value("100"));
    }

    /** Makes the keys, the trust store and the jars, once, in the test JVM. */
    private static synchronized Path prepare() {
        if (prepared != null) {
            return prepared;
        }
        try {
            Path directory = Path.of(System.getProperty(WORK, "target/paxexam") + "-trust-" + UUID.randomUUID())
                    .toAbsolutePath();
            Files.createDirectories(directory);
            Keys signing = new Keys(directory)
                    .key("release", RELEASE, null, 30)
                    .key("stranger", STRANGER, null, 30)
                    .key("expired", "CN=Old Release,O=Example", "2020/01/01", 30);
            signing.trustStore("trust.p12", "trustpass", "release", "expired");
            byte[] fix = Files.readAllBytes(jar(FIX).toPath());
            byte[] signed = signing.sign(fix, "release");
            Files.write(directory.resolve("unsigned.jar"), fix);
            Files.write(directory.resolve("signed.jar"), signed);
            Files.write(directory.resolve("stranger.jar"), signing.sign(fix, "stranger"));
            Files.write(directory.resolve("expired.jar"), signing.sign(fix, "expired"));
            Files.write(directory.resolve("modified.jar"), Keys.change(signed, entries -> entries.computeIfPresent(
                    "OSGI-INF/example.webapp.economy.GoldShop.xml",
                    (name, xml) -> Keys.appended(xml, "<!-- changed after signing -->\n"))));
            Files.write(directory.resolve("added.jar"), Keys.change(signed, entries -> entries.put(
                    "example/webapp/economy/backdoor.properties", "open=true\n".getBytes(StandardCharsets.UTF_8))));
            Files.write(directory.resolve("removed.jar"), Keys.change(signed,
                    entries -> entries.remove("example/webapp/economy/Pricing.class")));
            prepared = directory;
            return directory;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Test
    public void aHotfixSignedByATrustedKeyIsAppliedAndItsSignerRecorded() {
        HotfixReport applied = manager.install(jarFile("signed.jar").toUri(), HotfixOptions.defaults());

        assertEquals(applied.message(), Outcome.APPLIED, applied.outcome());
        assertEquals(RELEASE, applied.signer());
        assertEquals("1.0.1", installed(ECONOMY).getVersion().toString());
        EconomyException refused = org.junit.Assert.assertThrows(EconomyException.class,
                () -> shop.buy("bob", "dragon-egg", 500_000));
        assertEquals(EconomyException.Reason.INSUFFICIENT_GOLD, refused.reason());
        assertEquals(RELEASE, manager.history().get(0).signer());

        // the journaled copy of the shipped version is not signed: a rollback does not ask
        HotfixReport rolledBack = manager.rollback(applied.id(), HotfixOptions.defaults());

        assertEquals(rolledBack.message(), Outcome.ROLLED_BACK, rolledBack.outcome());
        assertUntouched();
    }

    @Test
    public void anUnsignedHotfixIsRefusedByEveryCallOfTheManager() throws IOException {
        Path unsigned = jarFile("unsigned.jar");
        String[] named = {"not signed", "hotfix.truststore", "sign it"};

        assertRefused(manager.install(unsigned.toUri(), HotfixOptions.defaults()), Reason.UNSIGNED, named);
        assertRefused(manager.install("unsigned.jar", Files.newInputStream(unsigned), HotfixOptions.defaults()),
                Reason.UNSIGNED, named);
        assertRefused(manager.verify(unsigned.toUri()), Reason.UNSIGNED, named);
    }

    @Test
    public void aHotfixTamperedWithAfterSigningIsRefused() throws IOException {
        assertRefused(install("modified.jar"), Reason.SIGNATURE_INVALID,
                "OSGI-INF/example.webapp.economy.GoldShop.xml", "changed after it was signed");
        assertRefused(install("added.jar"), Reason.SIGNATURE_INVALID,
                "'example/webapp/economy/backdoor.properties' is not signed");
        assertRefused(install("removed.jar"), Reason.SIGNATURE_INVALID,
                "'example/webapp/economy/Pricing.class' is missing");
    }

    @Test
    public void aHotfixSignedByAStrangerOrAnExpiredCertificateIsRefusedNamingTheSigner() throws IOException {
        assertRefused(install("stranger.jar"), Reason.UNTRUSTED, "signed by " + STRANGER, "does not trust");
        assertRefused(install("expired.jar"), Reason.UNTRUSTED, "CN=Old Release,O=Example",
                "expired on 2020-01-31");
    }

    @Test
    public void theDeployDirectoryRefusesWhatTheManagerRefusesAndAppliesTheSignedHotfix() throws Exception {
        Path deploy = Path.of(manager.status().deployDirectory());
        assertEquals(jarFile("deploy"), deploy);
        Path unsigned = Files.copy(jarFile("unsigned.jar"), deploy.resolve("unsigned.jar"));
        Path modified = Files.copy(jarFile("modified.jar"), deploy.resolve("modified.jar"));

        HotfixReport first = awaitSettled("unsigned.jar refused", () -> find(r -> r.source().equals(unsigned.toUri()
                .toString())));
        HotfixReport second = awaitSettled("modified.jar refused", () -> find(r -> r.source().equals(modified.toUri()
                .toString())));
        assertRefused(first, Reason.UNSIGNED, "not signed");
        assertRefused(second, Reason.SIGNATURE_INVALID, "changed after it was signed");
        awaitSettled("the refusals in the status", () -> manager.status().deployProblems().size() == 2 ? true : null);

        // a signed jar others could change is refused by the watcher before it is read
        Path open = Files.copy(jarFile("signed.jar"), deploy.resolve("open.jar"));
        Files.setPosixFilePermissions(open, PosixFilePermissions.fromString("rw-rw-rw-"));
        awaitSettled("open.jar refused", () -> manager.status().deployProblems().stream()
                .anyMatch(problem -> problem.startsWith("open.jar: refused: it is world-writable")) ? true : null);
        assertTrue(find(r -> r.source().equals(open.toUri().toString())) == null);
        assertUntouched();

        Files.delete(open);
        Path signed = Files.copy(jarFile("signed.jar"), deploy.resolve("signed.jar"));
        HotfixReport applied = awaitSettled("signed.jar applied", () -> manager.list().stream()
                .filter(r -> r.source().equals(signed.toUri().toString())).findFirst().orElse(null));
        assertEquals(RELEASE, applied.signer());
        assertEquals("1.0.1", installed(ECONOMY).getVersion().toString());

        Files.delete(signed);
        awaitSettled("the rollback", () -> find(r -> r.outcome() == Outcome.ROLLED_BACK && r.undoes() == applied.id()));
        Files.delete(unsigned);
        Files.delete(modified);
        assertUntouched();
    }

    private HotfixReport install(String name) throws IOException {
        return manager.install(name, Files.newInputStream(jarFile(name)), HotfixOptions.defaults());
    }

    private Path jarFile(String name) {
        return Path.of(context.getProperty(JARS)).resolve(name);
    }

    private void assertRefused(HotfixReport report, Reason reason, String... named) {
        String message = report.message();
        assertEquals(message, Outcome.REFUSED, report.outcome());
        assertEquals(message, reason, report.reason());
        for (String fact : named) {
            assertTrue("the message should name '" + fact + "': " + message, message.contains(fact));
        }
        assertUntouched();
    }

    /** The shipped economy serves alone and active, nothing staged is left, and the gate is open. */
    private void assertUntouched() {
        Bundle economy = installed(ECONOMY);
        assertEquals(SHIPPED, economy.getVersion().toString());
        assertEquals(Bundle.ACTIVE, economy.getState());
        for (Bundle bundle : context.getBundles()) {
            assertFalse("left behind: " + bundle, bundle.getLocation().startsWith("hotfix:"));
        }
        assertFalse(gate.isClosed());
        assertEquals(List.of(), manager.list());
        String fresh = "fresh-" + Long.toString(System.nanoTime(), 36);
        players.join(fresh, "Fresh");
        assertEquals(25, shop.buy(fresh, "potion", 1).cost());
    }

    private HotfixReport find(Predicate<HotfixReport> test) {
        return manager.history().stream().filter(test).findFirst().orElse(null);
    }
}
