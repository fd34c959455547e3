package hotfix.tool;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.jar.Attributes;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.zip.ZipEntry;

import org.osgi.framework.Constants;

import hotfix.runtime.api.HotfixHeaders;

/**
 * Writes the two kinds of hotfix jar: a redefine-mode jar of just the changed classes, and a
 * swap-mode jar that is the base with the changed classes in it. Every entry is dated like the
 * base's manifest, so that the same sources and base give the same bytes.
 */
final class HotfixJar {

    private static final String META_INF = "META-INF/";

    /** The DOS epoch, for a base whose manifest has no date. */
    private static final long NO_DATE = 315_532_800_000L + 86_400_000L * 31;

    private HotfixJar() {
    }

    /**
     * @param headers the main headers, in order, besides {@code Manifest-Version}
     * @param classes class files by path
     */
    static byte[] redefine(Map<String, String> headers, Map<String, byte[]> classes, long time) {
        Manifest manifest = new Manifest();
        manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        headers.forEach(manifest.getMainAttributes()::putValue);
        return write(manifest, classes, time);
    }

    /**
     * @param set      the main headers to set over the base's (version and hotfix headers)
     * @param replaced the class files to put in place of the base's, or beside them, by path
     * @param dropped  the paths of the base's entries to leave out
     */
    static byte[] swap(BaseJar base, Map<String, String> set, Map<String, byte[]> replaced, Set<String> dropped) {
        Manifest manifest = base.manifest();
        Attributes main = manifest.getMainAttributes();
        for (String header : new String[] {HotfixHeaders.TARGET_VERSION, HotfixHeaders.MODE, HotfixHeaders.METHODS,
                HotfixHeaders.DESCRIPTION}) {
            main.remove(new Attributes.Name(header));
        }
        set.forEach(main::putValue);
        // per-entry sections hold the digests of a signature, which no longer match
        manifest.getEntries().clear();
        Map<String, byte[]> entries = new LinkedHashMap<>();
        for (String name : base.order()) {
            if (dropped.contains(name) || isSignature(name)) {
                continue;
            }
            byte[] bytes = replaced.get(name);
            entries.put(name, bytes != null ? bytes : name.endsWith("/") ? new byte[0] : base.entry(name));
        }
        replaced.forEach(entries::putIfAbsent);
        return write(manifest, entries, base.time());
    }

    /** @return whether the entry is part of a jar signature: META-INF/*.SF, *.RSA, *.DSA, *.EC, SIG-* */
    static boolean isSignature(String name) {
        if (!name.startsWith("META-INF/") || name.indexOf('/', "META-INF/".length()) >= 0) {
            return false;
        }
        String file = name.substring("META-INF/".length()).toUpperCase(Locale.ROOT);
        return file.endsWith(".SF") || file.endsWith(".RSA") || file.endsWith(".DSA") || file.endsWith(".EC")
                || file.startsWith("SIG-");
    }

    /** @return the main headers every hotfix has, in the order the tool writes them */
    static Map<String, String> bundleHeaders(String symbolicName, String version) {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put(Constants.BUNDLE_MANIFESTVERSION, "2");
        headers.put(Constants.BUNDLE_SYMBOLICNAME, symbolicName);
        headers.put(Constants.BUNDLE_VERSION, version);
        return headers;
    }

    private static byte[] write(Manifest manifest, Map<String, byte[]> entries, long time) {
        long date = time < 0 ? NO_DATE : time;
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (JarOutputStream out = new JarOutputStream(bytes)) {
            // META-INF/ and its manifest first, where JarInputStream looks for them
            if (entries.containsKey(META_INF)) {
                ZipEntry directory = new ZipEntry(META_INF);
                directory.setTime(date);
                out.putNextEntry(directory);
                out.closeEntry();
            }
            ZipEntry manifestEntry = new ZipEntry("META-INF/MANIFEST.MF");
            manifestEntry.setTime(date);
            out.putNextEntry(manifestEntry);
            manifest.write(out);
            out.closeEntry();
            for (Map.Entry<String, byte[]> entry : entries.entrySet()) {
                if (entry.getKey().equals(META_INF)) {
                    continue;
                }
                ZipEntry zip = new ZipEntry(entry.getKey());
                zip.setTime(date);
                out.putNextEntry(zip);
                out.write(entry.getValue());
                out.closeEntry();
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write a jar in memory", e);
        }
        return bytes.toByteArray();
    }
}
