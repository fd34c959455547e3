package hotfix.runtime.internal.inspect;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.jar.Attributes;
import java.util.jar.Manifest;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;

import org.osgi.framework.Constants;
import org.osgi.framework.Version;
import org.osgi.framework.VersionRange;

import hotfix.runtime.api.HotfixHeaders;
import hotfix.runtime.api.Mode;
import hotfix.runtime.api.Reason;

/**
 * A hotfix jar as inspection accepted it: within the limits and rules of {@link JarRules}, its
 * index and its entries in agreement, its class files class files, and its signature (if it has
 * one) covering every entry ({@link #signers()}). Immutable: what the pipeline plans from is
 * exactly what the framework installs. Reading it touches nothing in the framework.
 */
public final class InspectedJar {

    private final byte[] bytes;
    private final String symbolicName;
    private final Version version;
    private final Map<String, String> headers;
    private final Map<String, byte[]> entries;
    /** Verified on first use, as inspect asks for it after naming the target in its report. */
    private List<Signer> signers;

    private InspectedJar(byte[] bytes, String symbolicName, Version version, Attributes headers,
            Map<String, byte[]> entries) {
        this.bytes = bytes;
        this.symbolicName = symbolicName;
        this.version = version;
        Map<String, String> named = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        headers.forEach((key, value) -> named.put(key.toString(), value.toString()));
        this.headers = Collections.unmodifiableMap(named);
        this.entries = Collections.unmodifiableMap(entries);
    }

    /**
     * Reads a jar, refusing it unless it keeps {@link JarRules}: its index is checked before a
     * byte is unpacked, every entry is unpacked within the limits the index declared, and the
     * entries read in sequence must be those of the index, in the same order.
     *
     * @param bytes the jar; kept, not copied: the caller hands it over
     * @throws Refusal UNREADABLE, UNSAFE_JAR, NOT_A_BUNDLE or INVALID_CLASS
     */
    public static InspectedJar read(byte[] bytes) throws Refusal {
        List<CentralDirectory.Entry> index = CentralDirectory.read(bytes);
        JarRules.checkIndex(index);
        Map<String, byte[]> entries = new LinkedHashMap<>();
        byte[] manifestBytes = null;
        int read = 0;
        try (ZipInputStream in = new ZipInputStream(new ByteArrayInputStream(bytes))) {
            for (ZipEntry entry = in.getNextEntry(); entry != null; entry = in.getNextEntry(), read++) {
                CentralDirectory.Entry declared = read < index.size() ? index.get(read) : null;
                if (declared == null || !declared.name().equals(entry.getName())) {
                    throw CentralDirectory.unsafe("its entries and its index disagree at "
                            + JarRules.quote(entry.getName()) + ": the framework would install another jar than"
                            + " the one inspected");
                }
                // the index's sizes were checked against the limits: reading one byte more is bounded
                byte[] content = in.readNBytes((int) declared.size() + 1);
                CRC32 crc = new CRC32();
                crc.update(content);
                if (content.length != declared.size() || crc.getValue() != declared.crc()) {
                    throw CentralDirectory.unsafe("its entry " + JarRules.quote(entry.getName())
                            + " unpacks to other bytes than its index declares");
                }
                if (entry.isDirectory()) {
                    continue;
                }
                if (entry.getName().equalsIgnoreCase(JarRules.MANIFEST)) {
                    manifestBytes = content;
                } else {
                    entries.put(entry.getName(), content);
                }
            }
        } catch (IOException | RuntimeException e) {
            throw new Refusal(Reason.UNREADABLE, "not a readable jar: " + e.getMessage());
        }
        if (read != index.size()) {
            throw CentralDirectory.unsafe("its index lists " + index.size() + " entries but only " + read
                    + " can be read in sequence: some are hidden or damaged");
        }
        if (index.isEmpty()) {
            throw new Refusal(Reason.UNREADABLE, "not a jar: it has no entries");
        }
        if (manifestBytes == null) {
            throw new Refusal(Reason.NOT_A_BUNDLE, "the jar has no META-INF/MANIFEST.MF");
        }
        Manifest manifest;
        try {
            manifest = new Manifest(new ByteArrayInputStream(manifestBytes));
        } catch (IOException | RuntimeException e) {
            throw new Refusal(Reason.NOT_A_BUNDLE, "the jar's manifest cannot be read: " + e.getMessage());
        }
        for (Map.Entry<String, byte[]> entry : entries.entrySet()) {
            if (entry.getKey().endsWith(".class")) {
                JarRules.checkClass(entry.getKey(), entry.getValue());
            }
        }
        Attributes headers = manifest.getMainAttributes();
        String name = headers.getValue(Constants.BUNDLE_SYMBOLICNAME);
        if (name == null || name.isBlank()) {
            throw new Refusal(Reason.NOT_A_BUNDLE,
                    "the manifest has no Bundle-SymbolicName: a hotfix names the bundle it fixes there");
        }
        name = name.split(";", 2)[0].trim();
        Version version;
        try {
            version = Version.parseVersion(headers.getValue(Constants.BUNDLE_VERSION));
        } catch (IllegalArgumentException e) {
            throw new Refusal(Reason.NOT_A_BUNDLE, "the manifest's Bundle-Version is not a version: " + e.getMessage());
        }
        return new InspectedJar(bytes, name, version, headers, entries);
    }

