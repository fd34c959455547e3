package hotfix.shell;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.io.InputStream;
import java.net.URI;
import java.nio.file.Path;
import java.util.List;

import org.junit.Test;

import hotfix.runtime.api.HotfixManager;
import hotfix.runtime.api.HotfixOptions;
import hotfix.runtime.api.HotfixReport;
import hotfix.runtime.api.HotfixStatus;

public class HotfixCommandsTest {

    static final Path WORKING_DIRECTORY = Path.of(System.getProperty("user.dir"));

    @Test
    public void anAbsolutePathIsAFileUri() {
        assertEquals(URI.create("file:///srv/hotfixes/fix.jar"),
                HotfixCommands.toUri("/srv/hotfixes/../hotfixes/fix.jar"));
    }

    @Test
    public void aRelativePathIsResolvedAgainstTheWorkingDirectory() {
        assertEquals(WORKING_DIRECTORY.resolve("hotfixes/fix.jar").toUri(), HotfixCommands.toUri("hotfixes/fix.jar"));
        assertEquals(WORKING_DIRECTORY.resolve("fix.jar").toUri(), HotfixCommands.toUri("./hotfixes/../fix.jar"));
    }

    @Test
    public void aFileUriIsKept() {
        assertEquals(URI.create("file:/srv/fix.jar"), HotfixCommands.toUri("file:/srv/fix.jar"));
    }

    @Test
    public void anHttpUrlIsKept() {
        assertEquals(URI.create("http://repo.example.com/fixes/fix-1.0.1.jar"),
                HotfixCommands.toUri("http://repo.example.com/fixes/fix-1.0.1.jar"));
    }

    @Test
    public void aWindowsDriveIsAPathNotAScheme() {
        URI uri = HotfixCommands.toUri("C:\\x");
        assertEquals("file", uri.getScheme());
        assertEquals(WORKING_DIRECTORY.resolve("C:\\x").toAbsolutePath().toUri(), uri);
    }

    @Test
    public void aTimeoutThatIsNotPositiveIsExplainedAndNothingIsCalled() {
        HotfixCommands commands = new HotfixCommands(new NoManager());

        for (long timeout : new long[] {0, -5}) {
            assertEquals("invalid --timeout " + timeout + ": it is in milliseconds and must be more than 0;"
                    + " nothing was changed", commands.install(false, timeout, "/srv/fix.jar"));
            assertEquals("invalid --timeout " + timeout + ": it is in milliseconds and must be more than 0;"
                    + " nothing was changed", commands.rollback(timeout, 1));
        }
    }

    @Test
    public void aSourceThatIsNeitherAPathNorAUrlIsExplained() {
        String answer = new HotfixCommands(new NoManager()).install(false, 5000, "http://repo example/fix.jar");

        assertTrue(answer, answer.startsWith("invalid source 'http://repo example/fix.jar': neither a path nor a URL"));
        assertTrue(answer, answer.endsWith("nothing was changed"));
    }

    @Test
    public void anUnknownIdIsSaidSo() {
        assertEquals("no hotfix attempt has id 999; see hotfix:history",
                new HotfixCommands(new NoManager()).status(999));
    }

    /** A runtime with no history that fails the test if asked to change anything. */
    private static final class NoManager implements HotfixManager {
        @Override
        public HotfixReport install(URI source, HotfixOptions options) {
            throw new AssertionError("install " + source);
        }

        @Override
        public HotfixReport install(String name, InputStream jar, HotfixOptions options) {
            throw new AssertionError("install " + name);
        }

        @Override
        public HotfixReport verify(URI source) {
            throw new AssertionError("verify " + source);
        }

        @Override
        public HotfixReport rollback(long id, HotfixOptions options) {
            throw new AssertionError("rollback " + id);
        }

        @Override
        public List<HotfixReport> list() {
            return List.of();
        }

        @Override
        public List<HotfixReport> history() {
            return List.of();
        }

        @Override
        public HotfixStatus status() {
            return new HotfixStatus(false, 0, "", 0, "", List.of(), false, List.of());
        }
    }
}
