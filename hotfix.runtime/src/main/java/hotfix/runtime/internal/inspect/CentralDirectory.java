package hotfix.runtime.internal.inspect;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

import hotfix.runtime.api.Reason;

/**
 * A jar's central directory, read from its raw bytes. The framework installs a jar through its
 * central directory; inspect reads it entry by entry from the front. A crafted zip can show the
 * two readers different content (an entry the index hides, two index records for one name, an
 * index record pointing into the middle of another entry), so inspect reads both and
 * {@link InspectedJar#read(byte[])} refuses the jar unless they agree.
 * <p>
 * Only what a hotfix jar needs is accepted: one disk, no zip64, no encryption, entries stored
 * or deflated, nothing before the first entry and nothing after the end record.
 */
final class CentralDirectory {

    private static final int LOCAL_HEADER = 0x04034b50;
    private static final int CENTRAL_HEADER = 0x02014b50;
    private static final int END_RECORD = 0x06054b50;
    private static final int END_RECORD_SIZE = 22;
    private static final int CENTRAL_HEADER_SIZE = 46;
    private static final int LOCAL_HEADER_SIZE = 30;
    private static final int MAX_COMMENT = 0xFFFF;
    private static final int STORED = 0;
    private static final int DEFLATED = 8;
    private static final int FLAG_ENCRYPTED = 1;
    private static final int FLAG_DESCRIPTOR = 1 << 3;

    /** One record of the index: what the framework will see of an entry. */
    record Entry(String name, int method, long crc, long compressedSize, long size, long offset) {
        boolean deflated() {
            return method == DEFLATED;
        }

        boolean directory() {
            return name.endsWith("/");
        }
    }

    private CentralDirectory() {
    }

    /**
     * @return the index's records in the order of their entries in the file
     * @throws Refusal UNREADABLE if the bytes are no complete zip, UNSAFE_JAR if the zip breaks a
     *                 rule of {@link JarRules}
     */
    static List<Entry> read(byte[] zip) throws Refusal {
        try {
            return parse(zip);
        } catch (IndexOutOfBoundsException e) {
            // every read is bounds-checked first; this is the guard should one have been missed
            throw unreadable("its index is damaged: " + e.getMessage());
        }
    }

    private static List<Entry> parse(byte[] zip) throws Refusal {
        int end = endRecord(zip);
        if (u16(zip, end + 4) != 0 || u16(zip, end + 6) != 0 || u16(zip, end + 8) != u16(zip, end + 10)) {
            throw unsafe("it spans several disks: a hotfix is one jar");
        }
        int count = u16(zip, end + 10);
        long size = u32(zip, end + 12);
        long offset = u32(zip, end + 16);
        if (count == 0xFFFF || size == 0xFFFFFFFFL || offset == 0xFFFFFFFFL) {
            throw unsafe("it is a zip64 archive: a hotfix jar is far smaller than 4 GiB and has fewer than "
                    + JarRules.MAX_ENTRIES + " entries; rebuild it as a plain jar");
        }
        if (count > JarRules.MAX_ENTRIES) {
            throw unsafe("it has " + count + " entries, more than the " + JarRules.MAX_ENTRIES + " allowed");
        }
        if (offset + size != end) {
            throw unreadable("its central directory does not end where its end record begins (a truncated or"
                    + " damaged jar, or one with hidden content)");
        }
        List<Entry> entries = new ArrayList<>(count);
        int at = (int) offset;
        for (int i = 0; i < count; i++) {
            if (at + CENTRAL_HEADER_SIZE > end || i32(zip, at) != CENTRAL_HEADER) {
                throw unreadable("its central directory is damaged at record " + (i + 1) + " of " + count);
            }
            int flags = u16(zip, at + 8);
            int method = u16(zip, at + 10);
            int nameLength = u16(zip, at + 28);
            int next = at + CENTRAL_HEADER_SIZE + nameLength + u16(zip, at + 30) + u16(zip, at + 32);
            if (next > end) {
                throw unreadable("its central directory is damaged at record " + (i + 1) + " of " + count);
            }
            String name = name(zip, at + CENTRAL_HEADER_SIZE, nameLength);
            if ((flags & FLAG_ENCRYPTED) != 0) {
                throw unsafe("its entry " + JarRules.quote(name) + " is encrypted");
            }
            if (method != STORED && method != DEFLATED) {
                throw unsafe("its entry " + JarRules.quote(name) + " uses compression method " + method
                        + ": only stored and deflated entries are accepted");
            }
            if (u16(zip, at + 34) != 0) {
                throw unsafe("it spans several disks: a hotfix is one jar");
            }
            entries.add(new Entry(name, method, u32(zip, at + 16), u32(zip, at + 20), u32(zip, at + 24),
                    u32(zip, at + 42)));
            at = next;
        }
        if (at != end) {
            throw unreadable("its central directory has bytes its end record does not count");
        }
        entries.sort(Comparator.comparingLong(Entry::offset));
        checkLocalHeaders(zip, entries, offset);
        return entries;
    }

