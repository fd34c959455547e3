package hotfix.shell;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertThrows;
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
import hotfix.runtime.api.Outcome;
import hotfix.runtime.api.Reason;

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
    public void aTimeoutThatIsNotPositiveFailsTheCommandAndNothingIsCalled() {
        HotfixCommands commands = new HotfixCommands(new NoManager());

        for (long timeout : new long[] {0, -5}) {
            String expected = "invalid --timeout " + timeout + ": it is in milliseconds and must be more than 0;"
                    + " nothing was changed";
            assertEquals(expected, assertThrows(HotfixCommandException.class,
                    () -> commands.install(false, timeout, false, "/srv/fix.jar")).getMessage());
            assertEquals(expected, assertThrows(HotfixCommandException.class,
                    () -> commands.rollback(timeout, false, 1)).getMessage());
        }
    }

    @Test
    public void aSourceThatIsNeitherAPathNorAUrlFailsTheCommand() {
        String answer = assertThrows(HotfixCommandException.class, () -> new HotfixCommands(new NoManager())
                .install(false, 5000, false, "http://repo example/fix.jar")).getMessage();

        assertTrue(answer, answer.startsWith("invalid source 'http://repo example/fix.jar': neither a path nor a URL"));
        assertTrue(answer, answer.endsWith("nothing was changed"));
    }

    @Test
    public void aRefusedInstallFailsWithTheWholeReportAsItsMessageAndTheReason() throws Exception {
        HotfixReport refused = HotfixReport.builder().id(7).source("file:/srv/fix.jar").outcome(Outcome.REFUSED)
                .reason(Reason.VERSION_NOT_HIGHER).message("refused: the hotfix's version 0.9.0 is not higher")
                .build();
        HotfixCommands commands = new HotfixCommands(new Answering(refused));

        HotfixCommandException failure = assertThrows(HotfixCommandException.class,
                () -> commands.install(false, 5000, false, "/srv/fix.jar"));

        assertEquals(Reports.detail(refused), failure.getMessage());
        assertEquals(Reason.VERSION_NOT_HIGHER, failure.reason());
        assertEquals(refused, failure.report());
        HotfixCommandException asJson = assertThrows(HotfixCommandException.class,
                () -> commands.rollback(5000, true, 3));
        assertEquals(Json.report(refused), asJson.getMessage());
    }

    @Test
    public void anAppliedInstallReturnsTheReportAsTextOrJson() throws Exception {
        HotfixReport applied = HotfixReport.builder().id(8).source("file:/srv/fix.jar").outcome(Outcome.APPLIED)
                .message("applied: example 1.0.0 -> 1.0.1").build();
        HotfixCommands commands = new HotfixCommands(new Answering(applied));

        assertEquals(Reports.detail(applied), commands.install(false, 5000, false, "/srv/fix.jar"));
        assertEquals(Json.report(applied), commands.install(false, 5000, true, "/srv/fix.jar"));
    }

    @Test
    public void anUnknownIdIsSaidSo() {
        assertEquals("no hotfix attempt has id 999; see hotfix:history",
                new HotfixCommands(new NoManager()).status(false, 999));
    }

    /** A runtime that answers every install and rollback with one report. */
    private static final class Answering implements HotfixManager {
        private final HotfixReport answer;

        Answering(HotfixReport answer) {
            this.answer = answer;
        }

        @Override
        public HotfixReport install(URI source, HotfixOptions options) {
            return answer;
        }

        @Override
        public HotfixReport install(String name, InputStream jar, HotfixOptions options) {
            return answer;
        }

        @Override
        public HotfixReport verify(URI source) {
            return answer;
        }

        @Override
        public HotfixReport rollback(long id, HotfixOptions options) {
            return answer;
        }

        @Override
        public List<HotfixReport> list() {
            return List.of(answer);
        }

        @Override
        public List<HotfixReport> history() {
            return List.of(answer);
        }

        @Override
        public HotfixStatus status() {
            return new HotfixStatus(false, 0, "", 1, "", List.of(), false, List.of());
        }
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
