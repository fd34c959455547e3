package hotfix.benchmarks.load;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A few synchronous event streams held open: each a {@code GET /bench/events} of the probe
 * bundle, which writes a line every period and calls no service, read line by line. When each line
 * arrived is recorded, so that a phase can tell whether the streams kept flowing (the longest gap
 * between two lines) and whether they were open across a hotfix's window.
 */
final class EventStreams implements AutoCloseable {

    private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(2)).build();
    private final long origin;
    private final List<Stream> streams = new ArrayList<>();

    /** One stream: when each of its lines arrived, in nanoseconds on the harness's clock. */
    private final class Stream implements Runnable {
        private final URI uri;
        private final Thread thread;
        private long[] arrivals = new long[1024];
        private int lines;
        private volatile InputStream body;
        private volatile boolean closing;
        private volatile String ended = "";

        Stream(URI uri, int index) {
            this.uri = uri;
            this.thread = new Thread(this, "event-stream-" + index);
            thread.setDaemon(true);
        }

        @Override
        public void run() {
            try {
                HttpResponse<InputStream> response = client.send(HttpRequest.newBuilder(uri).GET().build(),
                        HttpResponse.BodyHandlers.ofInputStream());
                body = response.body();
                if (response.statusCode() != 200) {
                    ended = "HTTP " + response.statusCode();
                    body.close();
                    return;
                }
                try (BufferedReader reader = new BufferedReader(new InputStreamReader(body, StandardCharsets.UTF_8))) {
                    while (reader.readLine() != null) {
                        arrived(System.nanoTime() - origin);
                    }
                }
                ended = closing ? "" : "the server ended it";
            } catch (IOException e) {
                ended = closing ? "" : e.toString();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        private synchronized void arrived(long at) {
            if (lines == arrivals.length) {
                arrivals = Arrays.copyOf(arrivals, lines * 2);
            }
            arrivals[lines++] = at;
        }

        synchronized long[] arrivals() {
            return Arrays.copyOf(arrivals, lines);
        }

        void close() throws InterruptedException {
            closing = true;
            InputStream open = body;
            try {
                if (open != null) {
                    open.close();
                }
            } catch (IOException e) {
                // closing anyway
            }
            thread.interrupt();
            thread.join(TimeUnit.SECONDS.toMillis(10));
        }
    }

    /**
     * Opens the streams.
     *
     * @param period how often the server writes a line
     * @param origin the harness's time zero, from {@link System#nanoTime()}
     */
    EventStreams(URI base, int count, Duration period, long origin) {
        this.origin = origin;
        for (int i = 0; i < count; i++) {
            // far longer than any phase: the harness closes them
            streams.add(new Stream(base.resolve("/bench/events?period=" + period.toMillis() + "&for=1800000"), i));
        }
        streams.forEach(stream -> stream.thread.start());
    }

    /** Waits until every stream has delivered a line; fails if one does not within the deadline. */
    void awaitFlowing(Duration deadline) throws InterruptedException {
        long end = System.nanoTime() + deadline.toNanos();
        for (Stream stream : streams) {
            while (stream.arrivals().length == 0) {
                if (System.nanoTime() - end > 0 || !stream.thread.isAlive()) {
                    throw new IllegalStateException("the event stream " + stream.uri + " delivered nothing: "
                            + stream.ended);
                }
                Thread.sleep(20);
            }
        }
    }

    /** @return how many streams had a line before the window and a line after it: open across it */
    int openAcross(Stats.Window window) {
        int open = 0;
        for (Stream stream : streams) {
            long[] at = stream.arrivals();
            if (at.length > 0 && at[0] <= window.from() && at[at.length - 1] >= window.to()) {
                open++;
            }
        }
        return open;
    }

    int count() {
        return streams.size();
    }

    /**
     * @param windows the hotfixes' windows; none for every gap
     * @return the longest time between two lines of one stream, in nanoseconds: among the gaps that
     *         touch a window when windows are given, among all gaps otherwise
     */
    long longestGap(List<Stats.Window> windows) {
        long longest = 0;
        for (Stream stream : streams) {
            long[] at = stream.arrivals();
            for (int i = 1; i < at.length; i++) {
                long from = at[i - 1];
                long to = at[i];
                if (windows.isEmpty() || windows.stream().anyMatch(w -> from <= w.to() && to >= w.from())) {
                    longest = Math.max(longest, to - from);
                }
            }
        }
        return longest;
    }

    /** @return how many lines the streams delivered together */
    long lines() {
        return streams.stream().mapToLong(stream -> stream.arrivals().length).sum();
    }

    /** @return why each stream that ended before it was closed ended; empty when none did */
    List<String> ended() {
        return streams.stream().map(stream -> stream.ended).filter(why -> !why.isEmpty()).toList();
    }

    /** @return how many streams are still being read */
    int alive() {
        return (int) streams.stream().filter(stream -> stream.thread.isAlive()).count();
    }

    @Override
    public void close() throws InterruptedException {
        for (Stream stream : streams) {
            stream.close();
        }
    }
}