    /** Every record points at a local header of the same name, and no two entries overlap. */
    private static void checkLocalHeaders(byte[] zip, List<Entry> entries, long directory) throws Refusal {
        long expected = 0;
        for (int i = 0; i < entries.size(); i++) {
            Entry entry = entries.get(i);
            if (entry.offset() < expected) {
                throw unsafe("its index points twice into the same bytes, at the entry "
                        + JarRules.quote(entry.name()) + ": its entries overlap");
            }
            if (i == 0 && entry.offset() != 0) {
                throw unsafe("it has " + entry.offset() + " bytes before its first entry");
            }
            if (entry.offset() + LOCAL_HEADER_SIZE > directory) {
                throw unreadable("its index points at no entry for " + JarRules.quote(entry.name()));
            }
            int at = (int) entry.offset();
            if (i32(zip, at) != LOCAL_HEADER) {
                throw unreadable("its index points at no entry for " + JarRules.quote(entry.name()));
            }
            int nameLength = u16(zip, at + 26);
            long data = (long) at + LOCAL_HEADER_SIZE + nameLength + u16(zip, at + 28);
            if (data > directory) {
                throw unreadable("its entry " + JarRules.quote(entry.name()) + " runs into its central directory"
                        + " (a truncated or damaged jar)");
            }
            if (!sameName(zip, at + LOCAL_HEADER_SIZE, nameLength, entry.name())) {
                throw unsafe("its index names an entry " + JarRules.quote(entry.name())
                        + " where the file holds another: the framework and inspect would read different jars");
            }
            expected = data + entry.compressedSize();
            if ((u16(zip, at + 6) & FLAG_DESCRIPTOR) != 0) {
                expected += 12; // the smallest data descriptor: crc and both sizes, without a signature
            }
            if (expected > directory) {
                throw unreadable("its entry " + JarRules.quote(entry.name()) + " runs into its central directory"
                        + " (a truncated or damaged jar)");
            }
        }
    }

    private static boolean sameName(byte[] zip, int at, int length, String name) throws Refusal {
        return name(zip, at, length).equals(name);
    }

    private static int endRecord(byte[] zip) throws Refusal {
        int lowest = Math.max(0, zip.length - END_RECORD_SIZE - MAX_COMMENT);
        for (int at = zip.length - END_RECORD_SIZE; at >= lowest; at--) {
            // the record and its comment end the file exactly: anything appended is refused
            if (i32(zip, at) == END_RECORD && at + END_RECORD_SIZE + u16(zip, at + 20) == zip.length) {
                return at;
            }
        }
        throw unreadable("not a jar: it does not end with a zip's end record (not a zip, a truncated copy, or"
                + " bytes appended after its end)");
    }

    private static String name(byte[] zip, int at, int length) throws Refusal {
        try {
            CharBuffer name = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(zip, at, length));
            return name.toString();
        } catch (CharacterCodingException e) {
            throw unsafe("an entry's name is not valid UTF-8");
        }
    }

    private static int u16(byte[] b, int at) {
        return (b[at] & 0xFF) | (b[at + 1] & 0xFF) << 8;
    }

    private static long u32(byte[] b, int at) {
        return i32(b, at) & 0xFFFFFFFFL;
    }

    private static int i32(byte[] b, int at) {
        return (b[at] & 0xFF) | (b[at + 1] & 0xFF) << 8 | (b[at + 2] & 0xFF) << 16 | (b[at + 3] & 0xFF) << 24;
    }

    static Refusal unreadable(String why) {
        return new Refusal(Reason.UNREADABLE, why.startsWith("not a jar") ? why : "not a readable jar: " + why);
    }

    static Refusal unsafe(String why) {
        return new Refusal(Reason.UNSAFE_JAR, "the jar is refused because " + why);
    }
}
