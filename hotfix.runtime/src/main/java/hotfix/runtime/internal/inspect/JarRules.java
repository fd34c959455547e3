package hotfix.runtime.internal.inspect;

import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.objectweb.asm.ClassReader;
import org.objectweb.asm.tree.ClassNode;

import hotfix.runtime.api.Reason;

/**
 * The rules a hotfix jar must keep before inspect looks at what it means: limits that keep a zip
 * bomb from exhausting the server, entry names that stay inside the jar, one entry per name, and
 * class files that are class files at the path of their name. Each refusal says which rule and
 * what to do. The limits are far above what a hotfix needs: a hotfix is a bundle of a few classes.
 */
public final class JarRules {

    static final int MIB = 1024 * 1024;

    /** Entries in one jar: a bomb of many tiny entries stops here. */
    static final int MAX_ENTRIES = 10_000;
    /**
     * What a jar may weigh, read whole, and what all its entries may unpack to: inspect holds all
     * of it in memory at once, packed and unpacked.
     */
    public static final int MAX_JAR_BYTES = 64 * MIB;
    /** What one entry may unpack to: the largest class file is a few hundred KiB. */
    static final long MAX_ENTRY_BYTES = 16 * MIB;
    /**
     * The manifest: a bundle's headers fill a few KiB, a signed jar's adds some 100 bytes per
     * entry; parsed whole before anything else, so it has a limit of its own.
     */
    static final long MAX_MANIFEST_BYTES = 256 * 1024;
    /** Deflate shrinks class files 2 to 5 times and text some 20 times; a bomb's zeros a thousand. */
    static final long MAX_RATIO = 100;
    /** Entries smaller than this unpack to little whatever their ratio: the ratio is not checked. */
    static final long RATIO_FLOOR = MIB;

    static final String MANIFEST = "META-INF/MANIFEST.MF";
    private static final String VERSIONS = "META-INF/versions/";
    private static final int CLASS_MAGIC = 0xCAFEBABE;
    /** Java 1.0's class file major version is 44 + 1, Java 17's is 61. */
    private static final int MAJOR_OFFSET = 44;

    private JarRules() {
    }

    /** Checks what the index declares, before a byte is unpacked. */
    static void checkIndex(List<CentralDirectory.Entry> index) throws Refusal {
        Map<String, String> seen = new HashMap<>();
        long total = 0;
        for (CentralDirectory.Entry entry : index) {
            String name = entry.name();
            checkName(name);
            String before = seen.put(name.toLowerCase(Locale.ROOT), name);
            if (before != null) {
                throw CentralDirectory.unsafe(before.equals(name) ? "it has the entry " + quote(name) + " twice"
                        : "its entries " + quote(before) + " and " + quote(name) + " differ only in case");
            }
            if (entry.directory() && entry.size() != 0) {
                throw CentralDirectory.unsafe("its directory entry " + quote(name) + " has content");
            }
            if (entry.size() > MAX_ENTRY_BYTES) {
                throw CentralDirectory.unsafe("its entry " + quote(name) + " unpacks to " + mib(entry.size())
                        + ", more than the " + mib(MAX_ENTRY_BYTES) + " allowed for one entry");
            }
            total += entry.size();
            if (total > MAX_JAR_BYTES) {
                throw CentralDirectory.unsafe("it unpacks to more than the " + mib(MAX_JAR_BYTES) + " allowed");
            }
        }
        for (CentralDirectory.Entry entry : index) {
            String name = entry.name();
            if (!entry.deflated() && entry.size() != entry.compressedSize()) {
                throw CentralDirectory.unsafe("its stored entry " + quote(name) + " declares " + entry.size()
                        + " bytes unpacked but holds " + entry.compressedSize());
            }
            if (entry.size() > RATIO_FLOOR && entry.size() > MAX_RATIO * entry.compressedSize()) {
                throw CentralDirectory.unsafe("its entry " + quote(name) + " unpacks to " + mib(entry.size())
                        + " from " + entry.compressedSize() + " bytes, more than " + MAX_RATIO
                        + " times its size: a zip bomb, or data that has no place in a hotfix");
            }
            if (name.equalsIgnoreCase(MANIFEST) && entry.size() > MAX_MANIFEST_BYTES) {
                throw CentralDirectory.unsafe("its manifest is " + entry.size() / 1024 + " KiB, more than the "
                        + MAX_MANIFEST_BYTES / 1024 + " KiB allowed: a bundle's headers fill a few KiB");
            }
        }
    }

