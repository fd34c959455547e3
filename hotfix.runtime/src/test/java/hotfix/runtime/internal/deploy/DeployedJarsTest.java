package hotfix.runtime.internal.deploy;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

import hotfix.runtime.internal.deploy.DeployedJars.Entry;

public class DeployedJarsTest {

    @Rule
    public TemporaryFolder folder = new TemporaryFolder();

    @Test
    public void theRecordComesBackAsItWasStored() throws IOException {
        Path file = folder.getRoot().toPath().resolve("data").resolve("deploy-state.properties");
        DeployedJars jars = new DeployedJars(file);
        jars.directory("/srv/game/hotfix/deploy");
        jars.entries().put("shop-overflow-fix.jar", new Entry("ab".repeat(32), 7, ""));
        jars.entries().put("odd name = é: #1.jar", new Entry("cd".repeat(32), 0,
                "refused: 0.9.0 is not higher than 1.0.0.SNAPSHOT: build a higher version"));
        jars.entries().put("gone.jar", new Entry("", 3, "removed, but hotfix 3 it applied stays: ..."));
        jars.store();

        DeployedJars read = new DeployedJars(file);
        read.load();

        assertEquals("/srv/game/hotfix/deploy", read.directory());
        assertEquals(Map.copyOf(jars.entries()), Map.copyOf(read.entries()));
        assertTrue(read.entries().get("gone.jar").gone());
        assertFalse(read.entries().get("shop-overflow-fix.jar").gone());
        try (var files = Files.list(file.getParent())) {
            assertEquals("no temporary file is left", 1, files.count());
        }
    }

    @Test
    public void storingAgainReplacesTheRecord() throws IOException {
        Path file = folder.getRoot().toPath().resolve("deploy-state.properties");
        DeployedJars jars = new DeployedJars(file);
        jars.entries().put("a.jar", new Entry("ab".repeat(32), 1, ""));
        jars.store();
        jars.entries().remove("a.jar");
        jars.entries().put("b.jar", new Entry("cd".repeat(32), 2, ""));
        jars.store();

        DeployedJars read = new DeployedJars(file);
        read.load();

        assertEquals(Map.of("b.jar", new Entry("cd".repeat(32), 2, "")), read.entries());
    }

    @Test
    public void noFileIsAnEmptyRecord() throws IOException {
        DeployedJars jars = new DeployedJars(folder.getRoot().toPath().resolve("deploy-state.properties"));
        jars.load();

        assertEquals(Map.of(), jars.entries());
        assertEquals("", jars.directory());
    }

    @Test
    public void aDamagedFileIsReportedAndLeavesTheRecordEmpty() throws IOException {
        Path file = folder.getRoot().toPath().resolve("deploy-state.properties");
        Files.writeString(file, "jar.a.jar.sha256=ab\njar.a.jar.hotfix=seven\n");
        DeployedJars jars = new DeployedJars(file);

        try {
            jars.load();
            fail("loaded " + jars.entries());
        } catch (IOException expected) {
            assertTrue(expected.getMessage(), expected.getMessage().contains("seven"));
        }
        assertEquals(Map.of(), jars.entries());
    }
}
