package hotfix.runtime.internal.deploy;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;

import org.junit.After;
import org.junit.Before;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

public class DeployWatcherTest {

    static final Duration POLL = Duration.ofMillis(20);
    static final long WAIT_SECONDS = 10;

    @Rule
    public TemporaryFolder folder = new TemporaryFolder();

    final FakeManager manager = new FakeManager();
    final List<String> logged = new CopyOnWriteArrayList<>();
    final AtomicBoolean ready = new AtomicBoolean(true);
    Path directory;
    DeployWatcher watcher;

    @Before
    public void directory() throws IOException {
        directory = folder.newFolder("deploy").toPath().toAbsolutePath();
        Files.setPosixFilePermissions(directory, DeployDirectory.CREATED);
    }

    @After
    public void stop() {
        if (watcher != null) {
            watcher.stop();
        }
    }

    @Test
    public void oneDaemonThreadAppliesWhatIsDroppedAndStopsWhenAsked() throws Exception {
        start(ready::get);
        Thread thread = thread();
        assertTrue(thread.isDaemon());
        assertEquals(directory.toString(), watcher.directory());

        Files.write(directory.resolve("shop.jar"), DeployScannerTest.jar("example.webapp.economy", "1.0.1"));
        await(() -> manager.appliedCount() == 1);

        watcher.stop();
        thread.join(TimeUnit.SECONDS.toMillis(WAIT_SECONDS));
        assertFalse("the watcher's thread is still running", thread.isAlive());
    }

    @Test
    public void nothingIsAppliedBeforeTheServerHasFinishedStarting() throws Exception {
        ready.set(false);
        Files.write(directory.resolve("shop.jar"), DeployScannerTest.jar("example.webapp.economy", "1.0.1"));
        start(ready::get);
        // A negative claim: bounded by time, enough polls for a jar to have been applied twice over.
        Thread.sleep(POLL.toMillis() * 10);
        assertEquals(List.of(), manager.installs);

        ready.set(true);
        await(() -> manager.appliedCount() == 1);

        // asked until it is true once, not at every poll
        ready.set(false);
        Files.write(directory.resolve("ledger.jar"), DeployScannerTest.jar("example.webapp.ledger", "1.0.1"));
        await(() -> manager.appliedCount() == 2);
    }

    @Test
    public void aFailedPassIsLoggedOnceAndWatchingGoesOn() throws Exception {
        manager.failure = new IllegalStateException("simulated failure of the manager");
        Files.write(directory.resolve("a.jar"), DeployScannerTest.jar("example.webapp.economy", "1.0.1"));
        start(ready::get);

        await(() -> manager.appliedCount() == 1);
        assertEquals(1, logged.stream().filter(line -> line.contains("simulated failure")).count());
        assertTrue(thread().isAlive());
    }

    private void start(BooleanSupplier ready) {
        DeployScanner scanner = new DeployScanner(manager, directory,
                new DeployedJars(folder.getRoot().toPath().resolve(DeployWatcher.STATE_FILE)),
                (level, message, thrown) -> logged.add(level + " " + message));
        watcher = new DeployWatcher(scanner, POLL, ready, (level, message, thrown) -> logged.add(level + " " + message));
        watcher.startThread();
    }

    private static Thread thread() {
        Set<Thread> threads = Thread.getAllStackTraces().keySet();
        return threads.stream().filter(t -> t.getName().equals(DeployWatcher.THREAD)).findFirst()
                .orElseThrow(() -> new AssertionError("no thread named " + DeployWatcher.THREAD));
    }

    private static void await(BooleanSupplier condition) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_SECONDS);
        while (!condition.getAsBoolean()) {
            assertTrue("not within " + WAIT_SECONDS + " s", System.nanoTime() - end < 0);
            Thread.sleep(5);
        }
    }
}
