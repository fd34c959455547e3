package hotfix.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/**
 * What a crash leaves behind. The exported server applies and rolls back the example's two
 * hotfixes (a swap, then a redefinition on top of it) in a loop from its shell, and is killed
 * with SIGKILL at random moments, then started again on the same bundle cache. After every
 * start: exactly one version of the economy bundle is active, it is the one the journal lists
 * as current, the classes redefined are those of the hotfixes the journal lists (never a mix),
 * an attempt the kill cut short is in the history as INTERRUPTED, and the server serves.
 * <p>
 * {@code -Dhotfix.crash.kills=N} sets the number of kills (a small number in {@code mvn
 * verify}); {@code -Dhotfix.crash.seed=S} replays a run.
 */
public class CrashIT {

    private static final Duration START = Duration.ofSeconds(60);
    private static final Duration COMMAND = Duration.ofSeconds(30);
    private static final String SWAP_FIX = "shop-overflow-fix.jar";
    private static final String REDEFINE_FIX = "bulk-discount-fix.jar";
    private static final Pattern ID = Pattern.compile("(?m)^id:\\s+(\\d+)$");
    private static final Pattern ROW = Pattern.compile(
            "(?m)^\\s*(\\d+)\\s+(\\w+)\\s+example\\.webapp\\.economy\\s+(\\S+) -> (\\S+)\\s");
    /** The longest the server runs before it is killed: some kills land mid-hotfix, some between. */
    private static final int MAX_LIFE_MILLIS = 1_500;

    @Rule
    public TemporaryFolder folder = new TemporaryFolder();

    private Path server;
    private int port;
    private Http http;

    @Test
    public void everyKillLeavesOneWholeVersionThatTheJournalNames() throws Exception {
        int kills = Integer.getInteger("hotfix.crash.kills", 12);
        long seed = Long.getLong("hotfix.crash.seed", System.nanoTime());
        Random random = new Random(seed);
        prepare();
        int interrupted = 0;
        long lastId = 0;
        List<String> log = new ArrayList<>();
        for (int kill = 0; kill <= kills; kill++) {
            String when = (kill == kills ? "the start after the last kill" : "start " + kill) + " (seed " + seed + ")";
            ServerProcess process = new ServerProcess(jar(), server, port);
            try {
                State state = startedAndConsistent(process, when);
                List<Row> since = attemptsSince(process, lastId, when);
                interrupted += (int) since.stream().filter(row -> row.outcome.equals("INTERRUPTED")).count();
                lastId = since.stream().mapToLong(Row::id).max().orElse(lastId);
                if (kill == kills) {
                    break;
                }
                long killAt = System.nanoTime() + Duration.ofMillis(random.nextInt(MAX_LIFE_MILLIS)).toNanos();
                // commands one after another until the kill, which lands in one of them
                for (String reply = ""; reply != null; ) {
                    String command = next(state);
                    reply = process.poll(process.send(command), killAt);
                    if (reply == null) {
                        log.add(kill + ": killed during '" + command + "'");
                    } else {
                        assertTrue(command + " failed at " + when + ":\n" + reply,
                                reply.contains("applied: ") || reply.contains("rolled back hotfix"));
                        state = state.after(command, id(reply));
                    }
                }
            } finally {
                process.kill();
            }
        }
        System.out.printf("CrashIT: %d SIGKILLs survived (seed %d), every one during a shell command; %d interrupted "
                + "a hotfix or rollback the journal had begun%n%s%n", kills, seed, interrupted, String.join("\n", log));
    }

    /**
     * The attempts of the server's last life: every one applied or rolled back, as its command
     * answered, but for the one the kill cut short, which may also be interrupted.
     */
    private static List<Row> attemptsSince(ServerProcess process, long lastId, String when) throws Exception {
        List<Row> since = history(process).stream().filter(row -> row.id > lastId).toList();
        for (Row row : since) {
            assertTrue(when + ": attempt " + row.id + " is " + row.outcome,
                    List.of("APPLIED", "ROLLED_BACK", "INTERRUPTED").contains(row.outcome));
        }
        assertTrue(when + ": more than one attempt interrupted by one kill: " + since,
                since.stream().filter(row -> row.outcome.equals("INTERRUPTED")).count() <= 1);
        return since;
    }

    @Test
    public void aDamagedJournalIsReportedAndTheServerServesWhatItsCacheHolds() throws Exception {
        prepare();
        long swapId;
        long redefineId;
        try (ServerProcess first = new ServerProcess(jar(), server, port)) {
            startedAndConsistent(first, "the first start");
            swapId = id(first.command("hotfix:install " + SWAP_FIX, COMMAND));
            redefineId = id(first.command("hotfix:install " + REDEFINE_FIX, COMMAND));
        }
        Path attempts = journal().resolve("attempts");
        Path swapRecord = attempts.resolve(swapId + ".properties");
        byte[] whole = Files.readAllBytes(swapRecord);
        Files.write(swapRecord, java.util.Arrays.copyOf(whole, whole.length / 3));
        Path redefineRecord = attempts.resolve(redefineId + ".properties");
        Files.writeString(redefineRecord, Files.readString(redefineRecord).replace("1.0.2", "9.9.9"));

        try (ServerProcess second = new ServerProcess(jar(), server, port)) {
            second.await("g!", START);
            HotfixTestSupport.awaitHttp(URI.create("http://127.0.0.1:" + port + "/now"), START);
            String status = second.command("hotfix:status", COMMAND);
            assertTrue(status, status.contains(swapId + ".properties: damaged"));
            assertTrue(status, status.contains(redefineId + ".properties: damaged"));
            assertEquals("the server serves", 200, http.get("/players/alice").status());
            String bundles = second.command("lb -s example.webapp.economy", COMMAND);
            assertEquals("one version of the economy runs, the hotfix the cache holds:\n" + bundles, 1,
                    count(bundles, "example.webapp.economy ("));
            assertTrue(bundles, bundles.contains("Active") && bundles.contains("example.webapp.economy (1.0.1)"));
            assertEquals("the swapped version serves", 409, http.buy("bob", "dragon-egg", 500_000).status());
            assertEquals("a redefinition whose record is damaged is not applied again", 25,
                    http.buy("carol", "potion", 10).object().get("cost").getAsLong());
            assertTrue(second.command("hotfix:list", COMMAND).contains("none"));
            String reapplied = second.command("hotfix:install " + REDEFINE_FIX, COMMAND);
            assertTrue("the server still takes hotfixes:\n" + reapplied, reapplied.contains("applied: "));
            assertTrue("a damaged record's id is not given out again:\n" + reapplied, id(reapplied) > redefineId);
            assertEquals(225, http.buy("carol", "potion", 10).object().get("cost").getAsLong());
        }
    }

