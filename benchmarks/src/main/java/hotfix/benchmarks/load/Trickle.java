package hotfix.benchmarks.load;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A few clients that send one GET after another to one path, beside the main load: units of work
 * of a known kind and length, such as calls into the copied-state target. Recorded as the load's
 * requests are.
 */
final class Trickle {

    private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(2)).build();
    private final List<Requests.Recorder> recorders = new ArrayList<>();
    private final List<Thread> threads = new ArrayList<>();
    private volatile boolean running = true;

    /** @param origin the harness's time zero, from {@link System#nanoTime()} */
    Trickle(URI uri, int clients, long origin) {
        HttpRequest request = HttpRequest.newBuilder(uri).timeout(Load.TIMEOUT).GET().build();
        for (int i = 0; i < clients; i++) {
            Requests.Recorder recorder = new Requests.Recorder();
            recorders.add(recorder);
            threads.add(new Thread(() -> {
                while (running) {
                    long begin = System.nanoTime();
                    byte outcome;
                    int code = 0;
                    try {
                        code = client.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
                        outcome = code / 100 == 2 ? Requests.OK : Requests.STATUS;
                    } catch (IOException e) {
                        outcome = Requests.ERROR;
                    } catch (InterruptedException e) {
                        return;
                    }
                    long end = System.nanoTime();
                    if (outcome != Requests.OK) {
                        recorder.failed(begin - origin, "GET " + uri.getPath() + ": " + (code == 0 ? "no answer" : "HTTP " + code));
                    }
                    recorder.record(begin - origin, end - begin, outcome, code);
                }
            }, "trickle-" + i));
        }
        threads.forEach(Thread::start);
    }

    /** Stops the clients, waits for their last requests, and returns every request they made. */
    Requests stop() throws InterruptedException {
        running = false;
        for (Thread thread : threads) {
            thread.join(TimeUnit.SECONDS.toMillis(30));
        }
        return Requests.merge(recorders);
    }
}
