package hotfix.runtime.internal.inspect;

import java.io.IOException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.CertPath;
import java.security.cert.CertPathValidator;
import java.security.cert.Certificate;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateFactory;
import java.security.cert.CertificateNotYetValidException;
import java.security.cert.PKIXParameters;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.UnaryOperator;

import hotfix.runtime.api.Reason;

/**
 * Decides whether a hotfix jar may go on, by who signed it. With no trust store configured every
 * jar may, signed or not; with one, only a jar whose every entry is signed by a certificate the
 * store trusts, valid now. A rollback re-installs the runtime's own journaled copy of the version
 * a hotfix replaced, which no one signed: it is never asked for a signature.
 * <p>
 * The store is read at every attempt, so certificates can be added or removed while the server
 * runs; one that cannot be read refuses every hotfix until it can (failing closed).
 */
public final class TrustStore {

    /** A PKCS12 key store of the certificates that may sign hotfixes; unset: any jar is accepted. */
    public static final String PATH_PROPERTY = "hotfix.truststore";
    /** The store's password, if it has one. */
    public static final String PASSWORD_PROPERTY = "hotfix.truststore.password";

    private final Optional<Path> store;
    private final char[] password;

    TrustStore(Optional<Path> store, char[] password) {
        this.store = store;
        this.password = password == null ? null : password.clone();
    }

    /** @param properties the framework's properties, such as {@code BundleContext::getProperty} */
    public static TrustStore configured(UnaryOperator<String> properties) {
        String path = properties.apply(PATH_PROPERTY);
        String password = properties.apply(PASSWORD_PROPERTY);
        return new TrustStore(path == null || path.isBlank() ? Optional.empty() : Optional.of(Path.of(path.trim())),
                password == null ? null : password.toCharArray());
    }

    /**
     * @param rollback whether the jar is the journaled copy a rollback re-installs
     * @throws Refusal SIGNATURE_INVALID, UNSIGNED or UNTRUSTED, with the reason and what to do
     */
    public void check(InspectedJar jar, boolean rollback) throws Refusal {
        List<X509Certificate[]> signers = jar.signers();
        if (store.isEmpty() || rollback) {
            return;
        }
        Path path = store.get();
        if (signers.isEmpty()) {
            throw new Refusal(Reason.UNSIGNED, "the jar is not signed, and " + PATH_PROPERTY + " (" + path
                    + ") requires every hotfix to be signed by a certificate it trusts: sign it, e.g. jarsigner"
                    + " -keystore KEYSTORE JAR ALIAS, with a key whose certificate is in " + path);
        }
        Set<X509Certificate> trusted = trusted(path);
        Refusal first = null;
        for (X509Certificate[] chain : signers) {
            try {
                accept(chain, trusted, path);
                return;
            } catch (Refusal refusal) {
                first = first == null ? refusal : first;
            }
        }
        throw first;
    }

    private void accept(X509Certificate[] chain, Set<X509Certificate> trusted, Path path) throws Refusal {
        X509Certificate signer = chain[0];
        String subject = Signatures.subject(signer);
        try {
            signer.checkValidity();
        } catch (CertificateExpiredException e) {
            throw untrusted("the jar is signed by " + subject + ", whose certificate expired on "
                    + signer.getNotAfter().toInstant() + ": sign it again with a valid certificate");
        } catch (CertificateNotYetValidException e) {
            throw untrusted("the jar is signed by " + subject + ", whose certificate is not valid before "
                    + signer.getNotBefore().toInstant() + ": sign it with a certificate valid now, or check the"
                    + " server's clock");
        }
        if (trusted.contains(signer) || chainsToAnAnchor(chain, trusted)) {
            return;
        }
        throw untrusted("the jar is signed by " + subject + " (issued by "
                + signer.getIssuerX500Principal().getName() + "), which the trust store " + path + " does not"
                + " trust: sign it with a key whose certificate is in the store, or add that certificate to the"
                + " store (keytool -importcert -keystore " + path + ") if it is to be trusted");
    }

    private static boolean chainsToAnAnchor(X509Certificate[] chain, Set<X509Certificate> trusted) {
        if (trusted.isEmpty()) {
            return false;
        }
        try {
            Set<TrustAnchor> anchors = new HashSet<>();
            trusted.forEach(certificate -> anchors.add(new TrustAnchor(certificate, null)));
            PKIXParameters parameters = new PKIXParameters(anchors);
            parameters.setRevocationEnabled(false);
            CertPath path = CertificateFactory.getInstance("X.509").generateCertPath(Arrays.asList(chain));
            CertPathValidator.getInstance("PKIX").validate(path, parameters);
            return true;
        } catch (GeneralSecurityException | RuntimeException e) {
            return false;
        }
    }

    private Set<X509Certificate> trusted(Path path) throws Refusal {
        KeyStore keys;
        try {
            keys = KeyStore.getInstance(path.toFile(), password);
        } catch (IOException | GeneralSecurityException | RuntimeException e) {
            throw untrusted("the trust store " + path + " (" + PATH_PROPERTY + ") cannot be read: " + e
                    + "; no hotfix is accepted until it can: fix the file or its password ("
                    + PASSWORD_PROPERTY + ")");
        }
        Set<X509Certificate> trusted = new HashSet<>();
        try {
            for (String alias : Collections.list(keys.aliases())) {
                Certificate certificate = keys.getCertificate(alias);
                if (certificate instanceof X509Certificate x509) {
                    trusted.add(x509);
                }
            }
        } catch (GeneralSecurityException e) {
            throw untrusted("the trust store " + path + " cannot be read: " + e);
        }
        if (trusted.isEmpty()) {
            throw untrusted("the trust store " + path + " (" + PATH_PROPERTY + ") holds no certificate, so it trusts"
                    + " no signer: import the certificate of the key that signs hotfixes (keytool -importcert)");
        }
        return trusted;
    }

    private static Refusal untrusted(String why) {
        return new Refusal(Reason.UNTRUSTED, why);
    }
}
