package hotfix.runtime.internal.inspect;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.jar.Manifest;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

import org.junit.Test;

import hotfix.runtime.api.Reason;
import hotfix.runtime.internal.inspect.Jars.RawZip;

/** Hostile jars are refused by {@link InspectedJar#read(byte[])} with the rule they break. */
public class InspectedJarTest {

    @Test
    public void aWellFormedJarIsRead() throws Refusal {
        InspectedJar jar = InspectedJar.read(Jars.valid());

        assertEquals(Jars.TARGET, jar.symbolicName());
        assertEquals("1.0.1", jar.version().toString());
        assertEquals("directories and the manifest are not entries", java.util.List.of(Jars.POINT,
                Jars.BODY_CHANGE), java.util.List.copyOf(jar.names()));
    }

    @Test
    public void aJarWrittenByteByByteIsReadToo() throws Refusal {
        assertEquals(Jars.TARGET, InspectedJar.read(RawZip.hotfix().build()).symbolicName());
    }

    @Test
    public void moreEntriesThanTheLimitAreRefusedBeforeAnyIsUnpacked() {
        Map<String, byte[]> entries = new LinkedHashMap<>();
        for (int i = 0; i <= JarRules.MAX_ENTRIES; i++) {
            entries.put("r/" + i, new byte[0]);
        }
        assertRefused(Reason.UNSAFE_JAR, "10002 entries, more than the 10000", Jars.jar(Jars.manifest(), entries));
    }

    @Test
    public void anEntryThatUnpacksToMoreThanTheLimitIsRefused() throws IOException {
        byte[] bomb = deflated("bomb.bin", JarRules.MAX_ENTRY_BYTES + 1);

        assertRefused(Reason.UNSAFE_JAR, "'bomb.bin' unpacks to 16 MiB, more than the 16 MiB allowed for one entry",
                bomb);
    }

    @Test
    public void anEntryCompressedMoreThanTheRatioIsRefused() throws IOException {
        assertRefused(Reason.UNSAFE_JAR, "more than 100 times its size: a zip bomb", deflated("zeros.bin",
                2 * 1024 * 1024));
    }

    @Test
    public void entriesThatTogetherUnpackToMoreThanTheLimitAreRefused() {
        Map<String, byte[]> entries = new LinkedHashMap<>();
        for (int i = 0; i < 5; i++) {
            entries.put("big" + i + ".bin", new byte[16]);
        }
        // the index's word is taken before unpacking: 5 x 15 MiB declared
        byte[] bytes = Jars.jar(Jars.manifest(), entries);
        for (int i = 0; i < 5; i++) {
            bytes = declareSize(bytes, "big" + i + ".bin", 15 * 1024 * 1024);
        }
        assertRefused(Reason.UNSAFE_JAR, "unpacks to more than the 64 MiB allowed", bytes);
    }

    @Test
    public void aStoredEntryThatDeclaresMoreThanItHoldsIsRefused() {
        byte[] lying = RawZip.hotfix().add("data.bin", new byte[10]).declare(4096).build();

        assertRefused(Reason.UNSAFE_JAR, "'data.bin' declares 4096 bytes unpacked but holds 10", lying);
    }

    @Test
    public void anEntryThatUnpacksToMoreThanItsIndexDeclaresIsRefused() throws IOException {
        byte[] lying = declareSize(deflated("data.bin", 4096), "data.bin", 10);

        assertRefused(Reason.UNSAFE_JAR, "'data.bin' unpacks to other bytes than its index declares", lying);
    }

    @Test
    public void aStoredEntryThatHoldsMoreThanItsIndexDeclaresIsRefused() {
        byte[] lying = RawZip.hotfix().add("data.bin", new byte[4096]).declare(10).build();

        assertRefused(Reason.UNSAFE_JAR, "'data.bin' declares 10 bytes unpacked but holds 4096", lying);
    }

