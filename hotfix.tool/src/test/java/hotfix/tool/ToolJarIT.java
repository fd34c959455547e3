package hotfix.tool;

import static hotfix.tool.Fixes.base;
import static hotfix.tool.Fixes.fix;
import static hotfix.tool.Fixes.manifest;
import static hotfix.tool.Fixes.process;
import static hotfix.tool.Fixes.toolJar;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/**
 * The executable jar as a user runs it, {@code java -jar hotfix-tool.jar}, as a process with
 * nothing else on its class path: it finds the compiler, the runtime's API and its planners in
 * itself.
 */
public class ToolJarIT {

    @Rule
    public TemporaryFolder folder = new TemporaryFolder();

    @Test
    public void theJarNeedsNoOtherJar() throws Exception {
        assertNull("no Class-Path: everything is in the jar",
                manifest(toolJar()).getMainAttributes().getValue("Class-Path"));

        Fixes.Run help = process(folder.getRoot().toPath(), "--help");

        assertEquals(help.toString(), 0, help.exit());
        assertTrue(help.out(), help.out().contains("make   compile changed source files"));
    }

    @Test
    public void makeThenPlanAsProcesses() throws Exception {
        Path work = folder.getRoot().toPath();

        Fixes.Run make = process(work, "make", "--base", base().toString(), "--out", "fix.jar",
                fix("body-change").toString());
        Fixes.Run plan = process(work, "plan", "--base", base().toString(), "--mode", "redefine", "fix.jar");

        assertEquals(make.toString(), 0, make.exit());
        assertTrue(make.out(), make.out().contains("wrote fix.jar: fixture.greetings 1.0.1"));
        assertTrue(Files.isRegularFile(work.resolve("fix.jar")));
        assertEquals(plan.toString(), 0, plan.exit());
        assertTrue(plan.out(), plan.out().contains("would apply: fixture.greetings 1.0.0.SNAPSHOT -> 1.0.1"));
    }

    @Test
    public void sourcesThatDoNotCompileExitWith2AndJavacsMessageOnStandardError() throws Exception {
        Fixes.Run make = process(folder.getRoot().toPath(), "make", "--base", base().toString(), "--out", "fix.jar",
                fix("does-not-compile").toString());

        assertEquals(make.toString(), 2, make.exit());
        assertTrue(make.err(), make.err().contains("error: cannot find symbol"));
        assertTrue(make.err(), make.err().contains("return punctuate(salute.apply(trim.apply(nam)));"));
    }
}
