package hotfix.tool;

import static hotfix.tool.Fixes.base;
import static hotfix.tool.Fixes.classpath;
import static hotfix.tool.Fixes.entries;
import static hotfix.tool.Fixes.fix;
import static hotfix.tool.Fixes.manifest;
import static hotfix.tool.Fixes.run;
import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.jar.Attributes;

import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

import hotfix.runtime.internal.inspect.Keys;

/**
 * {@code make}, as a user runs it: the changed source files of src/test/fixes compiled against
 * the base bundle the build made, and the mode, the jar and the headers it writes for each kind
 * of change. Run in this JVM through the command line's entry point; ToolJarIT runs the jar.
 */
public class MakeIT {

    private static final String BSN = "fixture.greetings";
    private static final String PHRASES = "fixture/greetings/Phrases.class";

    @Rule
    public TemporaryFolder folder = new TemporaryFolder();

    @Test
    public void aBodyChangeIsRedefinedAndTheJarHoldsOnlyThatClass() throws IOException {
        Path out = out();
        Fixes.Run run = make(out, "body-change");

        assertEquals(run.toString(), 0, run.exit());
        assertTrue(run.out(), run.out().contains("mode: redefine (auto)"));
        assertEquals(Set.of(PHRASES), entries(out).keySet());
        Attributes headers = manifest(out).getMainAttributes();
        assertEquals(BSN, headers.getValue("Bundle-SymbolicName"));
        assertEquals("the base is 1.0.0.SNAPSHOT: one micro step up, without the qualifier", "1.0.1",
                headers.getValue("Bundle-Version"));
        assertEquals("[1.0.0.SNAPSHOT,1.0.0.SNAPSHOT]", headers.getValue("Hotfix-Target-Version"));
        assertEquals("redefine", headers.getValue("Hotfix-Mode"));
        assertEquals("Phrases.java changed, made against fixture.greetings 1.0.0.SNAPSHOT",
                headers.getValue("Hotfix-Description"));
    }

    @Test
    public void lambdasThatSwapPlacesAreMatchedByBodyAndRedefined() {
        Fixes.Run run = make(out(), "lambdas-reordered");

        assertEquals(run.toString(), 0, run.exit());
        assertTrue(run.out(), run.out().contains("mode: redefine (auto)"));
        assertTrue(run.out(), run.out().contains("lambda$greet$1 -> lambda$greet$0 (moved)"));
    }

    @Test
    public void aNewMethodIsSwappedAndTheJarIsTheBaseWithTheClassReplaced() throws IOException {
        Path out = out();
        Fixes.Run run = make(out, "new-method");

        assertEquals(run.toString(), 0, run.exit());
        assertTrue(run.out(), run.out().contains("mode: swap (auto): the planner refuses to redefine "
                + "(STRUCTURAL_CHANGE)"));
        assertTrue(run.out(), run.out().contains("adds method signature()Ljava/lang/String;"));
        Map<String, byte[]> base = entries(base());
        Map<String, byte[]> fix = entries(out);
        assertEquals("every entry of the base is kept", base.keySet(), fix.keySet());
        for (String name : base.keySet()) {
            assertEquals(name, !name.equals(PHRASES), Arrays.equals(base.get(name), fix.get(name)));
        }
        Attributes was = manifest(base()).getMainAttributes();
        Attributes headers = manifest(out).getMainAttributes();
        for (String kept : new String[] {"Bundle-SymbolicName", "Import-Package", "Service-Component"}) {
            assertEquals(kept, was.getValue(kept), headers.getValue(kept));
        }
        assertEquals("1.0.1", headers.getValue("Bundle-Version"));
        assertEquals("swap", headers.getValue("Hotfix-Mode"));
        assertEquals("[1.0.0.SNAPSHOT,1.0.0.SNAPSHOT]", headers.getValue("Hotfix-Target-Version"));
    }

