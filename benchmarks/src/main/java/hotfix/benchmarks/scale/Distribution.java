package hotfix.benchmarks.scale;

import java.util.Arrays;
import java.util.List;

/** Nearest-rank percentiles of a handful of measurements. */
final class Distribution {

    private final long[] sorted;

    Distribution(List<Long> values) {
        sorted = values.stream().mapToLong(Long::longValue).sorted().toArray();
        if (sorted.length == 0) {
            throw new IllegalArgumentException("no values");
        }
    }

    long percentile(double p) {
        int rank = (int) Math.ceil(p / 100 * sorted.length);
        return sorted[Math.max(0, Math.min(sorted.length, rank) - 1)];
    }

    long median() {
        return percentile(50);
    }

    long max() {
        return sorted[sorted.length - 1];
    }

    int count() {
        return sorted.length;
    }

    @Override
    public String toString() {
        return Arrays.toString(sorted);
    }
}
