package hotfix.runtime.internal.pipeline;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarInputStream;
import java.util.jar.Manifest;

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

    /** Limits that keep a hostile or broken jar from exhausting the runtime. */
    static final int MAX_ENTRIES = 10_000;
    static final long MAX_TOTAL_BYTES = 64L * 1024 * 1024;

    final byte[] bytes;
    final String symbolicName;
    final Version version;
    final Attributes headers;
    final Map<String, byte[]> entries;

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

    static HotfixJar read(byte[] bytes) throws Refusal {
        Manifest manifest;
        Map<String, byte[]> entries = new LinkedHashMap<>();
        try (JarInputStream in = new JarInputStream(new ByteArrayInputStream(bytes), false)) {
            manifest = in.getManifest();
            long total = 0;
            for (JarEntry entry = in.getNextJarEntry(); entry != null; entry = in.getNextJarEntry()) {
                if (entries.size() >= MAX_ENTRIES) {
                    throw new Refusal(Reason.UNREADABLE, "the jar has more than " + MAX_ENTRIES + " entries");
                }
                if (entry.isDirectory()) {
                    continue;
                }
                byte[] content = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, MAX_TOTAL_BYTES - total + 1));
                total += content.length;
                if (total > MAX_TOTAL_BYTES) {
                    throw new Refusal(Reason.UNREADABLE,
                            "the jar unpacks to more than " + MAX_TOTAL_BYTES / (1024 * 1024) + " MiB");
                }
                if (entries.put(entry.getName(), content) != null) {
                    throw new Refusal(Reason.UNREADABLE, "the jar has the entry " + entry.getName() + " twice");
                }
            }
        } catch (IOException | RuntimeException e) {
            throw new Refusal(Reason.UNREADABLE, "not a readable jar: " + e.getMessage());
        }
        if (entries.isEmpty() && manifest == null) {
            throw new Refusal(Reason.UNREADABLE, "not a jar: no entries could be read from it");
        }
        if (manifest == null) {
            throw new Refusal(Reason.NOT_A_BUNDLE, "the jar has no META-INF/MANIFEST.MF");
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
