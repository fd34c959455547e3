package hotfix.benchmarks.load;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * N clients, each a thread that sends one request after another to the example (no think time),
 * as a game's clients do: look at their player, the shop and the leaderboard, and buy a few
 * cheap items. Each client plays its own player and joins with a new one when the old one cannot
 * afford the next purchase, so that every answer is a 2xx unless something is wrong; a client
 * whose player is gone (the server lost its state) joins again with the same id. Idle pooled
 * connections are closed after {@value #KEEP_ALIVE_S} s (LoadBenchmark sets it), before the server's idle timeout (Jetty's
 * default: 60 s) can close one that is being reused. After a failure
 * a client waits {@value #BACKOFF_MS} ms before its next request, as a real client would rather
 * than spin. Every request is recorded.
 */
final class Load implements AutoCloseable {

    static final long BACKOFF_MS = 20;
    static final int KEEP_ALIVE_S = 30;

    static final Duration TIMEOUT = Duration.ofSeconds(10);

    private static final int POTION = 25;

    private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(2)).build();
    private final URI base;
    private final long origin;
    private final long maxRequests;
    private final AtomicLong sent = new AtomicLong();
    private final List<Requests.Recorder> recorders = new ArrayList<>();
    private final List<Thread> threads = new ArrayList<>();
    private final String prefix;
    private volatile boolean running = true;

    /**
     * Starts the clients.
     *
     * @param origin      the harness's time zero, from {@link System#nanoTime()}
     * @param maxRequests the most requests all clients together send, whatever happens
     */
    Load(URI base, int clients, long origin, long maxRequests, String prefix) {
        this.base = base;
        this.origin = origin;
        this.maxRequests = maxRequests;
        this.prefix = prefix;
        for (int i = 0; i < clients; i++) {
            Requests.Recorder recorder = new Requests.Recorder();
            recorders.add(recorder);
            int id = i;
            threads.add(new Thread(() -> play(id, recorder), "client-" + i));
        }
        threads.forEach(Thread::start);
    }

    long sent() {
        return sent.get();
    }

    boolean exhausted() {
        return sent.get() >= maxRequests;
    }

    /** Stops the clients, waits for their last requests, and returns every request they made. */
    Requests stop() throws InterruptedException {
        running = false;
        for (Thread thread : threads) {
            thread.join(TimeUnit.SECONDS.toMillis(30));
        }
        return Requests.merge(recorders);
    }

    @Override
    public void close() throws InterruptedException {
        stop();
    }

    private void play(int id, Requests.Recorder recorder) {
        SplittableRandom random = new SplittableRandom(id * 7919L + 17);
        int generation = 0;
        String player = prefix + id + "-" + generation;
        long gold = -1; // unknown: not joined yet
        while (running && sent.incrementAndGet() <= maxRequests) {
            int code;
            if (gold < 0) {
                code = send(recorder, post("/players", "{\"id\":\"" + player + "\",\"name\":\"Client " + id + "\"}"));
                gold = code == 201 ? 1000 : -1;
                if (code == 409) { // exists: the server kept it; start over with a fresh player
                    player = prefix + id + "-" + (++generation);
                }
                continue;
            }
            // reads dominate, as in a game; purchases are rare and cheap enough that players (and so
            // the ledger's state, handed over in every swap) grow slowly: a few hundred a minute at 1000 req/s
            int pick = random.nextInt(100);
            if (pick < 45) {
                code = send(recorder, get("/players/" + player));
            } else if (pick < 70) {
                code = send(recorder, get("/shop"));
            } else if (pick < 80) {
                int quantity = 1 + random.nextInt(2);
                long cost = (long) POTION * quantity;
                if (cost > gold) {
                    player = prefix + id + "-" + (++generation);
                    gold = -1;
                    continue;
                }
                code = send(recorder, post("/shop/buy",
                        "{\"player\":\"" + player + "\",\"item\":\"potion\",\"quantity\":" + quantity + "}"));
                if (code == 200) {
                    gold -= cost;
                } else if (code == 409 || code == 0) {
                    // the wallet is not what this client counted (a purchase it saw fail may have
                    // gone through): go on with a new player rather than fail every purchase after
                    player = prefix + id + "-" + (++generation);
                    gold = -1;
                }
            } else {
                code = send(recorder, get("/leaderboard"));
            }
            if (code == 404) {
                gold = -1; // the player is gone with the server's state: join again
            }
        }
    }

    private HttpRequest.Builder get(String path) {
        return HttpRequest.newBuilder(base.resolve(path)).GET();
    }

    private HttpRequest.Builder post(String path, String json) {
        return HttpRequest.newBuilder(base.resolve(path)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json));
    }

    /** Sends one request, records it, and returns its status (0 when there was no answer). */
    private int send(Requests.Recorder recorder, HttpRequest.Builder request) {
        HttpRequest built = request.timeout(TIMEOUT).build();
        long begin = System.nanoTime();
        int code = 0;
        byte outcome;
        try {
            code = client.send(built, HttpResponse.BodyHandlers.discarding()).statusCode();
            outcome = code >= 200 && code < 300 ? Requests.OK : Requests.STATUS;
        } catch (HttpTimeoutException e) {
            outcome = Requests.TIMEOUT;
            recorder.failed(begin - origin, built.method() + " " + built.uri().getPath() + ": " + e);
        } catch (IOException e) {
            outcome = Requests.ERROR;
            recorder.failed(begin - origin, built.method() + " " + built.uri().getPath() + ": " + e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            running = false;
            outcome = Requests.ERROR;
        }
        long end = System.nanoTime();
        if (outcome == Requests.STATUS) {
            recorder.failed(begin - origin, built.method() + " " + built.uri().getPath() + ": HTTP " + code);
        }
        recorder.record(begin - origin, end - begin, outcome, code);
        if (outcome != Requests.OK) {
            try {
                Thread.sleep(BACKOFF_MS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                running = false;
            }
        }
        return code;
    }
}
