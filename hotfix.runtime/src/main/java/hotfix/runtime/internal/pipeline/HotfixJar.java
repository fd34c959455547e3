package hotfix.runtime.internal.pipeline;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.cert.X509Certificate;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.List;
import java.util.jar.Attributes;
import java.util.jar.Manifest;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;

import org.osgi.framework.Constants;
import org.osgi.framework.Version;

import hotfix.runtime.api.Mode;
import hotfix.runtime.api.Reason;

/**
 * A hotfix jar as read by inspect: its manifest headers and its entries. Reading it touches
 * nothing in the framework.
 */
final class HotfixJar {

    static final String TARGET_VERSION = "Hotfix-Target-Version";
    static final String MODE = "Hotfix-Mode";
    static final String DESCRIPTION = "Hotfix-Description";

    final byte[] bytes;
    final String symbolicName;
    final Version version;
    final Attributes headers;
    final Map<String, byte[]> entries;
    private List<X509Certificate[]> signers;

    private HotfixJar(byte[] bytes, String symbolicName, Version version, Attributes headers,
            Map<String, byte[]> entries) {
        this.bytes = bytes;
        this.symbolicName = symbolicName;
        this.version = version;
        this.headers = headers;
        this.entries = entries;
    }

    static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }

    /**
     * Reads a jar, refusing it unless it keeps {@link JarRules}: its index is checked before a
     * byte is unpacked, every entry is unpacked within the limits the index declared, and the
     * entries read in sequence must be those of the index, in the same order.
     */
    static HotfixJar read(byte[] bytes) throws Refusal {
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
        return new HotfixJar(bytes, name, version, headers, entries);
    }

    /** @return the chains that signed every entry, signer first; checked once, on first call */
    List<X509Certificate[]> signers() throws Refusal {
        if (signers == null) {
            signers = Signatures.signers(this);
        }
        return signers;
    }

    Mode mode() throws Refusal {
        String value = headers.getValue(MODE);
        if (value == null || value.isBlank()) {
            return Mode.SWAP;
        }
        for (Mode mode : Mode.values()) {
            if (mode.header().equals(value.trim())) {
                return mode;
            }
        }
        throw new Refusal(Reason.INVALID_HEADER, MODE + ": '" + value + "' is not a mode: use 'swap' or 'redefine'");
    }

    String description() {
        String value = headers.getValue(DESCRIPTION);
        return value == null ? "" : value.trim();
    }
}