    @Test
    public void entriesOutsideTheJarAreRefused() {
        assertRefused(Reason.UNSAFE_JAR, "'../../evil.class' has a '..' in its path",
                RawZip.hotfix().add("../../evil.class", new byte[1]).build());
        assertRefused(Reason.UNSAFE_JAR, "'a/../../b' has a '..'", RawZip.hotfix().add("a/../../b", new byte[1])
                .build());
        assertRefused(Reason.UNSAFE_JAR, "'/etc/passwd' is an absolute path",
                RawZip.hotfix().add("/etc/passwd", new byte[1]).build());
        assertRefused(Reason.UNSAFE_JAR, "'C:/x.dll' is an absolute path",
                RawZip.hotfix().add("C:/x.dll", new byte[1]).build());
        assertRefused(Reason.UNSAFE_JAR, "has a backslash in its name",
                RawZip.hotfix().add("a\\..\\..\\b", new byte[1]).build());
        assertRefused(Reason.UNSAFE_JAR, "has a '.' in its path", RawZip.hotfix().add("a/./b", new byte[1]).build());
        assertRefused(Reason.UNSAFE_JAR, "empty segment", RawZip.hotfix().add("a//b", new byte[1]).build());
        assertRefused(Reason.UNSAFE_JAR, "control character", RawZip.hotfix().add("a\u0000b", new byte[1]).build());
    }

    @Test
    public void anEntryTwiceIsRefused() {
        assertRefused(Reason.UNSAFE_JAR, "the entry 'fixtures/redefine/v1/Point.class' twice",
                RawZip.hotfix().add(Jars.POINT, Jars.resource(Jars.BODY_CHANGE)).build());
        assertRefused(Reason.UNSAFE_JAR, "differ only in case",
                RawZip.hotfix().add("meta-inf/manifest.mf", new byte[1]).build());
    }

    @Test
    public void anEntryTheIndexHidesIsRefused() {
        // a stream reader sees the second class; the framework, reading the index, never would
        byte[] hidden = RawZip.hotfix().add(Jars.BODY_CHANGE, Jars.BODY_CHANGE, Jars.resource(Jars.BODY_CHANGE),
                false).build();

        assertRefused(Reason.UNSAFE_JAR, "agree", hidden);
    }

    @Test
    public void anIndexThatNamesAnotherEntryThanTheFileHoldsIsRefused() {
        byte[] renamed = RawZip.hotfix().add("a/Good.txt", "a/Evil.txt", new byte[3], true).build();

        assertRefused(Reason.UNSAFE_JAR, "'a/Evil.txt' where the file holds another", renamed);
    }

    @Test
    public void twoIndexRecordsForOneEntryAreRefused() {
        byte[] aliased = RawZip.hotfix().alias(1, "fixtures/redefine/v1/Other.class").build();

        assertRefused(Reason.UNSAFE_JAR, "overlap", aliased);
    }

    @Test
    public void bytesBeforeTheFirstEntryOrAfterTheEndAreRefused() {
        assertRefused(Reason.UNSAFE_JAR, "7 bytes before its first entry",
                RawZip.hotfix().prefix("#!/bin/".getBytes()).build());
        byte[] valid = Jars.valid();
        byte[] appended = Arrays.copyOf(valid, valid.length + 5);
        assertRefused(Reason.UNREADABLE, "not a jar", appended);
    }

    @Test
    public void aTruncatedJarOrNoJarIsUnreadable() {
        byte[] valid = Jars.valid();
        assertRefused(Reason.UNREADABLE, "not a jar", Arrays.copyOf(valid, valid.length - 30));
        assertRefused(Reason.UNREADABLE, "not a jar", Arrays.copyOf(valid, valid.length / 2));
        assertRefused(Reason.UNREADABLE, "not a jar", "hello, world".getBytes());
        assertRefused(Reason.UNREADABLE, "not a jar", new byte[0]);
    }

