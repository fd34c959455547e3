package hotfix.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/**
 * The smoke variant of the load harness (benchmarks, hotfix.benchmarks.load): the exported server
 * under light HTTP load while the swap hotfix is applied and rolled back from its shell a few
 * times. Correctness under load, not timing: no request fails, every hotfix applies and rolls
 * back, and every client's wallet is what its purchases left.
 */
public class LoadSmokeIT {

    private static final Duration START = Duration.ofSeconds(60);
    private static final Duration COMMAND = Duration.ofSeconds(30);
    private static final Pattern ID = Pattern.compile("(?m)^id:\\s+(\\d+)");
    private static final int CLIENTS = 3;
    private static final int CYCLES = 4;

    @Rule
    public TemporaryFolder folder = new TemporaryFolder();

    @Test
    public void noRequestFailsWhileTheSwapHotfixIsAppliedAndRolledBack() throws Exception {
        Path jar = Path.of(System.getProperty("hotfix.itests.webapp", "../run-configs/target/webapp.jar"));
        Path server = folder.newFolder("server").toPath();
        Files.copy(HotfixTestSupport.jar("example.webapp.hotfix.shop-overflow").toPath(),
                server.resolve("shop-overflow-fix.jar"));
        int port = HotfixTestSupport.freePort();
        URI base = URI.create("http://127.0.0.1:" + port);

        try (ServerProcess process = new ServerProcess(jar, server, port)) {
            process.await("g!", START);
            HotfixTestSupport.awaitHttp(base.resolve("/now"), START);
            Clients clients = new Clients(new Http(base));
            try {
                clients.awaitRequests(100);
                for (int cycle = 1; cycle <= CYCLES; cycle++) {
                    String applied = process.command("hotfix:install shop-overflow-fix.jar", COMMAND);
                    assertTrue(applied, applied.contains("applied: example.webapp.economy 1.0.0.SNAPSHOT -> 1.0.1"));
                    clients.awaitRequests(clients.requests.get() + 50);
                    Matcher id = ID.matcher(applied);
                    assertTrue(applied, id.find());
                    String rolledBack = process.command("hotfix:rollback " + id.group(1), COMMAND);
                    assertTrue(rolledBack, rolledBack.contains("rolled back hotfix " + id.group(1)
                            + ": example.webapp.economy 1.0.1 -> 1.0.0.SNAPSHOT"));
                    clients.awaitRequests(clients.requests.get() + 50);
                }
            } finally {
                clients.stop();
            }
            assertEquals("failed requests", List.of(), List.copyOf(clients.failures));
            Http http = new Http(base);
            clients.gold.forEach((player, gold) -> assertEquals("the gold of " + player, gold.longValue(),
                    http.get("/players/" + player).object().get("gold").getAsLong()));
        }
    }

    /**
     * Threads that each play one player: look at it, the shop and the leaderboard, and buy a
     * potion, one request after another. A non-2xx answer or no answer is a failure.
     */
    private static final class Clients {
        final AtomicLong requests = new AtomicLong();
        final ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
        final Map<String, Long> gold = new ConcurrentHashMap<>();
        final List<Thread> threads = new ArrayList<>();
        volatile boolean running = true;

        Clients(Http http) {
            for (int i = 0; i < CLIENTS; i++) {
                String player = "smoke" + i;
                Http.Answer joined = http.post("/players", "{\"id\":\"" + player + "\",\"name\":\"Smoke " + i + "\"}");
                assertEquals(joined.body().toString(), 201, joined.status());
                gold.put(player, 1000L);
                threads.add(new Thread(() -> play(http, player), "smoke-client-" + i));
            }
            threads.forEach(Thread::start);
        }

        void play(Http http, String player) {
            for (int turn = 0; running; turn++) {
                String what = switch (turn % 4) {
                    case 0 -> "GET /players/" + player;
                    case 1 -> "GET /shop";
                    case 2 -> "POST /shop/buy";
                    default -> "GET /leaderboard";
                };
                try {
                    Http.Answer answer = switch (turn % 4) {
                        case 0 -> http.get("/players/" + player);
                        case 1 -> http.get("/shop");
                        // a potion costs 25: 1000 gold buys 40 of them, and a wallet is only drawn on to 100
                        case 2 -> gold.get(player) > 100 ? http.buy(player, "potion", 1) : http.get("/shop");
                        default -> http.get("/leaderboard");
                    };
                    if (answer.status() / 100 != 2) {
                        failures.add(what + ": " + answer.status() + " " + answer.body());
                    } else if (turn % 4 == 2 && gold.get(player) > 100) {
                        gold.merge(player, -25L, Long::sum);
                    }
                } catch (UncheckedIOException e) {
                    failures.add(what + ": " + e.getCause());
                }
                requests.incrementAndGet();
            }
        }

        void awaitRequests(long count) throws InterruptedException {
            long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (requests.get() < count && System.nanoTime() - end < 0) {
                Thread.sleep(10);
            }
            assertTrue("the clients made " + requests.get() + " requests, expected " + count + "; failures: " + failures,
                    requests.get() >= count);
        }

        void stop() throws InterruptedException {
            running = false;
            for (Thread thread : threads) {
                thread.join(TimeUnit.SECONDS.toMillis(30));
            }
        }
    }
}