    private void prepare() throws IOException {
        server = folder.newFolder("server").toPath();
        Files.copy(HotfixTestSupport.jar("example.webapp.hotfix.shop-overflow").toPath(), server.resolve(SWAP_FIX));
        Files.copy(HotfixTestSupport.jar("example.webapp.hotfix.bulk-discount").toPath(),
                server.resolve(REDEFINE_FIX));
        port = HotfixTestSupport.freePort();
        http = new Http(URI.create("http://127.0.0.1:" + port));
    }

    private static Path jar() {
        return Path.of(System.getProperty("hotfix.itests.webapp", "../run-configs/target/webapp.jar"));
    }

    /** The hotfixes the journal lists as applied, checked against what the server runs. */
    private State startedAndConsistent(ServerProcess process, String when) throws Exception {
        process.await("g!", START);
        HotfixTestSupport.awaitHttp(URI.create("http://127.0.0.1:" + port + "/now"), START);
        State state = State.NONE;
        for (Row row : rows(process.command("hotfix:list", COMMAND))) {
            state = state.listing(row);
        }
        String bundles = process.command("lb -s example.webapp.economy", COMMAND);
        assertEquals(when + ": exactly one version of the economy:\n" + bundles, 1,
                count(bundles, "example.webapp.economy ("));
        String version = state.swap != 0 ? "1.0.1" : "1.0.0.SNAPSHOT";
        assertTrue(when + ": the journal lists " + state + " so " + version + " runs:\n" + bundles,
                bundles.contains("example.webapp.economy (" + version + ")") && bundles.contains("Active"));
        assertEquals(when + ": the overflow fix runs exactly when the journal lists it", state.swap != 0,
                http.buy("bob", "dragon-egg", 500_000).status() == 409);
        assertEquals(when + ": the discount fix runs exactly when the journal lists it",
                state.redefine != 0 ? 225 : 25, http.buy("carol", "potion", 10).object().get("cost").getAsLong());
        assertEquals(when + ": the server serves", 200, http.get("/players/alice").status());
        String status = process.command("hotfix:status", COMMAND);
        assertFalse(when + ": a kill damaged the journal:\n" + status, status.contains("damaged"));
        return state;
    }

    private static List<Row> history(ServerProcess process) throws Exception {
        return rows(process.command("hotfix:history", COMMAND));
    }

    private static List<Row> rows(String table) {
        List<Row> rows = new ArrayList<>();
        Matcher matcher = ROW.matcher(table);
        while (matcher.find()) {
            rows.add(new Row(Long.parseLong(matcher.group(1)), matcher.group(2), matcher.group(4)));
        }
        // oldest first, as they were applied
        rows.sort(java.util.Comparator.comparingLong(Row::id));
        return rows;
    }

    /**
     * The next step of the cycle: apply the swap, apply the redefinition on top of it, roll back
     * the redefinition, roll back the swap.
     */
    private static String next(State state) {
        if (state.down) {
            return "hotfix:rollback " + (state.redefine != 0 ? state.redefine : state.swap);
        }
        return "hotfix:install " + (state.swap == 0 ? SWAP_FIX : REDEFINE_FIX);
    }

    private Path journal() throws IOException {
        try (Stream<Path> files = Files.walk(server.resolve("webapp-storage"))) {
            return files.filter(p -> p.endsWith(Path.of("data", "journal"))).findFirst()
                    .orElseThrow(() -> new AssertionError("no journal under " + server));
        }
    }

    private static long id(String reply) {
        Matcher matcher = ID.matcher(reply);
        if (!matcher.find()) {
            fail("no id in: " + reply);
        }
        return Long.parseLong(matcher.group(1));
    }

    private static int count(String text, String part) {
        int count = 0;
        for (int at = text.indexOf(part); at >= 0; at = text.indexOf(part, at + 1)) {
            count++;
        }
        return count;
    }

    private record Row(long id, String outcome, String to) {
    }

    /** The ids of the applied hotfixes, 0 when not applied, and whether the cycle is rolling back. */
    private record State(long swap, long redefine, boolean down) {
        static final State NONE = new State(0, 0, false);

        State after(String command, long id) {
            if (command.contains(SWAP_FIX)) {
                return new State(id, redefine, false);
            }
            if (command.contains(REDEFINE_FIX)) {
                return new State(swap, id, true);
            }
            // a rollback undoes the redefinition first, then the swap
            return redefine != 0 ? new State(swap, 0, true) : NONE;
        }

        State listing(Row row) {
            State listed = row.to.equals("1.0.1") ? new State(row.id, redefine, false)
                    : new State(swap, row.id, false);
            return new State(listed.swap, listed.redefine, listed.swap != 0 && listed.redefine != 0);
        }
    }
}