    /** An entry's name must stay inside the jar wherever it is unpacked or looked up. */
    static void checkName(String name) throws Refusal {
        if (name.isEmpty()) {
            throw CentralDirectory.unsafe("it has an entry with an empty name");
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c < 0x20 || c == 0x7F) {
                throw CentralDirectory.unsafe("its entry " + quote(name) + " has a control character in its name");
            }
        }
        if (name.indexOf('\\') >= 0) {
            throw CentralDirectory.unsafe("its entry " + quote(name) + " has a backslash in its name: a jar's paths"
                    + " use '/', and on Windows '\\' could lead out of the jar");
        }
        if (name.startsWith("/") || name.length() > 1 && name.charAt(1) == ':') {
            throw CentralDirectory.unsafe("its entry " + quote(name) + " is an absolute path: a jar's paths are"
                    + " relative to the jar");
        }
        String[] segments = name.split("/", -1);
        for (int i = 0; i < segments.length; i++) {
            String segment = segments[i];
            if (segment.equals("..") || segment.equals(".")) {
                throw CentralDirectory.unsafe("its entry " + quote(name) + " has a '" + segment + "' in its path,"
                        + " which could lead out of the jar");
            }
            if (segment.isEmpty() && i < segments.length - 1) {
                throw CentralDirectory.unsafe("its entry " + quote(name) + " has an empty segment ('//') in its path");
            }
        }
    }

    /**
     * A {@code .class} entry must be a class file that ASM can read, for a Java this server
     * runs, and declare the class its path names; anything else would fail only later, in the
     * framework, or load as another class than the one inspect diffed.
     */
    static void checkClass(String path, byte[] bytes) throws Refusal {
        String relative = path;
        if (path.startsWith(VERSIONS)) {
            int slash = path.indexOf('/', VERSIONS.length());
            relative = slash < 0 ? path : path.substring(slash + 1);
        }
        if (bytes.length < 10 || i32(bytes, 0) != CLASS_MAGIC) {
            throw invalid(quote(path) + " is not a class file: it does not begin with 0xCAFEBABE; a .class entry"
                    + " must hold a compiled class");
        }
        int major = (bytes[6] & 0xFF) << 8 | bytes[7] & 0xFF;
        int runs = Runtime.version().feature();
        if (major - MAJOR_OFFSET > runs) {
            throw invalid(quote(path) + " is compiled for Java " + (major - MAJOR_OFFSET) + ", newer than the Java "
                    + runs + " this server runs: compile the hotfix with --release " + runs);
        }
        ClassReader reader;
        try {
            reader = new ClassReader(bytes);
            reader.accept(new ClassNode(), 0);
        } catch (RuntimeException | StackOverflowError e) {
            throw invalid(quote(path) + " is not a valid class file (truncated or damaged: " + e
                    + "); rebuild the hotfix");
        }
        String declared = reader.getClassName();
        if (!(declared + ".class").equals(relative)) {
            throw invalid(quote(path) + " holds the class " + declared.replace('/', '.') + ": a class must be at"
                    + " the path of its name, " + declared + ".class, or it loads as another class than the one"
                    + " inspected");
        }
    }

    /** @return a name fit for a message: quoted, shortened, control characters escaped */
    static String quote(String name) {
        StringBuilder out = new StringBuilder("'");
        for (int i = 0; i < name.length() && i < 200; i++) {
            char c = name.charAt(i);
            out.append(c < 0x20 || c == 0x7F ? String.format("\\u%04x", (int) c) : String.valueOf(c));
        }
        return out.append(name.length() > 200 ? "...'" : "'").toString();
    }

    private static String mib(long bytes) {
        return bytes >= MIB ? bytes / MIB + " MiB" : bytes + " bytes";
    }

    private static int i32(byte[] b, int at) {
        return (b[at] & 0xFF) << 24 | (b[at + 1] & 0xFF) << 16 | (b[at + 2] & 0xFF) << 8 | b[at + 3] & 0xFF;
    }

    private static Refusal invalid(String why) {
        return new Refusal(Reason.INVALID_CLASS, why);
    }
}
