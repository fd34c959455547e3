package hotfix.itests;

import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertTrue;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import hotfix.runtime.api.QuiesceGate;

/**
 * A unit of work on its own thread that stays open until closed, as a slow HTTP request would,
 * pinned to the bundles it called into first.
 */
final class HeldRequest implements AutoCloseable {

    static final long WAIT_SECONDS = 30;

    private final QuiesceGate gate;
    private final CountDownLatch inside = new CountDownLatch(1);
    private final CountDownLatch finish = new CountDownLatch(1);
    private final AtomicReference<Throwable> failure = new AtomicReference<>();
    private final Runnable touch;
    private final Thread thread;

    /** @param touch what the unit calls first: the services of the bundles it is pinned to */
    HeldRequest(QuiesceGate gate, String name, Runnable touch) throws InterruptedException {
        this.gate = gate;
        this.touch = touch;
        thread = new Thread(this::work, name);
        thread.start();
        assertTrue("the request did not enter the gate", inside.await(WAIT_SECONDS, TimeUnit.SECONDS));
    }

    private void work() {
        try {
            gate.enter();
            try {
                touch.run();
                inside.countDown();
                if (!finish.await(WAIT_SECONDS, TimeUnit.SECONDS)) {
                    throw new IllegalStateException("never told to finish");
                }
            } finally {
                gate.leave();
            }
        } catch (InterruptedException | RuntimeException e) {
            failure.set(e);
        }
    }

    /** Finishes the unit of work: the thread leaves the gate and ends. */
    @Override
    public void close() throws InterruptedException {
        finish.countDown();
        thread.join(TimeUnit.SECONDS.toMillis(WAIT_SECONDS));
        assertFalse(thread.getName() + " did not leave", thread.isAlive());
        assertNull(failure.get());
    }
}
