package hotfix.runtime.internal.deploy;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;
import static org.junit.Assume.assumeTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.jar.Attributes;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.zip.ZipEntry;

import org.junit.Before;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

import hotfix.runtime.api.HotfixOptions;
import hotfix.runtime.api.HotfixReport;

public class DeployScannerTest {

    static final String ECONOMY = "example.webapp.economy";

    @Rule
    public TemporaryFolder folder = new TemporaryFolder();

    final FakeManager manager = new FakeManager();
    final List<String> logged = new ArrayList<>();
    Path directory;
    Path state;
    DeployScanner scanner;
    /** Every file the tests write gets a later time than the one before, whatever the clock's grain. */
    long clock = System.currentTimeMillis() - 3_600_000;

    @Before
    public void watch() throws IOException {
        directory = folder.newFolder("deploy").toPath().toAbsolutePath();
        Files.setPosixFilePermissions(directory, DeployDirectory.CREATED);
        state = folder.getRoot().toPath().resolve("data").resolve(DeployWatcher.STATE_FILE);
        scanner = newScanner();
    }

    @Test
    public void aJarIsAppliedOnceItHasNotChangedBetweenTwoPolls() throws IOException {
        drop("shop.jar", jar(ECONOMY, "1.0.1"));

        scanner.scan();
        assertEquals("seen once: it may still be written to", List.of(), manager.installs);
        scanner.scan();
        assertEquals(List.of(uri("shop.jar")), manager.installs);
        scanner.scan();
        scanner.scan();

        assertEquals("applied once, not at every poll", 1, manager.installs.size());
        assertEquals(1, manager.applied.size());
        assertEquals(uri("shop.jar"), manager.applied.get(0).source());
        assertEquals(List.of(), scanner.problems());
    }

    @Test
    public void aRemovedJarIsRolledBack() throws IOException {
        drop("shop.jar", jar(ECONOMY, "1.0.1"));
        scan(2);
        long id = manager.applied.get(0).id();

        Files.delete(directory.resolve("shop.jar"));
        scanner.scan();

        assertEquals(List.of(id), manager.rollbacks);
        assertEquals(List.of(), manager.applied);
        scan(3);
        assertEquals(List.of(id), manager.rollbacks);
    }

    @Test
    public void aChangedJarIsRolledBackAndItsNewContentApplied() throws IOException {
        drop("shop.jar", jar(ECONOMY, "1.0.1"));
        scan(2);
        long first = manager.applied.get(0).id();

        replace("shop.jar", jar(ECONOMY, "1.0.2"));
        scan(2);

        assertEquals(List.of(first), manager.rollbacks);
        assertEquals(1, manager.applied.size());
        assertEquals("1.0.2", manager.applied.get(0).toVersion());
        assertEquals(2, manager.installs.size());
    }

    @Test
    public void theSameContentWrittenAgainIsNotAChange() throws IOException {
        byte[] fix = jar(ECONOMY, "1.0.1");
        drop("shop.jar", fix);
        scan(2);

        replace("shop.jar", fix);
        scan(3);

        assertEquals(1, manager.installs.size());
        assertEquals(List.of(), manager.rollbacks);
    }

    @Test
    public void aRefusedJarStaysAndIsNotRetriedUntilItChanges() throws IOException {
        drop("shop.jar", jar(ECONOMY, "0.9.0"));
        scan(6);

        assertEquals(1, manager.installs.size());
        assertTrue(Files.exists(directory.resolve("shop.jar")));
        assertEquals(List.of("shop.jar: refused: 0.9.0 is not higher than 1.0.0"), scanner.problems());
        assertTrue(logged.toString(), logged.stream().anyMatch(line -> line.startsWith("WARNING ")
                && line.contains("shop.jar refused: 0.9.0") && line.contains("not tried again")));

        replace("shop.jar", jar(ECONOMY, "1.0.1"));
        scan(2);

        assertEquals(2, manager.installs.size());
        assertEquals(1, manager.applied.size());
        assertEquals(List.of(), scanner.problems());
    }

    @Test
    public void aFileThatIsNotAJarIsRefusedOnce() throws IOException {
        drop("x.jar", "this is not a jar\n".getBytes(StandardCharsets.UTF_8));
        scan(5);

        assertEquals(1, manager.installs.size());
        assertEquals(List.of("x.jar: refused: not a jar"), scanner.problems());
    }

