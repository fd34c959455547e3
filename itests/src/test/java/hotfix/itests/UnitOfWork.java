package hotfix.itests;

import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.fail;

import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;

import hotfix.runtime.api.QuiesceGate;

/**
 * An explicit unit of work ({@link QuiesceGate#work()}) open on a thread of its own until closed,
 * as a message handler's would be: the test makes calls inside it, one at a time, and they see
 * what that unit sees.
 */
final class UnitOfWork implements AutoCloseable {

    /** Every wait here ends by then, or the test fails. */
    static final long WAIT_SECONDS = 30;

    private static final FutureTask<Void> CLOSE = new FutureTask<>(() -> null);

    private final BlockingQueue<FutureTask<?>> calls = new LinkedBlockingQueue<>();
    private final AtomicReference<Throwable> failure = new AtomicReference<>();
    private final Thread thread;

    /**
     * Opens the unit, on a new thread of that name, which stays in it until {@link #close()}.
     *
     * @param gate the gate the unit is entered at
     * @param name the thread's name: a hotfix that waits for the unit names it
     */
    UnitOfWork(QuiesceGate gate, String name) {
        thread = new Thread(() -> work(gate), name);
        thread.setDaemon(true);
        thread.start();
    }

    private void work(QuiesceGate gate) {
        try (QuiesceGate.Work work = gate.work()) {
            for (FutureTask<?> call = next(); call != CLOSE; call = next()) {
                call.run();
            }
        } catch (InterruptedException | RuntimeException e) {
            failure.set(e);
        }
    }

    private FutureTask<?> next() throws InterruptedException {
        FutureTask<?> call = calls.poll(WAIT_SECONDS, TimeUnit.SECONDS);
        if (call == null) {
            throw new IllegalStateException("never closed");
        }
        return call;
    }

    /**
     * Makes a call inside the unit, on its thread, and returns what it returned, within
     * {@value #WAIT_SECONDS} s.
     */
    <T> T call(Callable<T> call) throws Exception {
        FutureTask<T> task = new FutureTask<>(call);
        calls.add(task);
        try {
            return task.get(WAIT_SECONDS, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof Exception cause) {
                throw cause;
            }
            throw e;
        } catch (TimeoutException e) {
            fail("a call inside the unit on '" + thread.getName() + "' did not return within " + WAIT_SECONDS
                    + " s: " + Calls.where(stuck(thread)));
            throw e;
        }
    }

    /** @return where a thread is, as an exception to print */
    static Throwable stuck(Thread thread) {
        Throwable where = new Throwable("'" + thread.getName() + "' is " + thread.getState());
        where.setStackTrace(thread.getStackTrace());
        return where;
    }

    /** Ends the unit: its thread leaves the gate and ends. */
    @Override
    public void close() throws InterruptedException {
        calls.add(CLOSE);
        thread.join(TimeUnit.SECONDS.toMillis(WAIT_SECONDS));
        assertFalse(thread.getName() + " did not leave", thread.isAlive());
        assertNull(failure.get());
    }
}
