package hotfix.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;
import static org.ops4j.pax.exam.CoreOptions.frameworkProperty;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.stream.Stream;


import org.junit.After;
import org.junit.Before;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.OptionUtils;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerMethod;

import example.webapp.api.EconomyException;
import hotfix.runtime.api.HotfixReport;
import hotfix.runtime.api.Outcome;
import hotfix.runtime.api.Reason;

/**
 * The watched deploy directory, with the jars this build made: copy a hotfix in and it is
 * applied, remove it and it is rolled back, change it and the old is rolled back before the new
 * is tried, and a jar still being copied or a refused one is never applied by accident.
 * <p>
 * Each test gets a fresh framework (its journal and the watcher's record start empty); the
 * directory is the same for the class and emptied after each test, before the next framework
 * starts. A world-writable directory is covered by DeployDirectoryTest and DeployScannerTest in
 * hotfix.runtime: refusing one here would need a framework of its own.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerMethod.class)
public class DeployIT extends HotfixTestSupport {

    static final String ECONOMY = "example.webapp.economy";
    static final String FIX = "example.webapp.hotfix.shop-overflow";
    static final String SHIPPED = "1.0.0.SNAPSHOT";
    static final String DEPLOY_DIR = "hotfix.deploy.dir";
    static final long POLL_MILLIS = 100;
    static final long INCOMPLETE_MILLIS = 1500;
    /** Every wait in these tests ends by then, or the test fails. */

    Path deploy;

    @Override
    @Configuration
    public Option[] config() {
        return OptionUtils.combine(super.config(),
                frameworkProperty(DEPLOY_DIR).value(System.getProperty(WORK, "target/paxexam") + "-deploy-"
                        + UUID.randomUUID()),
                frameworkProperty("hotfix.deploy.poll").value(Long.toString(POLL_MILLIS)),
                frameworkProperty("hotfix.deploy.incomplete").value(Long.toString(INCOMPLETE_MILLIS)));
    }

    @Before
    public void emptyDeployDirectory() throws IOException {
        String watched = manager.status().deployDirectory();
        assertFalse("no deploy directory is watched: " + manager.status().deployProblems(), watched.isEmpty());
        deploy = Path.of(watched);
        assertEquals(Path.of(context.getProperty(DEPLOY_DIR)).toAbsolutePath().normalize(), deploy);
        assertEquals("left over from another test", List.of(), files());
        assertEquals(List.of(), manager.status().deployProblems());
    }

    @After
    public void emptyDeployDirectoryForTheNextTest() throws IOException {
        for (Path file : files()) {
            Files.delete(file);
        }
    }

    @Test
    public void aTruncatedJarIsWaitedForThenRefusedIntoTheHistoryAndTheStatus() throws Exception {
        Path cut = deploy.resolve("cut.jar");
        // what a copy cut short leaves: the start of a zip, and no end record
        Files.write(cut, "PK\003\004 then text where the rest of the jar should be".getBytes(StandardCharsets.ISO_8859_1));

        awaitSettled("the truncated jar listed as waited for", () -> manager.status().deployProblems().stream()
                .filter(p -> p.startsWith("cut.jar: incomplete") && p.contains("waiting up to "
                        + INCOMPLETE_MILLIS + " ms")).findFirst().orElse(null));
        HotfixReport refused = awaitSettled("the truncated jar refused",
                () -> find(r -> r.source().equals(cut.toUri().toString())));

        assertEquals(Outcome.REFUSED, refused.outcome());
        assertEquals(Reason.UNREADABLE, refused.reason());
        // the scanner records the refusal, then its own problem list: a moment apart
        awaitSettled("the truncated jar listed as a deploy problem", () -> manager.status().deployProblems().stream()
                .filter(p -> p.startsWith("cut.jar: truncated (")).findFirst().orElse(null));
        assertEquals(SHIPPED, installed(ECONOMY).getVersion().toString());
    }

    @Test
    public void aJarCopiedInIsAppliedAndRemovingItRollsItBack() throws Exception {
        Path jar = deploy.resolve("shop-overflow-fix.jar");
        Files.copy(jar(FIX).toPath(), jar);

        HotfixReport applied = awaitApplied(jar);

        assertEquals(ECONOMY, applied.target());
        assertEquals("1.0.1", installed(ECONOMY).getVersion().toString());
        EconomyException refused = assertThrows(EconomyException.class,
                () -> shop.buy("bob", "dragon-egg", 500_000));
        assertEquals(EconomyException.Reason.INSUFFICIENT_GOLD, refused.reason());
        awaitNoDeployProblem();

        Files.delete(jar);

        HotfixReport rolledBack = awaitSettled("the rollback of hotfix " + applied.id(),
                () -> find(r -> r.outcome() == Outcome.ROLLED_BACK && r.undoes() == applied.id()));
        assertEquals(List.of(), manager.list());
        assertEquals(SHIPPED, installed(ECONOMY).getVersion().toString());
        assertTrue("the bug is back", shop.buy("bob", "dragon-egg", 500_000).cost() < 0);
        assertTrue(rolledBack.source(), rolledBack.source().contains(jar.toUri().toString()));
    }

    @Test
    public void aChangedJarIsRolledBackAndItsNewContentTriedUntilItIsRefused() throws Exception {
        Path jar = deploy.resolve("shop.jar");
        Files.copy(jar(FIX).toPath(), jar);
        HotfixReport applied = awaitApplied(jar);

        // mv from the same file system: the new content appears at once
        replace(jar, Files.readAllBytes(jar("fixture.lower-version").toPath()));

        HotfixReport refused = awaitSettled("the new content tried", () -> find(r -> r.source().equals(source(jar))
                && r.outcome() == Outcome.REFUSED));
        assertEquals(refused.message(), Reason.VERSION_NOT_HIGHER, refused.reason());
        assertTrue("rolled back first", find(r -> r.outcome() == Outcome.ROLLED_BACK && r.undoes() == applied.id()
                && r.id() < refused.id()) != null);
        assertEquals(List.of(), manager.list());
        assertEquals(SHIPPED, installed(ECONOMY).getVersion().toString());
        awaitSettled("the refusal in the status", () -> manager.status().deployProblems().equals(
                List.of("shop.jar: " + refused.message())) ? refused : null);

        // changed again, to a jar that applies: the refusal is not in the way
        replace(jar, Files.readAllBytes(jar(FIX).toPath()));

        HotfixReport again = awaitApplied(jar);
        assertTrue(again.id() > refused.id());
        awaitNoDeployProblem();
    }

    @Test
    public void aCorruptJarIsRefusedOnceShownAndLeftAlone() throws Exception {
        Path jar = deploy.resolve("x.jar");
        Files.writeString(jar, "this is a text file, not a jar\n", StandardCharsets.UTF_8);

        HotfixReport refused = awaitSettled("the refusal of x.jar", () -> find(r -> r.source().equals(source(jar))));
        assertEquals(refused.message(), Outcome.REFUSED, refused.outcome());
        assertEquals(refused.message(), Reason.UNREADABLE, refused.reason());
        awaitSettled("the refusal in the status", () -> manager.status().deployProblems().equals(
                List.of("x.jar: " + refused.message())) ? refused : null);

        // Not retried: a negative claim, so bounded by time; twenty polls see the same history.
        int attempts = manager.history().size();
        long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(20 * POLL_MILLIS);
        while (System.nanoTime() - end < 0) {
            assertEquals("x.jar was tried again", attempts, manager.history().size());
            Thread.sleep(POLL_MILLIS / 2);
        }
        assertTrue("a refused jar stays where it is", Files.exists(jar));
        assertEquals(List.of("x.jar: " + refused.message()), manager.status().deployProblems());
        assertEquals(SHIPPED, installed(ECONOMY).getVersion().toString());
    }

    @Test
    public void aJarCopiedSlowlyIsAppliedOnlyOnceCompleteAndNeverRefused() throws Exception {
        byte[] fix = Files.readAllBytes(jar(FIX).toPath());
        Path jar = deploy.resolve("slow.jar");
        try (OutputStream out = Files.newOutputStream(jar, StandardOpenOption.CREATE_NEW)) {
            out.write(Arrays.copyOf(fix, fix.length / 2));
            out.flush();
            // the copy stalls for five polls: size and time stay the same, yet the jar is not complete
            long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(5 * POLL_MILLIS);
            while (System.nanoTime() - end < 0) {
                assertEquals(List.of(), manager.history());
                Thread.sleep(POLL_MILLIS / 2);
            }
            assertTrue(manager.status().deployProblems().toString(),
                    manager.status().deployProblems().stream().anyMatch(p -> p.startsWith("slow.jar: incomplete")));
            out.write(fix, fix.length / 2, fix.length - fix.length / 2);
        }

        HotfixReport applied = awaitApplied(jar);

        assertEquals("nothing refused, nothing tried twice", List.of(applied.id()),
                manager.history().stream().map(HotfixReport::id).toList());
        assertEquals("1.0.1", installed(ECONOMY).getVersion().toString());
        awaitNoDeployProblem();
    }

    private List<Path> files() throws IOException {
        try (Stream<Path> files = Files.list(deploy)) {
            return files.toList();
        }
    }

    private static String source(Path jar) {
        return jar.toUri().toString();
    }

    private static void replace(Path jar, byte[] content) throws IOException {
        Path temporary = jar.resolveSibling("." + jar.getFileName() + ".part");
        Files.write(temporary, content);
        Files.move(temporary, jar, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    private HotfixReport awaitApplied(Path jar) throws InterruptedException {
        return awaitSettled(jar.getFileName() + " applied", () -> manager.list().stream()
                .filter(r -> r.source().equals(source(jar))).findFirst().orElse(null));
    }

    /** The status is published at the end of the watcher's pass, a moment after the manager's lists change. */
    private void awaitNoDeployProblem() throws InterruptedException {
        awaitSettled("no deploy problem", () -> manager.status().deployProblems().isEmpty() ? Boolean.TRUE : null);
    }

    private HotfixReport find(Predicate<HotfixReport> test) {
        return manager.history().stream().filter(test).findFirst().orElse(null);
    }
}