    /** @return the bundle the hotfix names as its target: its {@code Bundle-SymbolicName}, without attributes */
    public String symbolicName() {
        return symbolicName;
    }

    /** @return its {@code Bundle-Version} */
    public Version version() {
        return version;
    }

    /** @return a main header of its manifest, the name in any case; null if it has none */
    public String header(String name) {
        return headers.get(name);
    }

    /** @return the names of its entries, the manifest and directories aside, in the jar's order */
    public Set<String> names() {
        return entries.keySet();
    }

    /** @return a copy of an entry's content; null if the jar has no such entry */
    public byte[] entry(String name) {
        byte[] content = entries.get(name);
        return content == null ? null : content.clone();
    }

    /** @return whether an entry holds exactly these bytes */
    public boolean entryEquals(String name, byte[] other) {
        return Arrays.equals(entries.get(name), other);
    }

    /** @return the jar as inspected, to install */
    public InputStream open() {
        return new ByteArrayInputStream(bytes);
    }

    /**
     * Reads a jar from a stream, to its end, within {@link JarRules#MAX_JAR_BYTES}.
     *
     * @throws IOException if it cannot be read, or is larger
     */
    public static byte[] readLimited(InputStream in) throws IOException {
        byte[] bytes = in.readNBytes(JarRules.MAX_JAR_BYTES + 1);
        if (bytes.length > JarRules.MAX_JAR_BYTES) {
            throw new IOException("larger than " + JarRules.MAX_JAR_BYTES / JarRules.MIB + " MiB");
        }
        return bytes;
    }

    /**
     * @return the signers, their chains and timestamps, that signed every entry; empty if it is
     *         not signed
     * @throws Refusal SIGNATURE_INVALID if it is signed but the signature does not cover it as it is
     */
    public synchronized List<Signer> signers() throws Refusal {
        if (signers == null) {
            signers = List.copyOf(Signatures.signers(bytes, entries.keySet()));
        }
        return signers;
    }

    /**
     * @return the subject of the certificate that signed every entry, trusted or not; empty if it
     *         is not signed
     * @throws Refusal SIGNATURE_INVALID if it is signed but the signature does not cover it as it is
     */
    public String signer() throws Refusal {
        List<Signer> all = signers();
        return all.isEmpty() ? "" : all.get(0).subject();
    }

    /** @return its {@link HotfixHeaders#MODE}, {@link Mode#SWAP} if it has none */
    public Mode mode() throws Refusal {
        String value = header(HotfixHeaders.MODE);
        if (value == null || value.isBlank()) {
            return Mode.SWAP;
        }
        for (Mode mode : Mode.values()) {
            if (mode.header().equals(value.trim())) {
                return mode;
            }
        }
        throw new Refusal(Reason.INVALID_HEADER, HotfixHeaders.MODE + ": '" + value
                + "' is not a mode: use 'swap' or 'redefine'");
    }

    /** @return its {@link HotfixHeaders#DESCRIPTION}, trimmed; empty if it has none */
    public String description() {
        String value = header(HotfixHeaders.DESCRIPTION);
        return value == null ? "" : value.trim();
    }

    /**
     * Checks the hotfix may replace a target that runs {@code current}: its version is higher,
     * and {@code current} is in its {@link HotfixHeaders#TARGET_VERSION} if it names one. (A
     * rollback goes back to a lower version by design, and is not checked.)
     *
     * @throws Refusal VERSION_NOT_HIGHER, INVALID_HEADER or TARGET_VERSION_MISMATCH
     */
    public void checkReplaces(Version current) throws Refusal {
        if (version.compareTo(current) <= 0) {
            throw new Refusal(Reason.VERSION_NOT_HIGHER, "the hotfix's version " + version
                    + " is not higher than the installed " + symbolicName + " " + current
                    + ": give the hotfix a higher Bundle-Version");
        }
        String range = header(HotfixHeaders.TARGET_VERSION);
        if (range == null) {
            return;
        }
        VersionRange accepted;
        try {
            accepted = VersionRange.valueOf(unquote(range.trim()));
        } catch (IllegalArgumentException e) {
            throw new Refusal(Reason.INVALID_HEADER,
                    HotfixHeaders.TARGET_VERSION + ": '" + range + "' is not a version range: " + e.getMessage());
        }
        if (!accepted.includes(current)) {
            throw new Refusal(Reason.TARGET_VERSION_MISMATCH, "the hotfix applies to " + symbolicName + " "
                    + accepted + " (" + HotfixHeaders.TARGET_VERSION + "), but " + current + " is installed");
        }
    }

    private static String unquote(String value) {
        return value.length() >= 2 && value.startsWith("\"") && value.endsWith("\"")
                ? value.substring(1, value.length() - 1)
                : value;
    }
}