    @Test
    public void aSwapOfASignedBaseLeavesItsSignatureOut() throws IOException {
        Keys keys = new Keys(folder.newFolder("keys").toPath()).key("vendor", "CN=Greetings Vendor", null, 30);
        Path signed = folder.getRoot().toPath().resolve("signed-greetings.jar");
        Files.write(signed, keys.sign(Files.readAllBytes(base()), "vendor"));
        assertTrue("the base is signed", entries(signed).keySet().contains("META-INF/HOTFIX.SF"));
        Path out = out();

        Fixes.Run run = run("make", "--base", signed.toString(), "--out", out.toString(), fix("new-method").toString());

        assertEquals(run.toString(), 0, run.exit());
        assertTrue(run.out(), run.out().contains("mode: swap (auto)"));
        assertEquals("no signature file is left to fail the changed entries' digests", List.of(),
                entries(out).keySet().stream().filter(HotfixJar::isSignature).toList());
        assertEquals("nor a digest in the manifest", Map.of(), manifest(out).getEntries());
    }

    @Test
    public void aRemovedFieldIsSwapped() {
        Fixes.Run run = make(out(), "field-removed");

        assertEquals(run.toString(), 0, run.exit());
        assertTrue(run.out(), run.out().contains("mode: swap (auto)"));
        assertTrue(run.out(), run.out().contains("removes field served"));
        assertTrue(run.out(), run.out().contains(
                "java.util.function.UnaryOperator (component fixture.greetings.Greetings, no state): swapped"));
    }

    @Test
    public void aNewLambdaIsRefusedForRedefinitionAsTheRuntimeRefusesItSoAutoSwaps() {
        Fixes.Run auto = make(out(), "new-lambda");

        assertEquals(auto.toString(), 0, auto.exit());
        assertTrue(auto.out(), auto.out().contains("mode: swap (auto)"));
        assertTrue(auto.out(), auto.out().contains("adds lambda lambda$greet$2"));

        Path out = folder.getRoot().toPath().resolve("redefine.jar");
        Fixes.Run redefine = make(out, "new-lambda", "--mode", "redefine");

        assertEquals(redefine.toString(), 1, redefine.exit());
        assertTrue(redefine.out(), redefine.out().contains("refused: cannot redefine fixture.greetings in place: "
                + "fixture.greetings.Phrases: adds lambda lambda$greet$2"));
        assertFalse("nothing written", Files.exists(out));
    }

    @Test
    public void aChangedConstantIsSwappedSinceARedefinedClassKeepsItsStaticState() {
        Fixes.Run run = make(out(), "constant-changed");

        assertEquals(run.toString(), 0, run.exit());
        assertTrue(run.out(), run.out().contains("mode: swap (auto): a redefinition would leave part of the change "
                + "out: fixture.greetings.Phrases: the constant PUNCTUATION changes from . to !"));
    }

    @Test
    public void swapCanBeAskedForABodyChange() {
        Path out = out();
        Fixes.Run run = make(out, "body-change", "--mode", "swap");

        assertEquals(run.toString(), 0, run.exit());
        assertTrue(run.out(), run.out().contains("mode: swap, as asked"));
        assertEquals("swap", manifest(out).getMainAttributes().getValue("Hotfix-Mode"));
    }

    @Test
    public void sourcesThatDoNotCompileExitWith2AndJavacsMessage() {
        Path out = out();
        Fixes.Run run = make(out, "does-not-compile");

        assertEquals(run.toString(), 2, run.exit());
        assertTrue(run.err(), run.err().contains("Phrases.java:17: error: cannot find symbol"));
        assertTrue(run.err(), run.err().contains("symbol:   variable nam"));
        assertFalse(Files.exists(out));
    }

    @Test
    public void aClassOutsideTheBasesPackagesIsNoFixOfIt() {
        Fixes.Run run = make(out(), "other-package");

        assertEquals(run.toString(), 2, run.exit());
        assertTrue(run.err(), run.err().contains("the sources declare classes in packages fixture.greetings does not "
                + "contain: fixture.elsewhere.Stranger (package fixture.elsewhere)"));
    }

    @Test
    public void aPackageTheBundleDoesNotImportWouldFailAtRunTime() {
        Fixes.Run run = make(out(), "unimported-package");

        assertEquals(run.toString(), 2, run.exit());
        assertTrue(run.err(), run.err().contains("fixture.greetings.Phrases uses javax.swing.JLabel"));
        assertTrue(run.err(), run.err().contains("NoClassDefFoundError"));
    }

    @Test
    public void aChangedComponentAnnotationWouldNotTakeEffect() {
        Fixes.Run run = make(out(), "annotation-changed");

        assertEquals(run.toString(), 2, run.exit());
        assertTrue(run.err(), run.err().contains(
                "the OSGi annotations of fixture.greetings.Greetings (changed) differ"));
    }

