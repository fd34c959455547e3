package hotfix.itests;

import static org.junit.Assert.assertTrue;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import example.webapp.api.EconomyException;
import example.webapp.api.Leaderboard;
import example.webapp.api.Players;
import example.webapp.api.Shop;

/**
 * Threads calling the example's services and one HTTP endpoint in a loop, until stopped, and
 * every failure they saw: a call that threw anything but a business refusal, a non-200 answer.
 */
final class Load implements AutoCloseable {
    final AtomicLong calls = new AtomicLong();
    final AtomicBoolean running = new AtomicBoolean(true);
    final ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
    final List<Thread> threads = new ArrayList<>();
    final CountDownLatch stopped;

    private final Players players;
    private final Shop shop;
    private final Leaderboard leaderboard;

    Load(Players players, Shop shop, Leaderboard leaderboard, URI base, int serviceThreads) {
        this.players = players;
        this.shop = shop;
        this.leaderboard = leaderboard;
        stopped = new CountDownLatch(serviceThreads + 1);
        for (int i = 0; i < serviceThreads; i++) {
            String player = "load" + i;
            players.join(player, "Load " + i);
            threads.add(new Thread(() -> callServices(player), "load-" + i));
        }
        Http http = new Http(base);
        threads.add(new Thread(() -> callHttp(http), "load-http"));
        threads.forEach(Thread::start);
    }

    void callServices(String player) {
        try {
            while (running.get()) {
                try {
                    shop.buy(player, "potion", 1);
                } catch (EconomyException e) {
                    if (e.reason() != EconomyException.Reason.INSUFFICIENT_GOLD) {
                        failures.add(e.toString());
                    }
                }
                players.get(player);
                leaderboard.top(3);
                calls.incrementAndGet();
            }
        } catch (RuntimeException e) {
            failures.add(Thread.currentThread().getName() + ": " + e);
        } finally {
            stopped.countDown();
        }
    }

    void callHttp(Http http) {
        try {
            while (running.get()) {
                Http.Answer answer = http.get("/players/alice");
                if (answer.status() != 200) {
                    failures.add("GET /players/alice: " + answer.status() + " " + answer.body());
                }
            }
        } catch (RuntimeException e) {
            failures.add("http: " + e);
        } finally {
            stopped.countDown();
        }
    }

    void awaitCalls(long count) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (calls.get() < count && failures.isEmpty() && System.nanoTime() - end < 0) {
            Thread.sleep(5);
        }
        assertTrue("the load made " + calls.get() + " calls, expected " + count + "; failures: " + failures,
                calls.get() >= count);
    }

    void stop() throws InterruptedException {
        running.set(false);
        assertTrue("load threads did not stop", stopped.await(30, TimeUnit.SECONDS));
    }

    List<String> failures() {
        return List.copyOf(failures);
    }

    @Override
    public void close() throws InterruptedException {
        stop();
    }
}
