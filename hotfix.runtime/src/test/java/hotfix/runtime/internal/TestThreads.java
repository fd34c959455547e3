package hotfix.runtime.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

import org.junit.rules.ExternalResource;

/**
 * Threads a test starts, and bounded waits for what they do. After each test the threads are
 * told to finish (by the action given) and joined, within a bound: a test never leaves one
 * running.
 */
public final class TestThreads extends ExternalResource {

    /** The bound of every wait. */
    public static final long WAIT_SECONDS = 10;

    private final Runnable finish;
    private final List<Thread> threads = new ArrayList<>();

    /** @param finish what makes the test's threads end, run before they are joined */
    public TestThreads(Runnable finish) {
        this.finish = finish;
    }

    /** A thread's work; what it throws fails the thread. */
    public interface Body {
        void run() throws Exception;
    }

    /** Starts a daemon thread that is joined after the test. */
    public Thread start(String name, Body body) {
        Thread thread = new Thread(() -> {
            try {
                body.run();
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        }, name);
        thread.setDaemon(true);
        threads.add(thread);
        thread.start();
        return thread;
    }

    /** Waits, within {@link #WAIT_SECONDS}, until the condition holds. */
    public static void awaitTrue(BooleanSupplier condition, String what) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_SECONDS);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionError("timed out waiting until " + what);
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
        }
    }

    @Override
    protected void after() {
        finish.run();
        try {
            for (Thread thread : threads) {
                thread.join(TimeUnit.SECONDS.toMillis(WAIT_SECONDS));
                if (thread.isAlive()) {
                    throw new AssertionError(thread.getName() + " is still running");
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }
}
