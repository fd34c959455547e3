package hotfix.benchmarks.load;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.Enumeration;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;

/**
 * A redeploy of the exported server with one bundle changed: a copy of webapp.jar whose embedded
 * jar of that bundle holds other bytes, with the manifest's digest of that entry to match. At its
 * next start on the same storage, the bnd launcher sees the digest changed and updates the kept
 * bundle from the new bytes, as it would after a rebuild.
 */
final class Redeploy {

    private static final String DIGEST = "SHA-256-Digest";

    private Redeploy() {
    }

    /** The bytes of the embedded jar whose name starts with jar/{prefix}. */
    static byte[] embedded(Path server, String prefix) throws IOException {
        try (JarFile jar = new JarFile(server.toFile())) {
            return jar.getInputStream(jar.getJarEntry(entry(jar, prefix))).readAllBytes();
        }
    }

    /** Writes a copy of server to target with the embedded jar jar/{prefix}* holding bytes. */
    static void replace(Path server, String prefix, byte[] bytes, Path target) throws IOException {
        try (JarFile jar = new JarFile(server.toFile())) {
            String name = entry(jar, prefix);
            Manifest manifest = new Manifest(jar.getManifest());
            Attributes attributes = manifest.getEntries().computeIfAbsent(name, n -> new Attributes());
            attributes.putValue(DIGEST, Base64.getEncoder().encodeToString(sha256(bytes)));
            try (OutputStream file = Files.newOutputStream(target);
                    JarOutputStream out = new JarOutputStream(file, manifest)) {
                for (Enumeration<JarEntry> entries = jar.entries(); entries.hasMoreElements();) {
                    JarEntry entry = entries.nextElement();
                    if (entry.getName().equals(JarFile.MANIFEST_NAME)) {
                        continue;
                    }
                    out.putNextEntry(new JarEntry(entry.getName()));
                    if (entry.getName().equals(name)) {
                        out.write(bytes);
                    } else {
                        try (InputStream in = jar.getInputStream(entry)) {
                            in.transferTo(out);
                        }
                    }
                    out.closeEntry();
                }
            }
        }
    }

    private static String entry(JarFile jar, String prefix) {
        return jar.stream().map(JarEntry::getName).filter(n -> n.startsWith("jar/" + prefix)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no jar/" + prefix + "* in " + jar.getName()));
    }

    private static byte[] sha256(byte[] bytes) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(bytes);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
