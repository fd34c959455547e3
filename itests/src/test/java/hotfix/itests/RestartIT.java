package hotfix.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/**
 * Hotfixes survive a restart: the exported server is started, patched from its shell (a swap,
 * then a redefinition), stopped, and started again on the same bundle cache.
 */
public class RestartIT {

    private static final Duration START = Duration.ofSeconds(60);
    private static final Duration COMMAND = Duration.ofSeconds(30);

    @Rule
    public TemporaryFolder folder = new TemporaryFolder();

    @Test
    public void theFixesAreStillActiveAfterARestartAndTheHistoryListsThem() throws Exception {
        Path jar = Path.of(System.getProperty("hotfix.itests.webapp", "../run-configs/target/webapp.jar"));
        Path fix = HotfixTestSupport.jar("example.webapp.hotfix.shop-overflow").toPath();
        Path server = folder.newFolder("server").toPath();
        Files.copy(fix, server.resolve("shop-overflow-fix.jar"));
        Files.copy(HotfixTestSupport.jar("example.webapp.hotfix.bulk-discount").toPath(),
                server.resolve("bulk-discount-fix.jar"));
        int port = HotfixTestSupport.freePort();
        Http http = new Http(java.net.URI.create("http://127.0.0.1:" + port));

        // what the JVM deoptimizes at each redefinition
        List<String> logDeoptimization = List.of("-Xlog:redefine+class+nmethod=debug");
        try (ServerProcess first = new ServerProcess(jar, server, port, logDeoptimization)) {
            first.await("g!", START);
            HotfixTestSupport.awaitHttp(java.net.URI.create("http://127.0.0.1:" + port + "/now"), START);
            assertTrue("the bug is there", http.buy("alice", "dragon-egg", 500_000).object().get("cost").getAsLong() < 0);

            String applied = first.command("hotfix:install shop-overflow-fix.jar", COMMAND);
            assertTrue(applied, applied.contains("applied: example.webapp.economy 1.0.0.SNAPSHOT -> 1.0.1"));
            assertEquals(409, http.buy("bob", "dragon-egg", 500_000).status());

            String redefined = first.command("hotfix:install bulk-discount-fix.jar", COMMAND);
            assertTrue(redefined, redefined.contains("1 class(es) redefined"));
            assertTrue("the redefinition deoptimizes only the code that depends on it, not all:\n" + redefined,
                    redefined.contains("dependent nmethods for deopt") && !redefined.contains("Marked all nmethods"));
            assertEquals(225, http.buy("carol", "potion", 10).object().get("cost").getAsLong());
        }

        try (ServerProcess second = new ServerProcess(jar, server, port)) {
            second.await("g!", START);
            HotfixTestSupport.awaitHttp(java.net.URI.create("http://127.0.0.1:" + port + "/now"), START);

            assertEquals("the fix is active after the restart", 409, http.buy("bob", "dragon-egg", 500_000).status());
            String bundles = second.command("lb -s example.webapp.economy", COMMAND);
            assertTrue(bundles, bundles.contains("example.webapp.economy (1.0.1)"));
            assertFalse("the original came back beside the fix:\n" + bundles, bundles.contains("1.0.0.SNAPSHOT"));
            Matcher level = Pattern.compile("\\|\\s*(\\d+)\\|example.webapp.economy \\(1.0.1\\)").matcher(bundles);
            assertTrue(bundles, level.find());
            assertEquals("the fix keeps the start level of the bundle it replaced", "10", level.group(1));
            assertEquals("the redefinition is applied again as the class loads", 225,
                    http.buy("carol", "potion", 10).object().get("cost").getAsLong());
            String list = second.command("hotfix:list", COMMAND);
            assertTrue(list, list.contains("APPLIED") && list.contains("1.0.0.SNAPSHOT -> 1.0.1")
                    && list.contains("1.0.1 -> 1.0.2"));
            String status = second.command("hotfix:status", COMMAND);
            assertTrue(status, status.contains("redefinition: available"));
        }
    }
}
