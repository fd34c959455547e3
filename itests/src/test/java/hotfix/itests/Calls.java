package hotfix.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Threads that make one call in a loop, as an application's own threads do, until closed: every
 * answer each thread got (consecutive repeats counted once) and every failure, a call that threw
 * or answered nothing.
 */
final class Calls implements AutoCloseable {

    /** Every wait here ends by then, or the test fails: a few seconds is long, 15 s is never. */
    static final long WAIT_SECONDS = 15;

    private final Callable<String> call;
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final AtomicLong count = new AtomicLong();
    private final String name;
    private final ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
    private final List<Caller> callers = new ArrayList<>();
    private final CountDownLatch stopped;

    /** One thread and what it saw: only it writes, readers see a copy. */
    private final class Caller implements Runnable {
        final List<String> answers = new ArrayList<>();
        volatile String latest;

        @Override
        public void run() {
            try {
                while (running.get()) {
                    String answer;
                    try {
                        answer = call.call();
                    } catch (Exception | LinkageError | AssertionError e) {
                        // an assertion in a call (Shapes.best finding nothing, say) is a failure to
                        // report, not a thread that silently dies and leaves the others to time out
                        failures.add(Thread.currentThread().getName() + " after " + answers + ": " + where(e));
                        continue;
                    }
                    if (answer == null) {
                        failures.add(Thread.currentThread().getName() + " after " + answers + ": no answer");
                        continue;
                    }
                    if (!answer.equals(latest)) {
                        synchronized (answers) {
                            answers.add(answer);
                        }
                        latest = answer;
                    }
                    count.incrementAndGet();
                }
            } finally {
                stopped.countDown();
            }
        }

        List<String> answers() {
            synchronized (answers) {
                return List.copyOf(answers);
            }
        }
    }

    /**
     * Starts the threads.
     *
     * @param name    the threads' name, with a number
     * @param threads how many
     * @param call    the call each makes, again and again; what it returns is its answer
     */
    Calls(String name, int threads, Callable<String> call) {
        this.name = name;
        this.call = call;
        stopped = new CountDownLatch(threads);
        for (int i = 0; i < threads; i++) {
            Caller caller = new Caller();
            callers.add(caller);
            Thread thread = new Thread(caller, name + "-" + i);
            thread.setDaemon(true);
            thread.start();
        }
    }

    /**
     * Waits until every thread's latest answer is this one, and then for as many more calls as
     * the threads make in {@code millis} milliseconds, within {@value #WAIT_SECONDS} s: the load
     * keeps going through each phase of a test for a while, not just one call.
     */
    void awaitEveryThreadAt(String answer, long millis) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_SECONDS);
        while (!callers.stream().allMatch(caller -> answer.equals(caller.latest))) {
            if (System.nanoTime() - end >= 0) {
                fail("the calls did not all come to answer '" + answer + "' within " + WAIT_SECONDS + " s; they saw "
                        + seen() + "; failures: " + failures());
            }
            Thread.sleep(2);
        }
        long from = count.get();
        long until = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
        // the calls go on for a while; a machine too busy to make any in that time makes a few
        while ((System.nanoTime() - until < 0 || count.get() - from < callers.size())
                && System.nanoTime() - end < 0) {
            Thread.sleep(5);
        }
    }

    /** @return the exception and where it was thrown: its first frames, and its cause's */
    static String where(Throwable e) {
        StringBuilder where = new StringBuilder(e.toString());
        StackTraceElement[] frames = e.getStackTrace();
        for (int i = 0; i < Math.min(12, frames.length); i++) {
            where.append(i == 0 ? " at " : " < ").append(frames[i]);
        }
        if (e.getCause() != null && e.getCause() != e) {
            where.append("; caused by ").append(where(e.getCause()));
        }
        return where.toString();
    }

    /** @return how many calls answered */
    long count() {
        return count.get();
    }

    /** @return every failure so far */
    List<String> failures() {
        return List.copyOf(failures);
    }

    /** @return each thread's answers, in order, repeats counted once */
    List<List<String>> seen() {
        return callers.stream().map(Caller::answers).toList();
    }

    /**
     * Asserts that no call failed, and that every thread saw exactly these answers in this order,
     * each once: nothing went back and forth, and nothing came twice.
     */
    void assertEveryThreadSaw(String... answers) {
        assertEquals("failed calls", List.of(), failures());
        for (List<String> seen : seen()) {
            assertEquals("what a thread saw, in order (all: " + seen() + ")", List.of(answers), seen);
        }
        assertTrue("no call was made", count.get() > 0);
    }

    @Override
    public void close() throws InterruptedException {
        running.set(false);
        assertTrue("the calling threads did not stop within " + WAIT_SECONDS + " s",
                stopped.await(WAIT_SECONDS, TimeUnit.SECONDS));
        // for the record, as the conformance suite's figures: not an assertion
        System.out.println("Calls " + name + ": " + count.get() + " calls, " + failures().size() + " failed");
    }
}
