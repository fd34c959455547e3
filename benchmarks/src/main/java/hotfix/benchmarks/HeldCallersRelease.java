package hotfix.benchmarks;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import hotfix.runtime.internal.gate.Gate;
import hotfix.runtime.internal.gate.Lineage;

/**
 * What letting held calls through costs: a hotfix that copies state or redefines classes holds
 * new calls into its bundle, and its pause ends once it has released them. For each number of
 * held callers, holds a bundle, lets that many threads call into it and park, then releases it,
 * and reports (20 rounds, after 5 to warm up) how long the release took, which ends the reported
 * pause, and when the last held caller ran again. Not JMH: each round needs its own threads.
 * <pre>
 * java -cp benchmarks/target/benchmarks.jar hotfix.benchmarks.HeldCallersRelease [callers...]
 * </pre>
 */
public final class HeldCallersRelease {

    private static final int WARMUP = 5;
    private static final int ROUNDS = 20;

    private HeldCallersRelease() {
    }

    public static void main(String[] args) throws InterruptedException {
        int[] counts = args.length == 0 ? new int[] {1, 16, 64, 128}
                : Arrays.stream(args).mapToInt(Integer::parseInt).toArray();
        System.out.println("| held callers | release p50 / max (µs) | last caller running again p50 / max (µs) |");
        System.out.println("|---:|---|---|");
        for (int callers : counts) {
            long[] releases = new long[ROUNDS];
            long[] lasts = new long[ROUNDS];
            for (int round = -WARMUP; round < ROUNDS; round++) {
                long[] took = releaseOnce(callers);
                if (round >= 0) {
                    releases[round] = took[0];
                    lasts[round] = took[1];
                }
            }
            Arrays.sort(releases);
            Arrays.sort(lasts);
            System.out.printf("| %d | %d / %d | %d / %d |%n", callers, releases[ROUNDS / 2] / 1000,
                    releases[ROUNDS - 1] / 1000, lasts[ROUNDS / 2] / 1000, lasts[ROUNDS - 1] / 1000);
        }
    }

    /** @return nanoseconds: the release, and from its start until the last held caller ran */
    private static long[] releaseOnce(int callers) throws InterruptedException {
        Gate gate = new Gate();
        Lineage lineage = gate.lineage("held");
        if (!gate.quiesce(lineage, Duration.ofSeconds(10), Duration.ofSeconds(10)).drained()) {
            throw new IllegalStateException("nothing was in the bundle, yet it did not get quiet");
        }
        long[] ran = new long[callers];
        CountDownLatch done = new CountDownLatch(callers);
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < callers; i++) {
            int caller = i;
            Thread thread = new Thread(() -> {
                gate.enter(lineage);
                ran[caller] = System.nanoTime();
                gate.leave();
                done.countDown();
            }, "held-" + i);
            thread.start();
            threads.add(thread);
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (lineage.waiting() < callers || threads.stream().anyMatch(t -> t.getState() != Thread.State.TIMED_WAITING)) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("the callers did not all park within 10 s");
            }
            Thread.sleep(1);
        }
        long start = System.nanoTime();
        gate.release(lineage);
        long released = System.nanoTime();
        if (!done.await(10, TimeUnit.SECONDS)) {
            throw new IllegalStateException("held callers did not run within 10 s of the release");
        }
        long last = start;
        for (long at : ran) {
            last = Math.max(last, at);
        }
        for (Thread thread : threads) {
            thread.join();
        }
        return new long[] {released - start, last - start};
    }
}