    @Test
    public void aJarStillBeingWrittenWaitsForItsEndEvenWhenTheCopyStalls() throws IOException {
        byte[] fix = jar(ECONOMY, "1.0.1");
        drop("slow.jar", Arrays.copyOf(fix, fix.length / 2));
        scan(5);

        assertEquals("half a jar is never read as a refused jar", List.of(), manager.installs);
        assertEquals(1, scanner.problems().size());
        assertTrue(scanner.problems().toString(), scanner.problems().get(0).startsWith("slow.jar: incomplete"));

        Files.write(directory.resolve("slow.jar"), Arrays.copyOfRange(fix, fix.length / 2, fix.length),
                java.nio.file.StandardOpenOption.APPEND);
        touch("slow.jar");
        scan(2);

        assertEquals(List.of(uri("slow.jar")), manager.installs);
        assertEquals(1, manager.applied.size());
        assertEquals(List.of(), scanner.problems());
    }

    @Test
    public void aFileThatStaysIncompleteIsRefusedAsTruncatedOnceTheLimitIsOver() throws Exception {
        scanner.settings(HotfixOptions.defaults(), Duration.ofMillis(200));
        byte[] cut = "PK\003\004 and then only text, no end record".getBytes(StandardCharsets.ISO_8859_1);
        drop("cut.jar", cut);
        scan(3);

        assertEquals("waited for while the copy may still finish", List.of(), manager.installs);
        assertTrue(scanner.problems().toString(), scanner.problems().get(0).startsWith("cut.jar: incomplete")
                && scanner.problems().get(0).contains("waiting up to 200 ms"));

        // the limit is a time: nothing but time passing can end it
        Thread.sleep(250);
        scan(1);

        assertEquals("handed to the pipeline, which refuses it into the history", List.of(uri("cut.jar")),
                manager.installs);
        assertTrue(scanner.problems().toString(), scanner.problems().get(0).startsWith("cut.jar: truncated ("));
        assertTrue(logged.toString(), logged.stream().anyMatch(line -> line.startsWith("WARNING ")
                && line.contains("cut.jar is truncated")));
        scan(3);
        assertEquals("not tried again until it changes", 1, manager.installs.size());
    }

    @Test
    public void hiddenFilesAndFilesThatAreNotJarsAreIgnored() throws IOException {
        drop(".shop.jar", jar(ECONOMY, "1.0.1"));
        drop("shop.jar.part", jar(ECONOMY, "1.0.1"));
        drop("README.txt", "notes".getBytes(StandardCharsets.UTF_8));
        Files.createDirectory(directory.resolve("folder.jar"));
        scan(3);

        assertEquals(List.of(), manager.installs);
        assertEquals(List.of(), scanner.problems());
    }

    @Test
    public void aRestartDoesNotApplyAJarTwice() throws IOException {
        drop("shop.jar", jar(ECONOMY, "1.0.1"));
        scan(2);

        scanner = newScanner();
        scan(4);

        assertEquals(1, manager.installs.size());
        assertEquals(List.of(), manager.rollbacks);
        assertEquals(1, manager.applied.size());
    }

    @Test
    public void aRestartCatchesUpWithJarsAddedAndRemovedWhileDown() throws IOException {
        drop("shop.jar", jar(ECONOMY, "1.0.1"));
        scan(2);
        long shop = manager.applied.get(0).id();

        Files.delete(directory.resolve("shop.jar"));
        drop("ledger.jar", jar("example.webapp.ledger", "2.0.0"));
        scanner = newScanner();
        scan(2);

        assertEquals(List.of(shop), manager.rollbacks);
        assertEquals(List.of("example.webapp.ledger"), manager.applied.stream().map(HotfixReport::target).toList());
    }

    @Test
    public void aRestartDoesNotRetryARefusedJarAndStillShowsWhy() throws IOException {
        drop("old.jar", jar(ECONOMY, "0.9.0"));
        scan(2);

        scanner = newScanner();
        assertEquals(List.of("old.jar: refused: 0.9.0 is not higher than 1.0.0"), scanner.problems());
        scan(4);

        assertEquals(1, manager.installs.size());
    }

    @Test
    public void aLostRecordAdoptsWhatIsAppliedInsteadOfApplyingItAgain() throws IOException {
        drop("shop.jar", jar(ECONOMY, "1.0.1"));
        scan(2);
        long id = manager.applied.get(0).id();

        Files.delete(state);
        scanner = newScanner();
        scan(2);
        assertEquals(1, manager.installs.size());

        Files.delete(directory.resolve("shop.jar"));
        scanner.scan();
        assertEquals("the adopted hotfix belongs to the jar", List.of(id), manager.rollbacks);
    }

