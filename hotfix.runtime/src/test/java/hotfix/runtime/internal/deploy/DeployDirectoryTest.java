package hotfix.runtime.internal.deploy;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static org.junit.Assume.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Optional;

import org.junit.Before;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

public class DeployDirectoryTest {

    @Rule
    public TemporaryFolder folder = new TemporaryFolder();

    Path root;

    @Before
    public void posix() {
        root = folder.getRoot().toPath().toAbsolutePath();
        assumeTrue("POSIX permissions", root.getFileSystem().supportedFileAttributeViews().contains("posix"));
    }

    @Test
    public void aMissingDirectoryIsCreatedReadableByItsGroupAndWritableByItsOwnerOnly() throws IOException {
        Path deploy = root.resolve("hotfix").resolve("deploy");

        assertEquals(Optional.empty(), DeployDirectory.create(deploy));

        assertTrue(Files.isDirectory(deploy));
        assertEquals("rwxr-x---", PosixFilePermissions.toString(Files.getPosixFilePermissions(deploy)));
        assertEquals(Optional.empty(), DeployDirectory.check(deploy));
    }

    @Test
    public void anExistingDirectoryKeepsItsPermissions() throws IOException {
        Path deploy = Files.createDirectory(root.resolve("deploy"));
        Files.setPosixFilePermissions(deploy, PosixFilePermissions.fromString("rwxrwxr-x"));

        assertEquals(Optional.empty(), DeployDirectory.create(deploy));

        assertEquals("rwxrwxr-x", PosixFilePermissions.toString(Files.getPosixFilePermissions(deploy)));
        assertEquals("group-writable is the owner's choice", Optional.empty(), DeployDirectory.check(deploy));
    }

    @Test
    public void aWorldWritableDirectoryIsRefusedWithTheFix() throws IOException {
        Path deploy = Files.createDirectory(root.resolve("deploy"));
        Files.setPosixFilePermissions(deploy, PosixFilePermissions.fromString("rwxrwxrwx"));

        assertEquals(Optional.of("refusing to watch " + deploy + ": it is world-writable (mode rwxrwxrwx): anyone on"
                + " this machine could push code into the server; chmod o-w " + deploy), DeployDirectory.check(deploy));

        Files.setPosixFilePermissions(deploy, PosixFilePermissions.fromString("rwx---rwx"));
        assertTrue(DeployDirectory.check(deploy).orElseThrow().contains("(mode rwx---rwx)"));
    }

    @Test
    public void aFileIsRefused() throws IOException {
        Path file = Files.writeString(root.resolve("deploy"), "not a directory");

        assertEquals(Optional.of("refusing to watch " + file + ": it is not a directory; point hotfix.deploy.dir at a"
                + " directory"), DeployDirectory.check(file));
        assertTrue(DeployDirectory.create(file).isEmpty());
    }

    @Test
    public void aDirectoryThatCannotBeCreatedSaysSo() throws IOException {
        Path file = Files.writeString(root.resolve("hotfix"), "a file where a folder should be");

        String problem = DeployDirectory.create(file.resolve("deploy")).orElseThrow();

        assertTrue(problem, problem.startsWith("cannot create the deploy directory " + file.resolve("deploy") + ": "));
        assertTrue(problem, problem.endsWith("point hotfix.deploy.dir at another directory"));
    }
}
