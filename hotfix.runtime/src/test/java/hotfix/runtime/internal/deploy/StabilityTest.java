package hotfix.runtime.internal.deploy;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertNull;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.attribute.FileTime;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

import org.junit.Test;

import hotfix.runtime.internal.deploy.Stability.Seen;

public class StabilityTest {

    final Stability stability = new Stability();

    @Test
    public void aFileIsStableWhenTwoPollsSeeTheSameSizeAndTime() {
        assertEquals(List.of(), stability.observe(Map.of("a.jar", seen(10, 1))));
        assertEquals(List.of("a.jar"), stability.observe(Map.of("a.jar", seen(10, 1))));
    }

    @Test
    public void aFileThatGrowsOrIsTouchedBetweenPollsIsNotStable() {
        stability.observe(Map.of("a.jar", seen(10, 1)));
        assertEquals(List.of(), stability.observe(Map.of("a.jar", seen(20, 1))));
        assertEquals(List.of(), stability.observe(Map.of("a.jar", seen(20, 2))));
        assertEquals(List.of("a.jar"), stability.observe(Map.of("a.jar", seen(20, 2))));
    }

    @Test
    public void aSettledFileIsOfferedAgainOnlyAfterItChanges() {
        stability.observe(Map.of("a.jar", seen(10, 1)));
        stability.observe(Map.of("a.jar", seen(10, 1)));
        stability.settle("a.jar");

        assertEquals(List.of(), stability.observe(Map.of("a.jar", seen(10, 1))));
        assertEquals(List.of(), stability.observe(Map.of("a.jar", seen(10, 2))));
        assertEquals(List.of("a.jar"), stability.observe(Map.of("a.jar", seen(10, 2))));
    }

    @Test
    public void aFileThatIsGoneIsForgotten() {
        stability.observe(Map.of("a.jar", seen(10, 1)));
        stability.observe(Map.of());
        assertEquals("seen once since it came back", List.of(), stability.observe(Map.of("a.jar", seen(10, 1))));
    }

    @Test
    public void stableFilesAreOfferedInNameOrder() {
        Map<String, Seen> files = Map.of("b.jar", seen(1, 1), "a.jar", seen(1, 1), "c.jar", seen(1, 1));
        stability.observe(files);
        assertEquals(List.of("a.jar", "b.jar", "c.jar"), stability.observe(files));
    }

    @Test
    public void aZipIsCompleteOnlyWithItsEndRecord() throws IOException {
        byte[] zip = zip("");
        assertNull(Stability.incomplete(zip));
        for (int length : new int[] {1, 3, 4, 30, zip.length / 2, zip.length - 1}) {
            assertNotNull("cut at " + length, Stability.incomplete(Arrays.copyOf(zip, length)));
        }
    }

    @Test
    public void aZipWithACommentIsComplete() throws IOException {
        byte[] zip = zip("built by hand, PK\u0005\u0006 in the comment");
        assertNull(Stability.incomplete(zip));
        assertNotNull(Stability.incomplete(Arrays.copyOf(zip, zip.length - 3)));
    }

    @Test
    public void anEmptyFileWaitsAndAFileThatIsNoZipGoesToThePipeline() {
        assertEquals("empty", Stability.incomplete(new byte[0]));
        assertNull(Stability.incomplete("not a jar at all\n".getBytes(StandardCharsets.UTF_8)));
    }

    private static Seen seen(long size, long time) {
        return new Seen(size, FileTime.fromMillis(time));
    }

    private static byte[] zip(String comment) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ZipOutputStream out = new ZipOutputStream(bytes)) {
            out.setComment(comment);
            for (int i = 0; i < 3; i++) {
                out.putNextEntry(new ZipEntry("entry" + i + ".txt"));
                out.write(("entry " + i + " ").repeat(200).getBytes(StandardCharsets.UTF_8));
                out.closeEntry();
            }
        }
        return bytes.toByteArray();
    }
}