    @Test
    public void aHotfixRolledBackFromTheShellIsNotAppliedAgainAndIsShown() throws IOException {
        drop("shop.jar", jar(ECONOMY, "1.0.1"));
        scan(2);
        long id = manager.applied.get(0).id();

        manager.rollBackFromTheShell(id);
        scan(3);
        scanner = newScanner();
        scan(3);

        assertEquals(1, manager.installs.size());
        assertEquals(List.of("shop.jar: hotfix " + id + " it applied was rolled back outside the deploy directory;"
                + " remove the jar and copy it back to apply it again"), scanner.problems());

        Files.delete(directory.resolve("shop.jar"));
        scanner.scan();
        assertEquals("nothing left to roll back", List.of(), manager.rollbacks);
        assertEquals(List.of(), scanner.problems());
    }

    @Test
    public void aRemovedJarWhoseHotfixIsNotTheLatestOfItsTargetStaysAppliedAndSaysWhy() throws IOException {
        drop("a.jar", jar(ECONOMY, "1.0.1"));
        scan(2);
        drop("b.jar", jar(ECONOMY, "1.0.2"));
        scan(2);
        long a = manager.applied.get(0).id();
        long b = manager.applied.get(1).id();

        Files.delete(directory.resolve("a.jar"));
        scan(3);

        assertEquals("never asked: it would be refused and recorded at every poll", List.of(), manager.rollbacks);
        assertEquals(List.of("a.jar: removed, but hotfix " + a + " it applied stays: hotfix " + b + " ("
                + uri("b.jar") + ") was applied to " + ECONOMY + " after it; roll back " + b + " and then " + a
                + " with hotfix:rollback"), scanner.problems());

        manager.rollBackFromTheShell(b);
        manager.rollBackFromTheShell(a);
        scanner.scan();

        assertEquals(List.of("b.jar: hotfix " + b + " it applied was rolled back outside the deploy directory;"
                + " remove the jar and copy it back to apply it again"), scanner.problems());
    }

    @Test
    public void whileAnotherHotfixIsAppliedTheJarWaitsItsTurn() throws IOException {
        drop("shop.jar", jar(ECONOMY, "1.0.1"));
        manager.inProgress = "file:/elsewhere/other.jar";
        scan(4);
        assertEquals(List.of(), manager.installs);

        manager.inProgress = "";
        scanner.scan();

        assertEquals(1, manager.applied.size());
    }

    @Test
    public void aWorldWritableDirectoryIsNotWatchedUntilItIsFixed() throws IOException {
        assumeTrue(directory.getFileSystem().supportedFileAttributeViews().contains("posix"));
        drop("shop.jar", jar(ECONOMY, "1.0.1"));
        Files.setPosixFilePermissions(directory, PosixFilePermissions.fromString("rwxrwxrwx"));
        scan(3);

        assertEquals(List.of(), manager.installs);
        assertFalse(scanner.watching());
        assertEquals(List.of("refusing to watch " + directory + ": it is world-writable (mode rwxrwxrwx): anyone on"
                + " this machine could push code into the server; chmod o-w " + directory), scanner.problems());
        assertEquals("logged once, not at every poll", 1,
                logged.stream().filter(line -> line.contains("world-writable")).count());

        Files.setPosixFilePermissions(directory, PosixFilePermissions.fromString("rwxrwxr-x"));
        scan(2);

        assertTrue(scanner.watching());
        assertEquals(1, manager.applied.size());
        assertEquals(List.of(), scanner.problems());
    }

    @Test
    public void aWorldWritableJarIsRefusedOnceAndAppliedWhenItsModeIsFixed() throws IOException {
        assumeTrue(directory.getFileSystem().supportedFileAttributeViews().contains("posix"));
        drop("shop.jar", jar(ECONOMY, "1.0.1"));
        Path jar = directory.resolve("shop.jar");
        Files.setPosixFilePermissions(jar, PosixFilePermissions.fromString("rw-rw-rw-"));
        scan(4);

        assertEquals("the manager never sees it", List.of(), manager.installs);
        assertEquals(List.of("shop.jar: refused: it is world-writable (mode rw-rw-rw-): anyone on this machine could"
                + " change the code the server is about to run; chmod o-w " + jar), scanner.problems());
        assertEquals("logged once, not at every poll", 1,
                logged.stream().filter(line -> line.contains("world-writable")).count());
        assertTrue(logged.toString(), logged.stream().anyMatch(line -> line.startsWith("WARNING " + jar)));

        Files.setPosixFilePermissions(jar, PosixFilePermissions.fromString("rw-r-----"));
        scan(1);

        assertEquals(List.of(uri("shop.jar")), manager.installs);
        assertEquals(List.of(), scanner.problems());
    }