    @Test
    public void aManifestOfMegabytesIsRefused() {
        Manifest manifest = Jars.manifest();
        manifest.getMainAttributes().putValue("X-Padding", "x".repeat(60));
        for (int i = 0; i < 20_000; i++) {
            manifest.getEntries().computeIfAbsent("entry-" + i, name -> new java.util.jar.Attributes())
                    .putValue("X-Padding", "x".repeat(60));
        }
        byte[] big = Jars.jar(manifest, Map.of());

        assertRefused(Reason.UNSAFE_JAR, "its manifest is", big);
        assertRefused(Reason.UNSAFE_JAR, "more than the 256 KiB allowed", big);
    }

    @Test
    public void aClassEntryThatIsNotAClassIsRefused() {
        assertRefused(Reason.INVALID_CLASS, "'a/B.class' is not a class file: it does not begin with 0xCAFEBABE",
                withClass("a/B.class", "not a class".getBytes()));
        byte[] point = Jars.resource(Jars.POINT);
        assertRefused(Reason.INVALID_CLASS, "is not a valid class file",
                withClass(Jars.POINT, Arrays.copyOf(point, point.length / 2)));
        assertRefused(Reason.INVALID_CLASS, "is not a class file", withClass(Jars.POINT, new byte[3]));
    }

    @Test
    public void aClassWhoseConstantPoolIsGarbageIsRefused() {
        byte[] point = Jars.resource(Jars.POINT);
        for (int i = 10; i < point.length; i++) {
            point[i] = (byte) 0xEE;
        }
        assertRefused(Reason.INVALID_CLASS, "is not a valid class file", withClass(Jars.POINT, point));
    }

    @Test
    public void aClassForANewerJavaIsRefused() {
        byte[] point = Jars.resource(Jars.POINT);
        point[6] = 0;
        point[7] = 99;

        assertRefused(Reason.INVALID_CLASS, "is compiled for Java 55, newer than the Java", withClass(Jars.POINT,
                point));
    }

    @Test
    public void aClassWhoseNameDoesNotMatchItsPathIsRefused() {
        assertRefused(Reason.INVALID_CLASS,
                "'evil/Point.class' holds the class fixtures.redefine.v1.Point: a class must be at the path",
                withClass("evil/Point.class", Jars.resource(Jars.POINT)));
    }

    private static byte[] withClass(String path, byte[] bytes) {
        Map<String, byte[]> entries = new LinkedHashMap<>();
        entries.put(path, bytes);
        return Jars.jar(Jars.manifest(), entries);
    }

    private static byte[] deflated(String name, long zeros) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ZipOutputStream out = new ZipOutputStream(bytes)) {
            out.putNextEntry(new ZipEntry(JarRules.MANIFEST));
            out.write(Jars.manifestBytes(Jars.manifest()));
            out.putNextEntry(new ZipEntry(name));
            byte[] block = new byte[64 * 1024];
            for (long left = zeros; left > 0; left -= block.length) {
                out.write(block, 0, (int) Math.min(block.length, left));
            }
        }
        return bytes.toByteArray();
    }

    /** Rewrites the uncompressed size the index gives an entry. */
    private static byte[] declareSize(byte[] zip, String name, int size) {
        byte[] copy = zip.clone();
        byte[] wanted = name.getBytes();
        for (int at = 0; at + 46 < copy.length; at++) {
            if (copy[at] == 'P' && copy[at + 1] == 'K' && copy[at + 2] == 1 && copy[at + 3] == 2
                    && Arrays.equals(copy, at + 46, at + 46 + wanted.length, wanted, 0, wanted.length)) {
                for (int i = 0; i < 4; i++) {
                    copy[at + 24 + i] = (byte) (size >>> 8 * i);
                }
                return copy;
            }
        }
        throw new IllegalArgumentException("no index record for " + name);
    }

    static Refusal assertRefused(Reason reason, String words, byte[] jar) {
        Refusal refusal = assertThrows(Refusal.class, () -> InspectedJar.read(jar));
        assertEquals(refusal.getMessage(), reason, refusal.reason());
        assertTrue("'" + refusal.getMessage() + "' should say '" + words + "'", refusal.getMessage().contains(words));
        return refusal;
    }
}
