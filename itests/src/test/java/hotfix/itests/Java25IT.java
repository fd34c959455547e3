package hotfix.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static org.junit.Assume.assumeTrue;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import org.junit.Before;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/**
 * The README's demo on Java 25, the newest LTS, while the build runs on 17: the exported
 * webapp.jar starts, takes both example hotfixes from its shell (a swap, then a redefinition),
 * rolls them back, and applies and rolls back a jar through the deploy directory, answering over
 * HTTP throughout. Runs when Java 25 is at {@code JAVA25_HOME} or
 * {@code /usr/lib/jvm/temurin-25-jdk-amd64}; says it skipped otherwise.
 */
public class Java25IT {

    private static final Duration START = Duration.ofSeconds(60);
    private static final Duration COMMAND = Duration.ofSeconds(30);
    private static final Duration DEPLOY = Duration.ofSeconds(30);

    @Rule
    public TemporaryFolder folder = new TemporaryFolder();

    private Path javaHome;

    @Before
    public void java25IsInstalled() {
        String configured = System.getenv("JAVA25_HOME");
        javaHome = Path.of(configured != null && !configured.isBlank() ? configured : "/usr/lib/jvm/temurin-25-jdk-amd64");
        assumeTrue("skipped: no Java 25 at " + javaHome + " (set JAVA25_HOME)",
                Files.isExecutable(javaHome.resolve("bin").resolve("java")));
    }

    @Test
    public void theDemoRunsOnJava25() throws Exception {
        Path jar = Path.of(System.getProperty("hotfix.itests.webapp", "../run-configs/target/webapp.jar"));
        Path server = folder.newFolder("server").toPath();
        Path swap = Files.copy(HotfixTestSupport.jar("example.webapp.hotfix.shop-overflow").toPath(),
                server.resolve("shop-overflow-fix.jar"));
        Files.copy(HotfixTestSupport.jar("example.webapp.hotfix.bulk-discount").toPath(),
                server.resolve("bulk-discount-fix.jar"));
        int port = HotfixTestSupport.freePort();
        Http http = new Http(URI.create("http://127.0.0.1:" + port));

        try (ServerProcess process = new ServerProcess(javaHome, jar, server, port, List.of())) {
            process.await("g!", START);
            HotfixTestSupport.awaitHttp(URI.create("http://127.0.0.1:" + port + "/now"), START);
            assertTrue("the bug is there", http.buy("alice", "dragon-egg", 500_000).object().get("cost").getAsLong() < 0);
            assertEquals(25, http.buy("carol", "potion", 10).object().get("cost").getAsLong());

            String swapped = process.command("hotfix:install shop-overflow-fix.jar", COMMAND);
            assertTrue(swapped, swapped.contains("applied: example.webapp.economy 1.0.0.SNAPSHOT -> 1.0.1"));
            assertEquals(409, http.buy("bob", "dragon-egg", 500_000).status());
            String redefined = process.command("hotfix:install bulk-discount-fix.jar", COMMAND);
            assertTrue(redefined, redefined.contains("1 class(es) redefined"));
            assertEquals(225, http.buy("carol", "potion", 10).object().get("cost").getAsLong());

            String back = process.command("hotfix:rollback " + id(redefined), COMMAND);
            assertTrue(back, back.contains("rolled back hotfix"));
            assertEquals(25, http.buy("carol", "potion", 10).object().get("cost").getAsLong());
            back = process.command("hotfix:rollback " + id(swapped), COMMAND);
            assertTrue(back, back.contains("rolled back hotfix"));
            assertTrue("the bug is back", http.buy("bob", "dragon-egg", 500_000).object().get("cost").getAsLong() < 0);

            Path deploy = server.resolve("hotfix").resolve("deploy");
            Files.copy(swap, deploy.resolve("shop-overflow-fix.jar"));
            awaitBuyStatus(http, 409, DEPLOY);
            Files.delete(deploy.resolve("shop-overflow-fix.jar"));
            awaitBuyStatus(http, 200, DEPLOY);
            String history = process.command("hotfix:history", COMMAND);
            assertTrue(history, history.contains("APPLIED") && history.contains("ROLLED_BACK"));
        }
    }

    /** Buys dragon eggs until the answer is the one expected: 409 with the fix, 200 without. */
    private static void awaitBuyStatus(Http http, int status, Duration deadline) throws InterruptedException {
        long end = System.nanoTime() + deadline.toNanos();
        int last = -1;
        for (int attempt = 0; System.nanoTime() - end < 0; attempt++) {
            // a new player has 1000 gold: 500,000 eggs are refused with the fix, a credit without
            String player = "p" + status + "x" + attempt;
            http.post("/players", "{\"id\":\"" + player + "\",\"name\":\"P\"}");
            last = http.buy(player, "dragon-egg", 500_000).status();
            if (last == status) {
                return;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("a purchase answered " + last + ", not " + status + ", within " + deadline);
    }

    private static long id(String reply) {
        java.util.regex.Matcher matcher = java.util.regex.Pattern.compile("(?m)^id:\\s+(\\d+)$").matcher(reply);
        assertTrue("no id in: " + reply, matcher.find());
        return Long.parseLong(matcher.group(1));
    }
}