    @Test
    public void aJarOwnedByAnotherUserIsRefused() throws IOException {
        assumeTrue(directory.getFileSystem().supportedFileAttributeViews().contains("posix"));
        UserPrincipal server = () -> "hotfix-server";
        scanner = new DeployScanner(manager, directory, new DeployedJars(state), this::log, Optional.of(server));
        drop("shop.jar", jar(ECONOMY, "1.0.1"));
        Path jar = directory.resolve("shop.jar");
        String owner = Files.getOwner(jar).getName();
        scan(3);

        assertEquals(List.of(), manager.installs);
        assertEquals(List.of("shop.jar: refused: it is owned by " + owner + ", not by hotfix-server, the user the"
                + " server runs as: only that user may put code in the deploy directory; chown hotfix-server " + jar
                + ", or copy it in as that user"), scanner.problems());

        // the same owner as the server's: applied
        scanner = new DeployScanner(manager, directory, new DeployedJars(state), this::log,
                Optional.of(Files.getOwner(jar)));
        scan(2);
        assertEquals(List.of(uri("shop.jar")), manager.installs);
    }

    @Test
    public void theServersUserIsTheOwnerOfTheFilesItCreates() throws IOException {
        assumeTrue(directory.getFileSystem().supportedFileAttributeViews().contains("posix"));

        assertEquals(Optional.of(Files.getOwner(directory)), DeployDirectory.serverUser());
    }

    @Test
    public void aMovedDirectoryLeavesTheHotfixesOfTheOldOneApplied() throws IOException {
        drop("shop.jar", jar(ECONOMY, "1.0.1"));
        scan(2);

        Path elsewhere = folder.newFolder("elsewhere").toPath().toAbsolutePath();
        scanner = new DeployScanner(manager, elsewhere, new DeployedJars(state), this::log);
        scan(3);

        assertEquals(List.of(), manager.rollbacks);
        assertEquals(1, manager.applied.size());
        assertTrue(logged.toString(), logged.stream().anyMatch(line -> line.contains("stay applied")));
    }

    @Test
    public void aFailingManagerDoesNotLoseTheJar() throws IOException {
        drop("shop.jar", jar(ECONOMY, "1.0.1"));
        scanner.scan();
        manager.failure = new IllegalStateException("the framework is stopping");
        try {
            scanner.scan();
        } catch (IllegalStateException expected) {
            // the watcher's thread logs it and goes on
        }
        scanner.scan();

        assertEquals("not settled by a failed pass", 1, manager.applied.size());
    }

    private DeployScanner newScanner() {
        return new DeployScanner(manager, directory, new DeployedJars(state), this::log);
    }

    private void log(System.Logger.Level level, String message, Throwable thrown) {
        logged.add(level + " " + message);
    }

    private void scan(int times) {
        for (int i = 0; i < times; i++) {
            scanner.scan();
        }
    }

    private String uri(String name) {
        return directory.resolve(name).toUri().toString();
    }

    private void drop(String name, byte[] content) throws IOException {
        Files.write(directory.resolve(name), content);
        touch(name);
    }

    /** As {@code mv} does: the new content appears at once. */
    private void replace(String name, byte[] content) throws IOException {
        Path temporary = directory.resolve("." + name + ".part");
        Files.write(temporary, content);
        Files.setLastModifiedTime(temporary, FileTime.fromMillis(clock += 1000));
        Files.move(temporary, directory.resolve(name), StandardCopyOption.ATOMIC_MOVE,
                StandardCopyOption.REPLACE_EXISTING);
    }

    private void touch(String name) throws IOException {
        Files.setLastModifiedTime(directory.resolve(name), FileTime.fromMillis(clock += 1000));
    }

    /** A real jar with a bundle's manifest and one class-sized entry. */
    static byte[] jar(String symbolicName, String version) {
        Manifest manifest = new Manifest();
        manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        manifest.getMainAttributes().putValue("Bundle-SymbolicName", symbolicName);
        manifest.getMainAttributes().putValue("Bundle-Version", version);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (JarOutputStream out = new JarOutputStream(bytes, manifest)) {
            out.putNextEntry(new ZipEntry("example/Fix.class"));
            byte[] body = new byte[4096];
            Arrays.fill(body, (byte) version.hashCode());
            out.write(body);
            out.closeEntry();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }
}
