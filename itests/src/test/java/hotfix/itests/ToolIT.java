package hotfix.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/**
 * The hotfix tool as a new user meets it, every step a real process: their own bundle
 * (fixture.greetings, a component serving a {@code UnaryOperator}) runs in the exported
 * runtime.jar; they fix a source file, make a hotfix of the bundle jar with one command
 * ({@code java -jar hotfix-tool.jar make}), plan it, and install it from the server's shell. For
 * each kind of change, the server's dry run says what plan said, the server applies the hotfix in
 * the mode make chose, and the service answers with the fix; a rollback brings the bundle back
 * for the next change.
 */
public class ToolIT {

    private static final Duration START = Duration.ofSeconds(60);
    private static final Duration COMMAND = Duration.ofSeconds(30);
    private static final long TOOL_SECONDS = 60;
    private static final String SHIPPED = "fixture.greetings 1.0.0.SNAPSHOT";
    /** The greeting, from the shell: the service as consumers get it (the runtime's proxy), applied to "ann". */
    private static final String GREET = "(($.context getService ($.context getServiceReference "
            + "java.util.function.UnaryOperator)) apply ann)";

    @Rule
    public TemporaryFolder folder = new TemporaryFolder();

    /** A changed source file of hotfix.tool/src/test/fixes, the mode make must choose, and the greeting then. */
    private record Change(String fix, String mode, String answer) {
    }

    /** What one run of the tool did. */
    private record Run(int exit, String out) {
    }

    @Test
    public void theServerAppliesWhatMakeMadeInTheModeItChoseAsPlanSaid() throws Exception {
        Path base = HotfixTestSupport.jar("fixture.greetings").toPath();
        Path work = folder.newFolder("work").toPath();
        Path runtime = Path.of(System.getProperty("hotfix.itests.runtime", "../run-configs/target/runtime.jar"));
        try (ServerProcess server = new ServerProcess(runtime, folder.newFolder("server").toPath(),
                HotfixTestSupport.freePort())) {
            server.await("g!", START);
            server.command("start " + base.toUri(), COMMAND);
            assertAnswer(server, "Hello, ann.");

            for (Change change : List.of(
                    new Change("body-change", "redefine", "Hello, ann!"),
                    new Change("lambdas-reordered", "redefine", "Hello, ann."),
                    new Change("new-lambda", "swap", "HELLO, ANN."),
                    new Change("new-method", "swap", "Hello, ann. (hotfixed)"),
                    new Change("constant-changed", "swap", "Hello, ann!"))) {
                Path jar = work.resolve(change.fix() + ".jar");

                Run make = tool(work, "make", "--base", base.toString(), "--out", jar.toString(),
                        Path.of(System.getProperty("hotfix.itests.fixes")).resolve(change.fix()).toString());
                assertEquals(make.out(), 0, make.exit());
                assertTrue(change + ":\n" + make.out(), make.out().contains("\nmode: " + change.mode() + " (auto)"));

                Run plan = tool(work, "plan", "--base", base.toString(), jar.toString());
                assertEquals(plan.out(), 0, plan.exit());
                String dryRun = server.command("hotfix:install --dry-run " + jar, COMMAND);
                for (String said : planned(plan.out())) {
                    assertTrue("the server's dry run says what plan said, '" + said + "':\n" + dryRun,
                            dryRun.contains(said));
                }

                String applied = server.command("hotfix:install " + jar, COMMAND);
                assertTrue(change + ":\n" + applied, applied.contains("applied: " + SHIPPED + " -> 1.0.1, "));
                assertTrue(change + ":\n" + applied, applied.contains("\ntarget:  " + SHIPPED + " -> 1.0.1 ("
                        + change.mode() + ")\n"));
                assertAnswer(server, change.answer());

                String rolledBack = server.command("hotfix:rollback " + id(applied), COMMAND);
                assertTrue(rolledBack, rolledBack.contains("rolled back hotfix " + id(applied)));
                assertAnswer(server, "Hello, ann.");
            }
        }
    }

    /** @return what plan said the server would do: its verdict, and each service and class line */
    private static List<String> planned(String plan) {
        List<String> said = new ArrayList<>();
        plan.lines().filter(line -> line.startsWith("would apply: ")).forEach(said::add);
        plan.lines().filter(line -> line.startsWith("    ")).map(String::strip).forEach(said::add);
        assertTrue(plan, said.size() > 1);
        return said;
    }

    private static void assertAnswer(ServerProcess server, String expected) throws IOException, InterruptedException {
        String answer = server.command(GREET, COMMAND);
        assertTrue("expected '" + expected + "':\n" + answer, answer.lines().anyMatch(line -> line.strip()
                .endsWith(expected) && !line.contains("getService")));
    }

    private static long id(String report) {
        Matcher id = Pattern.compile("(?m)^id:\\s+(\\d+)$").matcher(report);
        assertTrue(report, id.find());
        return Long.parseLong(id.group(1));
    }

    /** Runs {@code java -jar hotfix-tool.jar ARGS} in a folder, as a user would. */
    private static Run tool(Path work, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
                .toString(), "-jar", HotfixTestSupport.jar("hotfix.tool").getAbsolutePath()));
        command.addAll(List.of(args));
        Path out = Files.createTempFile(work, args[0], ".txt");
        Process process = new ProcessBuilder(command).directory(work.toFile()).redirectErrorStream(true)
                .redirectOutput(out.toFile()).start();
        if (!process.waitFor(TOOL_SECONDS, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("hotfix-tool.jar " + args[0] + " did not end within " + TOOL_SECONDS + " s");
        }
        return new Run(process.exitValue(), Files.readString(out));
    }
}
