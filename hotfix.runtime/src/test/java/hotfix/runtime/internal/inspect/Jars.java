package hotfix.runtime.internal.inspect;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.jar.Attributes;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;

/**
 * Jars for the tests of inspect: a well-formed hotfix of real class files compiled by the build,
 * and, for hostile input, zips written byte by byte.
 */
final class Jars {

    static final String TARGET = "example.target";
    /** A real class, as the build compiled it. */
    static final String POINT = "fixtures/redefine/v1/Point.class";
    static final String BODY_CHANGE = "fixtures/redefine/v1/BodyChange.class";

    private Jars() {
    }

    static Manifest manifest() {
        Manifest manifest = new Manifest();
        Attributes main = manifest.getMainAttributes();
        main.put(Attributes.Name.MANIFEST_VERSION, "1.0");
        main.putValue("Bundle-ManifestVersion", "2");
        main.putValue("Bundle-SymbolicName", TARGET);
        main.putValue("Bundle-Version", "1.0.1");
        return manifest;
    }

    /** @return a hotfix jar of two real classes, as a build writes it */
    static byte[] valid() {
        Map<String, byte[]> entries = new LinkedHashMap<>();
        entries.put("fixtures/", null);
        entries.put("fixtures/redefine/", null);
        entries.put("fixtures/redefine/v1/", null);
        entries.put(POINT, resource(POINT));
        entries.put(BODY_CHANGE, resource(BODY_CHANGE));
        return jar(manifest(), entries);
    }

    /** @return a jar with the manifest and entries given; a {@code null} content makes a directory */
    static byte[] jar(Manifest manifest, Map<String, byte[]> entries) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (JarOutputStream out = new JarOutputStream(bytes, manifest)) {
            for (Map.Entry<String, byte[]> entry : entries.entrySet()) {
                out.putNextEntry(new ZipEntry(entry.getKey()));
                if (entry.getValue() != null) {
                    out.write(entry.getValue());
                }
                out.closeEntry();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    static byte[] resource(String path) {
        try (InputStream in = Jars.class.getClassLoader().getResourceAsStream(path)) {
            if (in == null) {
                throw new IllegalStateException("no " + path + " on the test class path");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static byte[] manifestBytes(Manifest manifest) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            manifest.write(out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    /**
     * A zip written byte by byte, stored entries only, so that a test can make its index and its
     * entries disagree as a crafted jar would.
     */
    static final class RawZip {

        private record Item(byte[] localName, byte[] centralName, byte[] data, boolean listed) {
        }

        private final List<Item> items = new ArrayList<>();
        private final List<int[]> extraRecords = new ArrayList<>();
        private byte[] prefix = new byte[0];
        private long declaredSize = -1;

        /** A proper hotfix's manifest and one real class: the start of most hostile jars. */
        static RawZip hotfix() {
            return new RawZip().add(JarRules.MANIFEST, manifestBytes(manifest())).add(POINT, resource(POINT));
        }

        RawZip add(String name, byte[] data) {
            return add(name, name, data, true);
        }

        /** An entry whose local header and index record give different names, or that the index omits. */
        RawZip add(String localName, String centralName, byte[] data, boolean listed) {
            items.add(new Item(localName.getBytes(StandardCharsets.UTF_8),
                    centralName.getBytes(StandardCharsets.UTF_8), data, listed));
            return this;
        }

        /** A second index record for the entry at this position, under a name of its own. */
        RawZip alias(int position, String name) {
            items.add(new Item(null, name.getBytes(StandardCharsets.UTF_8), null, true));
            extraRecords.add(new int[] {items.size() - 1, position});
            return this;
        }

        RawZip prefix(byte[] bytes) {
            this.prefix = bytes;
            return this;
        }

        /** Makes the index declare this uncompressed size for the last entry, whatever it holds. */
        RawZip declare(long size) {
            this.declaredSize = size;
            return this;
        }

        byte[] build() {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            out.writeBytes(prefix);
            long[] offsets = new long[items.size()];
            for (int i = 0; i < items.size(); i++) {
                Item item = items.get(i);
                if (item.localName() == null) {
                    continue;
                }
                offsets[i] = out.size();
                int crc = crc(item.data());
                le32(out, 0x04034b50);
                le16(out, 10);
                le16(out, 0x800);
                le16(out, 0);
                le32(out, 0);
                le32(out, crc);
                le32(out, item.data().length);
                le32(out, item.data().length);
                le16(out, item.localName().length);
                le16(out, 0);
                out.writeBytes(item.localName());
                out.writeBytes(item.data());
            }
            for (int[] record : extraRecords) {
                offsets[record[0]] = offsets[record[1]];
            }
            int directory = out.size();
            int count = 0;
            for (int i = 0; i < items.size(); i++) {
                Item item = items.get(i);
                if (!item.listed()) {
                    continue;
                }
                Item content = item;
                for (int[] record : extraRecords) {
                    if (record[0] == i) {
                        content = items.get(record[1]);
                    }
                }
                count++;
                long size = i == items.size() - 1 && declaredSize >= 0 ? declaredSize : content.data().length;
                le32(out, 0x02014b50);
                le16(out, 20);
                le16(out, 10);
                le16(out, 0x800);
                le16(out, 0);
                le32(out, 0);
                le32(out, crc(content.data()));
                le32(out, content.data().length);
                le32(out, (int) size);
                le16(out, item.centralName().length);
                le16(out, 0);
                le16(out, 0);
                le16(out, 0);
                le16(out, 0);
                le32(out, 0);
                le32(out, (int) offsets[i]);
                out.writeBytes(item.centralName());
            }
            int size = out.size() - directory;
            le32(out, 0x06054b50);
            le16(out, 0);
            le16(out, 0);
            le16(out, count);
            le16(out, count);
            le32(out, size);
            le32(out, directory);
            le16(out, 0);
            return out.toByteArray();
        }

        private static int crc(byte[] data) {
            CRC32 crc = new CRC32();
            crc.update(data);
            return (int) crc.getValue();
        }

        private static void le16(ByteArrayOutputStream out, int value) {
            out.write(value & 0xFF);
            out.write(value >>> 8 & 0xFF);
        }

        private static void le32(ByteArrayOutputStream out, int value) {
            le16(out, value & 0xFFFF);
            le16(out, value >>> 16 & 0xFFFF);
        }
    }
}
