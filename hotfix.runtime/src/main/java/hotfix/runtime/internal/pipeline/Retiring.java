package hotfix.runtime.internal.pipeline;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The retirement of an old version that goes on after its hotfix returned, because units of work
 * were still in it. One at a time: the next attempt waits for it, as it may replace the same
 * bundle again or roll the hotfix back.
 */
final class Retiring {

    /**
     * How long the next attempt waits for a retirement in the background: its wait for units
     * ({@link SwapMode#RETIRE_GRACE}) and for the old version's own calls (as much again), and a
     * refresh ({@link SwapMode#REFRESH_WAIT_SECONDS}).
     */
    static final Duration AWAIT = SwapMode.RETIRE_GRACE.multipliedBy(2).plusSeconds(SwapMode.REFRESH_WAIT_SECONDS);

    private volatile CompletableFuture<Void> pending = CompletableFuture.completedFuture(null);
    private volatile String what = "";

    /** Runs the rest of a retirement on a thread of its own. */
    void start(String retired, Runnable rest) {
        what = retired;
        pending = CompletableFuture.runAsync(rest, task -> {
            Thread thread = new Thread(task, "hotfix-retire " + retired);
            thread.setDaemon(true);
            thread.start();
        });
    }

    /** @return whether no retirement is under way, after waiting at most {@code timeout} for one */
    boolean await(Duration timeout) {
        try {
            pending.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            return true;
        } catch (TimeoutException e) {
            return false;
        } catch (ExecutionException e) {
            return true; // it reported its failure itself
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return pending.isDone();
        }
    }

    /** @return what is being retired, for a refusal that waited for it */
    String what() {
        return what;
    }
}
