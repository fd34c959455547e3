package hotfix.tool;

import static hotfix.tool.Fixes.base;
import static hotfix.tool.Fixes.classpath;
import static hotfix.tool.Fixes.fix;
import static hotfix.tool.Fixes.run;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/**
 * {@code plan}: a hotfix jar planned offline against the base bundle the build made, with the
 * runtime's inspection and planners, and the exit status a script reads.
 */
public class PlanIT {

    @Rule
    public TemporaryFolder folder = new TemporaryFolder();

    @Test
    public void aRedefinitionThePlannerAcceptsIsPlannedClassByClass() {
        Path jar = made("lambdas-reordered");

        Fixes.Run run = run("plan", "--base", base().toString(), jar.toString());

        assertEquals(run.toString(), 0, run.exit());
        assertTrue(run.out(), run.out().contains("would apply: fixture.greetings 1.0.0.SNAPSHOT -> 1.0.1, redefining "
                + "1 class(es) in place"));
        assertTrue(run.out(), run.out().contains("fixture.greetings.Phrases: redefined in place"));
        assertTrue(run.out(), run.out().contains("lambda$greet$0 -> lambda$greet$1 (moved)"));
        assertTrue(run.out(), run.out().contains("the server also checks: that it runs with the hotfix agent"));
    }

    @Test
    public void aSwapIsPlannedServiceByService() {
        Path jar = made("new-method");

        Fixes.Run run = run("plan", "--base", base().toString(), jar.toString());

        assertEquals(run.toString(), 0, run.exit());
        assertTrue(run.out(), run.out().contains("would apply: fixture.greetings 1.0.0.SNAPSHOT -> 1.0.1, swapping "
                + "1 service(s)"));
        assertTrue(run.out(), run.out().contains("fixture.greetings.Phrases: replaced with the bundle"));
    }

    @Test
    public void theModeCanBeRequired() {
        Path jar = made("body-change");

        assertEquals(0, run("plan", "--base", base().toString(), "--mode", "redefine", jar.toString()).exit());
        Fixes.Run swap = run("plan", "--base", base().toString(), "--mode", "swap", jar.toString());
        assertEquals(swap.toString(), 1, swap.exit());
        assertTrue(swap.out(), swap.out().contains("the hotfix's mode is redefine, not swap"));
    }

    @Test
    public void aHotfixOfAnOlderVersionIsRefusedAsTheServerRefusesIt() {
        Path swap = made("new-method");
        Path redefine = made("body-change");

        // the swap hotfix is fixture.greetings 1.0.1: what runs once it is applied
        Fixes.Run run = run("plan", "--base", swap.toString(), redefine.toString());

        assertEquals(run.toString(), 1, run.exit());
        assertTrue(run.out(), run.out().contains("refused: the hotfix's version 1.0.1 is not higher than the installed "
                + "fixture.greetings 1.0.1"));
    }

    @Test
    public void aFileThatIsNotAJarIsRefusedAsUnreadable() throws IOException {
        Path text = folder.newFile("notes.jar").toPath();
        Files.writeString(text, "not a jar");

        Fixes.Run run = run("plan", "--base", base().toString(), text.toString());

        assertEquals(run.toString(), 1, run.exit());
        assertTrue(run.out(), run.out().startsWith("plan of " + text + ", offline:\nrefused: "));
    }

    @Test
    public void aRedefineHotfixIsNoBase() {
        Path redefine = made("body-change");

        Fixes.Run run = run("plan", "--base", redefine.toString(), redefine.toString());

        assertEquals(run.toString(), 2, run.exit());
        assertTrue(run.err(), run.err().contains("is a redefine-mode hotfix"));
    }

    /** @return the hotfix make writes for one case of src/test/fixes */
    private Path made(String fix) {
        Path out = folder.getRoot().toPath().resolve(fix + ".jar");
        Fixes.Run run = run("make", "--base", base().toString(), "--classpath", classpath().toString(), "--out",
                out.toString(), fix(fix).toString());
        assertEquals(run.toString(), 0, run.exit());
        return out;
    }
}
