package hotfix.itests;

import static org.junit.Assert.assertEquals;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/**
 * Configuration as files: the exported server reads {@code config/*.cfg} and {@code config/*.config} under its working
 * directory into Configuration Admin, so the example's own {@code @Designate} configuration
 * (PID {@code example.webapp.economy.ledger}) changes what it does.
 */
public class ConfigurationIT {

    private static final Duration START = Duration.ofSeconds(60);

    @Rule
    public TemporaryFolder folder = new TemporaryFolder();

    @Test
    public void aConfigurationFileSetsTheLedgersStartingGoldAndPlayers() throws Exception {
        Path jar = Path.of(System.getProperty("hotfix.itests.webapp", "../run-configs/target/webapp.jar"));
        Path server = folder.newFolder("server").toPath();
        Path config = Files.createDirectory(server.resolve("config"));
        // the .config format of Felix Configuration Admin: typed values, arrays
        Files.writeString(config.resolve("example.webapp.economy.ledger.config"),
                "startingGold=L\"5000\"\nseedPlayers=[\"erin:Erin\",\"frank:Frank\"]\n");
        int port = HotfixTestSupport.freePort();
        Http http = new Http(URI.create("http://127.0.0.1:" + port));

        try (ServerProcess process = new ServerProcess(jar, server, port, List.of())) {
            process.await("g!", START);
            HotfixTestSupport.awaitHttp(URI.create("http://127.0.0.1:" + port + "/now"), START);
            // FileInstall hands the file to Configuration Admin as it starts; the ledger may
            // have started with its defaults first, and is then activated again with the file's
            awaitStatus(http, "/players/erin", 200, START, process);

            assertEquals(5000, http.get("/players/erin").object().get("gold").getAsLong());
            assertEquals("the seed players are the file's", 404, http.get("/players/alice").status());
            assertEquals(201, http.post("/players", "{\"id\":\"gina\",\"name\":\"Gina\"}").status());
            assertEquals(5000, http.get("/players/gina").object().get("gold").getAsLong());
        }
    }

    private static void awaitStatus(Http http, String path, int status, Duration deadline, ServerProcess process)
            throws Exception {
        long end = System.nanoTime() + deadline.toNanos();
        int last = -1;
        while (System.nanoTime() - end < 0) {
            last = http.get(path).status();
            if (last == status) {
                return;
            }
            Thread.sleep(50);
        }
        throw new AssertionError("GET " + path + " answered " + last + ", not " + status + ", within " + deadline
                + "; the server printed:\n" + process.output());
    }
}
