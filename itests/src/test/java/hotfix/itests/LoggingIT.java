package hotfix.itests;

import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;

import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/**
 * What an operator sees of the runtime's warnings: runtime.jar, started as a user starts it with
 * a deploy directory anyone can write to, says that it refuses to watch it on its console and in
 * its log file, and the console shows no platform chatter at start.
 */
public class LoggingIT {

    private static final Duration START = Duration.ofSeconds(60);
    private static final String REFUSAL = "refusing to watch";

    @Rule
    public TemporaryFolder folder = new TemporaryFolder();

    @Test
    public void aWorldWritableDeployDirectoryIsRefusedOnTheConsoleAndInTheLogFile() throws Exception {
        Path jar = Path.of(System.getProperty("hotfix.itests.runtime", "../run-configs/target/runtime.jar"));
        Path server = folder.newFolder("server").toPath();
        Path deploy = Files.createDirectory(server.resolve("d"));
        // the mode asked for at creation is narrowed by the umask: set it afterwards
        Files.setPosixFilePermissions(deploy, PosixFilePermissions.fromString("rwxrwxrwx"));

        try (ServerProcess process = new ServerProcess(jar, server, HotfixTestSupport.freePort(),
                List.of("-Dhotfix.deploy.dir=d"))) {
            String console = process.await("chmod o-w", START);
            assertTrue(console, console.contains("ERROR hotfix.runtime - refusing to watch " + deploy.toRealPath()
                    + ": it is world-writable"));

            Path log = server.resolve("logs").resolve("hotfix.log");
            String logged = awaitFileContains(log, REFUSAL, START);
            assertTrue(logged, logged.contains("ERROR hotfix.runtime - refusing to watch " + deploy.toRealPath()));

            process.await("g!", START);
            String chatter = process.output().substring(0, process.output().indexOf("g!"));
            for (String noise : List.of("spifly", "SLF4J", "jline", "org.eclipse.jetty", " INFO  org.")) {
                assertFalse("platform noise at start (" + noise + "):\n" + chatter, chatter.contains(noise));
            }
        }
    }

    /** Polls a file the server writes until it holds the text, within a deadline. */
    static String awaitFileContains(Path file, String text, Duration deadline) throws Exception {
        long end = System.nanoTime() + deadline.toNanos();
        String content = "";
        while (System.nanoTime() - end < 0) {
            content = Files.isRegularFile(file) ? Files.readString(file) : "";
            if (content.contains(text)) {
                return content;
            }
            Thread.sleep(50);
        }
        throw new AssertionError("no '" + text + "' in " + file + " within " + deadline + "; it holds:\n" + content);
    }
}
