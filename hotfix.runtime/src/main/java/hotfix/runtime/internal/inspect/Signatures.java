package hotfix.runtime.internal.inspect;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.security.CodeSigner;
import java.security.Timestamp;
import java.security.cert.CertPath;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarInputStream;
import java.util.jar.Manifest;

import hotfix.runtime.api.Reason;

/**
 * Who signed a jar, and whether the signature covers all of it. The JDK verifies each entry's
 * digest as it reads it; what it does not do, and this does, is refuse a jar whose signature
 * covers only part of it: an unsigned entry added to a signed jar, a signed entry removed, or
 * entries signed by different signers. It keeps each signer's timestamp, which the JDK verified
 * belongs to the signature, for the {@link TrustStore} to judge.
 */
final class Signatures {

    private Signatures() {
    }

    /**
     * @param bytes a jar that {@link InspectedJar#read(byte[])} found within the rules: every
     *              entry unpacks within the limits, so reading it again is bounded
     * @param names the names of its entries
     * @return the signers, each with its chain and its timestamp, that signed every entry of the
     *         jar, in a stable order; empty if the jar is not signed at all
     * @throws Refusal SIGNATURE_INVALID if the jar is signed but the signature does not hold
     */
    static List<Signer> signers(byte[] bytes, Set<String> names) throws Refusal {
        if (names.stream().noneMatch(Signatures::isSignatureFile)) {
            return List.of();
        }
        // a signer is its chain and its timestamp, as the JDK's CodeSigner compares them
        Map<CodeSigner, Signer> common = null;
        List<String> seen = new ArrayList<>();
        Manifest manifest;
        try (JarInputStream in = new JarInputStream(new ByteArrayInputStream(bytes), true)) {
            manifest = in.getManifest();
            for (JarEntry entry = in.getNextJarEntry(); entry != null; entry = in.getNextJarEntry()) {
                // the digest is checked, and the signers known, once the entry is read to its end
                in.transferTo(OutputStream.nullOutputStream());
                String name = entry.getName();
                if (entry.isDirectory() || isSignatureFile(name) || name.equalsIgnoreCase(JarRules.MANIFEST)) {
                    continue;
                }
                seen.add(name);
                CodeSigner[] signers = entry.getCodeSigners();
                if (signers == null || signers.length == 0) {
                    throw invalid("its entry " + JarRules.quote(name) + " is not signed: it was added after the jar"
                            + " was signed, or the signature files do not follow the manifest");
                }
                Map<CodeSigner, Signer> these = new LinkedHashMap<>();
                for (CodeSigner signer : signers) {
                    List<X509Certificate> chain = chain(signer);
                    if (!chain.isEmpty()) {
                        these.put(signer, new Signer(chain, Optional.ofNullable(signer.getTimestamp())));
                    }
                }
                if (common == null) {
                    common = these;
                } else {
                    common.keySet().retainAll(these.keySet());
                }
                if (common.isEmpty()) {
                    throw invalid("its entry " + JarRules.quote(name) + " is signed by another signer than the"
                            + " entries before it: every entry must be signed by the same signer");
                }
            }
        } catch (SecurityException e) {
            throw invalid("its signature does not match its content (" + e.getMessage() + "): the jar was changed"
                    + " after it was signed");
        } catch (IOException | RuntimeException e) {
            throw invalid("its signature cannot be checked: " + e);
        }
        if (common == null) {
            throw invalid("it has signature files but no signed entry");
        }
        if (manifest != null) {
            for (Map.Entry<String, Attributes> section : manifest.getEntries().entrySet()) {
                String name = section.getKey();
                if (hasDigest(section.getValue()) && !name.endsWith("/") && !seen.contains(name)) {
                    throw invalid("its signed entry " + JarRules.quote(name) + " is missing: it was removed after the"
                            + " jar was signed");
                }
            }
        }
        List<Signer> found = new ArrayList<>(common.values());
        found.sort(Comparator.comparing(Signer::subject).thenComparing(signer -> signer.timestamp()
                .map(Timestamp::getTimestamp).orElse(null), Comparator.nullsLast(Comparator.naturalOrder())));
        return found;
    }

    /** @return the subject of a certificate, as the report records it */
    static String subject(X509Certificate certificate) {
        return certificate.getSubjectX500Principal().getName();
    }

    /** The manifest is never an entry; these are the other files that carry the signature. */
    static boolean isSignatureFile(String name) {
        String upper = name.toUpperCase(Locale.ROOT);
        if (!upper.startsWith("META-INF/") || upper.indexOf('/', "META-INF/".length()) >= 0) {
            return false;
        }
        return upper.endsWith(".SF") || upper.endsWith(".RSA") || upper.endsWith(".DSA") || upper.endsWith(".EC")
                || upper.startsWith("META-INF/SIG-");
    }

    private static boolean hasDigest(Attributes attributes) {
        return attributes.keySet().stream().anyMatch(key -> key.toString().toUpperCase(Locale.ROOT)
                .endsWith("-DIGEST"));
    }

    /** @return the X.509 certificates of a path, in its order: the signer's or a time-stamping authority's */
    static List<X509Certificate> chain(CertPath path) {
        List<X509Certificate> chain = new ArrayList<>();
        for (Certificate certificate : path.getCertificates()) {
            if (certificate instanceof X509Certificate x509) {
                chain.add(x509);
            }
        }
        return chain;
    }

    private static List<X509Certificate> chain(CodeSigner signer) {
        return chain(signer.getSignerCertPath());
    }

    private static Refusal invalid(String why) {
        return new Refusal(Reason.SIGNATURE_INVALID, "the jar is refused because " + why
                + "; sign the jar again as built, and change nothing in it afterwards");
    }
}