    @Test
    public void aComponentThatImplementsAnotherInterfaceWouldNotProvideIt() {
        Fixes.Run run = make(out(), "interface-added");

        assertEquals(run.toString(), 2, run.exit());
        assertTrue(run.err(), run.err().contains("the OSGi annotations of fixture.greetings.Greetings (changed) differ "
                + "from fixture.greetings's, or the types an annotated class implements"));
    }

    @Test
    public void sourcesThatCompileToWhatTheBaseHasAreNothingToHotfix() {
        Path out = out();
        Fixes.Run same = make(out, "unchanged");
        Fixes.Run moved = make(out, "lines-moved");

        assertEquals(same.toString(), 1, same.exit());
        assertTrue(same.out(), same.out().contains("nothing to hotfix: the sources compile to the very classes"));
        assertEquals(moved.toString(), 1, moved.exit());
        assertTrue(moved.out(), moved.out().contains("nothing to hotfix: every class of the hotfix is identical"));
        assertFalse(Files.exists(out));
    }

    @Test
    public void aMissingBaseIsNamed() {
        Path missing = folder.getRoot().toPath().resolve("economy.jar");
        Fixes.Run run = run("make", "--base", missing.toString(), "--out", out().toString(),
                fix("body-change").toString());

        assertEquals(run.toString(), 2, run.exit());
        assertTrue(run.err(), run.err().contains("no base jar at " + missing));
    }

    @Test
    public void theVersionAndTheRangeCanBeGiven() {
        Path out = out();
        Fixes.Run run = make(out, "body-change", "--version", "1.0.7", "--target-version", "[1.0.0,1.1.0)",
                "--description", "Greet with more enthusiasm");

        assertEquals(run.toString(), 0, run.exit());
        Attributes headers = manifest(out).getMainAttributes();
        assertEquals("1.0.7", headers.getValue("Bundle-Version"));
        assertEquals("[1.0.0,1.1.0)", headers.getValue("Hotfix-Target-Version"));
        assertEquals("Greet with more enthusiasm", headers.getValue("Hotfix-Description"));
    }

    @Test
    public void aVersionNotAboveTheBasesIsRefusedAsTheServerRefusesIt() {
        Path out = out();
        Fixes.Run run = make(out, "body-change", "--version", "0.9.0");

        assertEquals(run.toString(), 1, run.exit());
        assertTrue(run.out(), run.out().contains("refused: the hotfix's version 0.9.0 is not higher than the "
                + "installed fixture.greetings 1.0.0.SNAPSHOT"));
        assertFalse(Files.exists(out));
    }

    @Test
    public void theSameSourcesAndBaseMakeTheSameBytes() throws IOException {
        Path first = out();
        Path second = folder.getRoot().toPath().resolve("again.jar");
        make(first, "new-method");
        make(second, "new-method");

        assertArrayEquals(Files.readAllBytes(first), Files.readAllBytes(second));
    }

    @Test
    public void helpSaysWhatEachCommandDoes() {
        assertEquals(0, run("--help").exit());
        Fixes.Run make = run("make", "--help");
        Fixes.Run plan = run("plan", "--help");

        assertEquals(0, make.exit());
        assertTrue(make.out(), make.out().contains("--mode MODE") && make.out().contains("Exit status"));
        assertEquals(0, plan.exit());
        assertTrue(plan.out(), plan.out().contains("usage: java -jar hotfix-tool.jar plan --base BASE.jar"));
        Fixes.Run unknown = run("make", "--base", base().toString(), "--frobnicate", "x");
        assertEquals(2, unknown.exit());
        assertTrue(unknown.err(), unknown.err().contains("unknown option --frobnicate"));
    }

    private Path out() {
        return folder.getRoot().toPath().resolve("out").resolve("fix.jar");
    }

    /** Runs make on one case of src/test/fixes against the base, with the base's class path. */
    private static Fixes.Run make(Path out, String fix, String... options) {
        String[] args = new String[8 + options.length];
        String[] fixed = {"make", "--base", base().toString(), "--classpath", classpath().toString(), "--out",
                out.toString(), fix(fix).toString()};
        System.arraycopy(fixed, 0, args, 0, fixed.length);
        System.arraycopy(options, 0, args, fixed.length, options.length);
        return run(args);
    }
}
