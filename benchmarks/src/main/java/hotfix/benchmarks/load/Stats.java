package hotfix.benchmarks.load;

import java.util.Arrays;
import java.util.List;

/** Percentiles, windows and gaps over a phase's requests. */
final class Stats {

    /** An interval on the harness's clock, in nanoseconds since its time zero. */
    record Window(long from, long to) {
    }

    /** Requests, failures and latency percentiles (nanoseconds) of one group of requests. */
    record Summary(long requests, long failed, long p50, long p99, long max) {

        static Summary of(long[] latencies, int count, long failed) {
            long[] sorted = Arrays.copyOf(latencies, count);
            Arrays.sort(sorted);
            return new Summary(count, failed, percentile(sorted, 50), percentile(sorted, 99),
                    count == 0 ? 0 : sorted[count - 1]);
        }
    }

    private Stats() {
    }

    /** The nearest-rank percentile of sorted values; 0 when there are none. */
    static long percentile(long[] sorted, double p) {
        if (sorted.length == 0) {
            return 0;
        }
        int rank = (int) Math.ceil(p / 100 * sorted.length);
        return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
    }

    static long[] sorted(List<Long> values) {
        return values.stream().mapToLong(Long::longValue).sorted().toArray();
    }

    /**
     * Splits requests into those that overlap a window (index 1) and the others (index 0), within
     * [from, to) of start times.
     */
    static Summary[] split(Requests requests, List<Window> windows, long from, long to) {
        long[][] latencies = {new long[requests.size()], new long[requests.size()]};
        int[] counts = new int[2];
        long[] failed = new long[2];
        long[] starts = windows.stream().mapToLong(Window::from).toArray();
        for (int i = 0; i < requests.size(); i++) {
            if (requests.start[i] < from || requests.start[i] >= to) {
                continue;
            }
            int group = overlaps(windows, starts, requests.start[i], requests.end(i)) ? 1 : 0;
            latencies[group][counts[group]++] = requests.latency[i];
            if (!requests.ok(i)) {
                failed[group]++;
            }
        }
        return new Summary[] {Summary.of(latencies[0], counts[0], failed[0]),
                Summary.of(latencies[1], counts[1], failed[1])};
    }

    /** All requests that started in [from, to). */
    static Summary all(Requests requests, long from, long to) {
        return split(requests, List.of(), from, to)[0];
    }

    private static boolean overlaps(List<Window> windows, long[] starts, long begin, long end) {
        // windows are sorted and apart: only the last one starting before the request's end can overlap
        int at = Arrays.binarySearch(starts, end);
        int candidate = at >= 0 ? at : -at - 2;
        return candidate >= 0 && windows.get(candidate).to() >= begin;
    }

    /**
     * The longest time without a successful answer around a window: from the last success that
     * ended before it (or in it) to the next success after that, searching successes that ended
     * within [window.from - slack, window.to + slack]. Long.MAX_VALUE when none came after.
     */
    static long unavailable(Requests requests, Window window, long slack) {
        long from = window.from() - slack;
        long to = window.to() + slack;
        long[] ends = new long[requests.size()];
        int n = 0;
        for (int i = 0; i < requests.size(); i++) {
            long end = requests.end(i);
            if (requests.ok(i) && end >= from && end <= to) {
                ends[n++] = end;
            }
        }
        Arrays.sort(ends, 0, n);
        long gap = 0;
        for (int i = 1; i < n; i++) {
            // only gaps that touch the window count: the window may start or end inside one
            if (ends[i] >= window.from() && ends[i - 1] <= window.to()) {
                gap = Math.max(gap, ends[i] - ends[i - 1]);
            }
        }
        return n == 0 ? Long.MAX_VALUE : gap;
    }

    /** Failed requests that started in [from, to). */
    static long failed(Requests requests, long from, long to) {
        long failed = 0;
        for (int i = 0; i < requests.size(); i++) {
            if (!requests.ok(i) && requests.start[i] >= from && requests.start[i] < to) {
                failed++;
            }
        }
        return failed;
    }
}
