package hotfix.benchmarks.load;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Every request of one load phase: when it started and how long it took, in
 * nanoseconds on the harness's clock, and whether it succeeded (a 2xx answer within the timeout).
 */
final class Requests {

    /** Outcomes, as recorded per request. */
    static final byte OK = 0;
    static final byte STATUS = 1;
    static final byte ERROR = 2;
    static final byte TIMEOUT = 3;

    final long[] start;
    final long[] latency;
    final byte[] outcome;
    final short[] status;
    final List<Failure> failures = new ArrayList<>();

    /** What one failed request was: when it started, and what came back. */
    record Failure(long start, String what) {
    }

    private Requests(int size) {
        start = new long[size];
        latency = new long[size];
        outcome = new byte[size];
        status = new short[size];
    }

    int size() {
        return start.length;
    }

    boolean ok(int i) {
        return outcome[i] == OK;
    }

    long end(int i) {
        return start[i] + latency[i];
    }

    /** One client's requests as it made them; not thread-safe, one per client thread. */
    static final class Recorder {
        /** What each failure was, for the report. */
        final List<Failure> failures = new ArrayList<>();
        private long[] start = new long[1 << 14];
        private long[] latency = new long[1 << 14];
        private byte[] outcome = new byte[1 << 14];
        private short[] status = new short[1 << 14];
        private int size;

        void failed(long begin, String what) {
            if (failures.size() < 100) {
                failures.add(new Failure(begin, what));
            }
        }

        void record(long begin, long nanos, byte result, int code) {
            if (size == start.length) {
                int grown = size * 2;
                start = Arrays.copyOf(start, grown);
                latency = Arrays.copyOf(latency, grown);
                outcome = Arrays.copyOf(outcome, grown);
                status = Arrays.copyOf(status, grown);
            }
            start[size] = begin;
            latency[size] = nanos;
            outcome[size] = result;
            status[size] = (short) code;
            size++;
        }
    }

    /** The clients' requests together, in no particular order. */
    static Requests merge(List<Recorder> recorders) {
        Requests requests = new Requests(recorders.stream().mapToInt(r -> r.size).sum());
        int at = 0;
        for (Recorder r : recorders) {
            System.arraycopy(r.start, 0, requests.start, at, r.size);
            System.arraycopy(r.latency, 0, requests.latency, at, r.size);
            System.arraycopy(r.outcome, 0, requests.outcome, at, r.size);
            System.arraycopy(r.status, 0, requests.status, at, r.size);
            at += r.size;
            requests.failures.addAll(r.failures);
        }
        return requests;
    }
}
