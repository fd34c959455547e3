package hotfix.runtime.internal.inspect;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URL;
import java.util.Collections;
import java.util.Enumeration;
import java.util.List;
import java.util.Map;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;

import org.osgi.framework.Bundle;

/**
 * The jars the runtime writes itself, and the entries it reads from installed bundles: what a
 * rollback re-installs and the journal keeps, compared byte for byte with what inspection read.
 */
public final class JarBytes {

    private JarBytes() {
    }

    /** @return the bytes of an entry of a bundle's jar, or {@code null} if it has none */
    public static byte[] entry(Bundle bundle, String path) {
        URL url = bundle.getEntry(path);
        if (url == null) {
            return null;
        }
        try (InputStream in = url.openStream()) {
            return in.readAllBytes();
        } catch (IOException e) {
            return null;
        }
    }

    /** @return a jar with the given main headers and entries, by path */
    public static byte[] write(Map<String, String> headers, Map<String, byte[]> entries) {
        Manifest manifest = new Manifest();
        Attributes main = manifest.getMainAttributes();
        main.put(Attributes.Name.MANIFEST_VERSION, "1.0");
        headers.forEach(main::putValue);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (JarOutputStream out = new JarOutputStream(bytes, manifest)) {
            for (Map.Entry<String, byte[]> entry : entries.entrySet()) {
                out.putNextEntry(new JarEntry(entry.getKey()));
                out.write(entry.getValue());
                out.closeEntry();
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write a jar in memory", e);
        }
        return bytes.toByteArray();
    }

    /**
     * The jar of an installed bundle, rebuilt from its entries: the only copy that does not
     * depend on where it was installed from.
     */
    public static byte[] repack(Bundle bundle) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try {
            URL manifestUrl = bundle.getEntry(JarRules.MANIFEST);
            Manifest manifest;
            try (InputStream in = manifestUrl.openStream()) {
                manifest = new Manifest(in);
            }
            try (JarOutputStream out = new JarOutputStream(bytes, manifest)) {
                Enumeration<URL> entries = bundle.findEntries("/", "*", true);
                List<URL> sorted = entries == null ? List.of() : Collections.list(entries);
                for (URL url : sorted) {
                    String name = url.getPath().substring(1);
                    if (name.isEmpty() || name.endsWith("/") || name.equalsIgnoreCase(JarRules.MANIFEST)) {
                        continue;
                    }
                    out.putNextEntry(new JarEntry(name));
                    try (InputStream in = url.openStream()) {
                        in.transferTo(out);
                    }
                    out.closeEntry();
                }
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot copy " + bundle + " for rollback: " + e.getMessage(), e);
        }
        return bytes.toByteArray();
    }

    /** @return the path of a class in a jar, from its binary name */
    public static String path(String binaryName) {
        return binaryName.replace('.', '/') + ".class";
    }

    /** @return the binary name of the class at a path of a jar */
    public static String binaryName(String path) {
        return path.substring(0, path.length() - ".class".length()).replace('/', '.');
    }
}
