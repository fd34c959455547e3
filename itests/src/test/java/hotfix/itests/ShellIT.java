package hotfix.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import javax.inject.Inject;

import org.apache.felix.service.command.CommandProcessor;
import org.apache.felix.service.command.CommandSession;
import org.apache.felix.service.command.Converter;
import org.junit.After;
import org.junit.Before;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerMethod;
import org.osgi.util.tracker.ServiceTracker;

import example.webapp.api.Shop;

/**
 * The {@code hotfix:*} commands as an operator (or a script) types them, through Gogo's command
 * processor: each returns its answer as text or JSON and prints nothing itself; a refusal fails
 * the command, with the answer as its message. Each test has a framework of its
 * own, so it sees only the attempts it made.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerMethod.class)
public class ShellIT extends HotfixTestSupport {

    static final String ECONOMY = "example.webapp.economy";
    static final String SHIPPED = "1.0.0.SNAPSHOT";
    static final String FIX = "example.webapp.hotfix.shop-overflow";
    /** Every wait in these tests ends by then, or the test fails. */
    static final long WAIT_SECONDS = 30;
    static final Pattern ID = Pattern.compile("(?m)^id: +(\\d+)$");

    @Inject
    CommandProcessor processor;

    /** Injected only to wait for the application: a hotfix needs its target's services. */

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();
    private CommandSession session;

    @Before
    public void openSession() throws Exception {
        // SCR registers the commands once the runtime's HotfixManager is there
        ServiceTracker<Object, Object> commands = new ServiceTracker<>(context,
                context.createFilter("(" + CommandProcessor.COMMAND_SCOPE + "=hotfix)"), null);
        commands.open();
        try {
            assertNotNull("the hotfix commands were not registered",
                    commands.waitForService(TimeUnit.SECONDS.toMillis(WAIT_SECONDS)));
        } finally {
            commands.close();
        }
        session = processor.createSession(new ByteArrayInputStream(new byte[0]), out, err);
    }

    @After
    public void closeSession() {
        session.close();
    }

    @Test
    public void aDryRunListsTheServicesItWouldSwapAndChangesNothing() throws Exception {
        String answer = run("hotfix:install --dry-run " + quoted(jar(FIX).getPath()));

        assertTrue(answer, answer.startsWith("would apply: " + ECONOMY + " " + SHIPPED + " -> 1.0.1, swapping "));
        assertTrue(answer, answer.contains("\ntarget:  " + ECONOMY + " " + SHIPPED + " -> 1.0.1 (swap)\n"));
        assertTrue(answer, answer.contains("\nservices:\n"));
        assertTrue(answer, answer.contains("example.webapp.api.Shop"));
        assertTrue(answer, answer.endsWith("\npause:   none: a dry run holds no calls"));
        assertEquals(SHIPPED, installed(ECONOMY).getVersion().toString());
        assertEquals("none", run("hotfix:list"));
    }

    @Test
    public void installAppliesAndReportsTheSwapItsStagesAndThePause() throws Exception {
        String answer = run("hotfix:install " + quoted(jar(FIX).getPath()));

        assertTrue(answer, answer.startsWith("applied: " + ECONOMY + " " + SHIPPED + " -> 1.0.1, "));
        assertTrue(answer, id(answer) > 0);
        assertTrue(answer, answer.contains("\ntarget:  " + ECONOMY + " " + SHIPPED + " -> 1.0.1 (swap)\n"));
        assertTrue(answer, answer.contains("\nsource:  " + jar(FIX).toPath().toUri() + "\n"));
        assertTrue(answer, Pattern.compile("(?m)^services:\n(  .*\n)*  example\\.webapp\\.api\\.Shop.*swapped$")
                .matcher(answer).find());
        for (String stage : List.of("inspect", "plan", "stage", "quiesce", "commit", "resume", "journal", "retire")) {
            assertTrue(stage + ": " + answer,
                    Pattern.compile("(?m)^  " + stage + " +\\d+ (us|ms)$").matcher(answer).find());
        }
        String last = answer.substring(answer.lastIndexOf('\n') + 1);
        assertTrue(answer, last.matches("pause:   \\d+ (us|ms)"));
        assertEquals("1.0.1", installed(ECONOMY).getVersion().toString());
    }

    @Test
    public void aRelativePathIsResolvedAgainstTheWorkingDirectory() throws Exception {
        Path absolute = jar(FIX).toPath().toAbsolutePath().normalize();
        Path relative = Path.of(System.getProperty("user.dir")).toAbsolutePath().relativize(absolute);
        assertFalse(relative.toString(), relative.isAbsolute());

        String answer = run("hotfix:install --dry-run " + quoted(relative.toString()));

        assertTrue(answer, answer.startsWith("would apply: " + ECONOMY));
        assertTrue(answer, answer.contains("\nsource:  " + absolute.toUri() + "\n"));
    }

    @Test
    public void aCallThatOutlastsTheTimeoutRefusesTheHotfixAndNamesTheThread() throws Exception {
        String answer;
        try (HeldRequest request = new HeldRequest(gate, "shell-it-slow-request", () -> players.get("alice"))) {
            answer = fails("hotfix:install --timeout 300 " + quoted(jar("fixture.economy-copied").getPath()));
        }

        assertTrue(answer, answer.startsWith("refused: units of work in " + ECONOMY + " did not finish within 300 ms"));
        assertTrue(answer, answer.contains("\nreason:  DRAIN_TIMEOUT\n"));
        assertTrue(answer, answer.contains("'shell-it-slow-request'"));
        assertFalse("the gate was left closed", gate.isClosed());
        assertEquals(SHIPPED, installed(ECONOMY).getVersion().toString());
    }

    @Test
    public void aTimeoutThatIsNotPositiveIsExplained() throws Exception {
        String expected = "invalid --timeout 0: it is in milliseconds and must be more than 0; nothing was changed";

        assertEquals(expected, fails("hotfix:install --timeout 0 " + quoted(jar(FIX).getPath())));
        assertEquals(expected, fails("hotfix:rollback --timeout 0 1"));
        assertEquals("none", run("hotfix:history"));
    }

    @Test
    public void aRefusedHotfixFailsTheCommandAndSaysWhy() throws Exception {
        String answer = fails("hotfix:install " + quoted(jar("fixture.lower-version").getPath()));

        assertTrue(answer, answer.startsWith("refused: "));
        String message = answer.substring(0, answer.indexOf('\n'));
        assertTrue(message, message.contains("0.9.0"));
        assertTrue(message, message.contains(ECONOMY + " " + SHIPPED));
        assertTrue(answer, answer.contains("\nreason:  VERSION_NOT_HIGHER\n"));
        // the refusal came before the installed version was taken: no empty gap where it would be
        assertTrue(answer, answer.contains("\ntarget:  " + ECONOMY + " ? -> 0.9.0 (swap)\n"));
        assertEquals(SHIPPED, installed(ECONOMY).getVersion().toString());
    }

    @Test
    public void listShowsTheHotfixesInPlaceAsATable() throws Exception {
        assertEquals("none", run("hotfix:list"));
        long id = id(run("hotfix:install " + quoted(jar(FIX).getPath())));

        String[] lines = run("hotfix:list").split("\n");

        assertEquals(String.join("\n", lines), 2, lines.length);
        assertTrue(lines[0], lines[0].matches(" *ID  OUTCOME +TARGET +FROM -> TO +MODE +SIGNER +WHEN +PAUSE"));
        assertTrue(lines[1], lines[1].matches(" *" + id + "  APPLIED +" + Pattern.quote(ECONOMY) + " +"
                + Pattern.quote(SHIPPED + " -> 1.0.1") + " +swap +- +\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d"
                + " +\\d+ (us|ms)"));
        // the columns line up under their headings
        assertEquals(lines[0].indexOf("TARGET"), lines[1].indexOf(ECONOMY));
        assertEquals(lines[0].indexOf("FROM -> TO"), lines[1].indexOf(SHIPPED));
        assertEquals(lines[0].length(), lines[1].length());
    }

    @Test
    public void historyShowsEveryAttemptNewestFirstWithTheRefusalsMessage() throws Exception {
        String refusal = fails("hotfix:install " + quoted(jar("fixture.lower-version").getPath()));
        long refused = id(refusal);
        long applied = id(run("hotfix:install " + quoted(jar(FIX).getPath())));
        long rolledBack = id(run("hotfix:rollback " + applied));

        String[] lines = run("hotfix:history").split("\n");

        assertEquals(String.join("\n", lines), 5, lines.length);
        assertTrue(lines[1], lines[1].matches(" *" + rolledBack + "  ROLLED_BACK .*"));
        assertTrue(lines[2], lines[2].matches(" *" + applied + "  APPLIED .*"));
        assertTrue(lines[3], lines[3].matches(" *" + refused + "  REFUSED .*"));
        assertEquals(refusal.substring(0, refusal.indexOf('\n')), lines[4].strip());
    }

    @Test
    public void statusShowsTheRuntimeAndTheLastAttempt() throws Exception {
        String fresh = run("hotfix:status");

        assertTrue(fresh, fresh.startsWith("gate:         open\nin flight:    0\n"));
        assertTrue(fresh, fresh.contains("\napplied:      0\n"));
        assertTrue(fresh, Pattern.compile("(?m)^deploy dir:   \\S").matcher(fresh).find());
        assertTrue(fresh, Pattern.compile("(?m)^redefinition: (available|not available)$").matcher(fresh).find());
        assertTrue(fresh, fresh.endsWith("\nlast attempt: none"));

        String refusal = fails("hotfix:install " + quoted(jar("fixture.lower-version").getPath()));
        String after = run("hotfix:status");

        assertTrue(after, after.endsWith("\nlast attempt: id " + id(refusal) + ", "
                + refusal.substring(0, refusal.indexOf('\n'))));
    }

    @Test
    public void statusOfAnIdShowsThatAttemptInDetail() throws Exception {
        String installed = run("hotfix:install " + quoted(jar(FIX).getPath()));
        fails("hotfix:install " + quoted(jar("fixture.lower-version").getPath()));
        long id = id(installed);

        String answer = run("hotfix:status " + id);

        assertEquals(installed.substring(0, installed.indexOf('\n')), answer.substring(0, answer.indexOf('\n')));
        assertEquals(id, id(answer));
        assertTrue(answer, answer.contains("\ntarget:  " + ECONOMY + " " + SHIPPED + " -> 1.0.1 (swap)\n"));
        assertTrue(answer, answer.contains("\nstages:\n"));
        assertFalse("one report only: " + answer, answer.contains("VERSION_NOT_HIGHER"));
    }

    @Test
    public void statusOfAnUnknownIdSaysSo() throws Exception {
        assertEquals("no hotfix attempt has id 999; see hotfix:history", run("hotfix:status 999"));
    }

    @Test
    public void rollbackRestoresTheShippedVersion() throws Exception {
        long id = id(run("hotfix:install " + quoted(jar(FIX).getPath())));
        assertEquals("1.0.1", installed(ECONOMY).getVersion().toString());

        String answer = run("hotfix:rollback " + id);

        assertTrue(answer, answer.startsWith("rolled back hotfix " + id + ": " + ECONOMY + " 1.0.1 -> " + SHIPPED));
        assertTrue(answer, answer.contains("\ntarget:  " + ECONOMY + " 1.0.1 -> " + SHIPPED + " (swap)\n"));
        assertEquals(SHIPPED, installed(ECONOMY).getVersion().toString());
        assertEquals("none", run("hotfix:list"));

        String again = fails("hotfix:rollback " + id);
        assertTrue(again, again.startsWith("refused: hotfix " + id + " is APPLIED and was rolled back since"));
        assertTrue(again, again.contains("\nreason:  UNKNOWN_HOTFIX\n"));
    }

    @Test
    public void aScriptStopsAtARefusedInstall() throws Exception {
        String script = "hotfix:install " + quoted(jar("fixture.lower-version").getPath()) + " ; hotfix:install "
                + quoted(jar(FIX).getPath());

        String message = fails(script);

        assertTrue(message, message.startsWith("refused: "));
        assertEquals("the script went on past the refusal", SHIPPED, installed(ECONOMY).getVersion().toString());
        assertEquals("none", run("hotfix:list"));
    }

    @Test
    public void jsonAnswersAreForMachines() throws Exception {
        String applied = run("hotfix:install --json " + quoted(jar(FIX).getPath()));
        assertTrue(applied, applied.startsWith("{\"id\":"));
        assertTrue(applied, applied.contains("\"outcome\":\"APPLIED\""));
        assertTrue(applied, applied.contains("\"target\":\"" + ECONOMY + "\""));
        assertTrue(applied, applied.contains("\"pastPointOfNoReturn\":true"));

        String list = run("hotfix:list --json");
        assertTrue(list, list.startsWith("[{\"id\":") && list.endsWith("}]"));
        String refused = fails("hotfix:install -j " + quoted(jar("fixture.lower-version").getPath()));
        assertTrue(refused, refused.startsWith("{\"id\":") && refused.contains("\"reason\":\"VERSION_NOT_HIGHER\""));
        String history = run("hotfix:history --json");
        assertTrue(history, history.startsWith("[{\"id\":") && history.contains("\"outcome\":\"REFUSED\""));
        String status = run("hotfix:status --json");
        assertTrue(status, status.startsWith("{\"gateClosed\":false,") && status.contains("\"applied\":1,"));
    }

    @Test
    public void helpExplainsInstallAndEveryParameter() throws Exception {
        Object value = session.execute("help hotfix:install");
        // gogo.command returns the text; other versions print it
        String help = printed() + (value == null ? "" : session.format(value, Converter.INSPECT));

        assertTrue(help, help.contains("install - apply a hotfix jar to the running server"));
        assertTrue(help, help.contains("scope: hotfix"));
        assertTrue(help, help.contains("--dry-run"));
        assertTrue(help, help.contains("plan only: inspect the jar, say what would be swapped, change nothing"));
        assertTrue(help, help.contains("--timeout"));
        assertTrue(help, help.contains(
                "how long, in milliseconds, calls in flight may take to finish before the hotfix is aborted"
                        + " (default 5000)"));
        assertTrue(help, help.contains(
                "the hotfix jar: a path (relative to the server's working directory) or a URL"));
    }

    /** Runs one command line and returns its value as the shell would show it; the command must print nothing. */
    private String run(String command) throws Exception {
        Object value = session.execute(command);
        assertEquals(command + " printed", "", printed());
        assertNotNull(command + " returned nothing", value);
        return String.valueOf(session.format(value, Converter.INSPECT));
    }

    /**
     * Runs one command line that must fail, as a refusal fails: the session sees the shell's
     * HotfixCommandException, nothing is printed, and its message is the whole answer.
     */
    private String fails(String command) {
        try {
            Object value = session.execute(command);
            throw new AssertionError(command + " did not fail but answered " + value);
        } catch (Exception e) {
            assertEquals(command + ": " + e, "hotfix.shell.HotfixCommandException", e.getClass().getName());
            assertEquals(command + " printed", "", printed());
            return e.getMessage();
        }
    }

    private String printed() {
        return out.toString(StandardCharsets.UTF_8) + err.toString(StandardCharsets.UTF_8);
    }

    /** Gogo reads a single-quoted word as it is. */
    private static String quoted(String word) {
        return "'" + word + "'";
    }

    private static long id(String report) {
        Matcher matcher = ID.matcher(report);
        assertTrue("no id in: " + report, matcher.find());
        return Long.parseLong(matcher.group(1));
    }
}
