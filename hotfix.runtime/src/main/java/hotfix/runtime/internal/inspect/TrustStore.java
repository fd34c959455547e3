package hotfix.runtime.internal.inspect;

import java.io.IOException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.Timestamp;
import java.security.cert.CertPath;
import java.security.cert.CertPathValidator;
import java.security.cert.Certificate;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateFactory;
import java.security.cert.CertificateNotYetValidException;
import java.security.cert.CertificateParsingException;
import java.security.cert.PKIXParameters;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.util.Collections;
import java.util.Date;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.UnaryOperator;

import hotfix.runtime.api.Reason;

/**
 * Decides whether a hotfix jar may go on, by who signed it. With no trust store configured every
 * jar may, signed or not; with one, only a jar whose every entry is signed by a certificate the
 * store trusts, valid now, or valid when the jar was signed if a time-stamping authority the
 * store trusts says when that was. A rollback re-installs the runtime's own journaled copy of
 * the version a hotfix replaced, which no one signed: it is never asked for a signature.
 * <p>
 * A timestamp (jarsigner -tsa) moves the date the signer's certificate is checked at only when
 * it comes from a time-stamping authority that the store trusts, directly or by chain, as it
 * trusts signers, whose certificate is for time-stamping (RFC 3161: the critical extended key
 * usage timeStamping), valid now, and valid at the time it stamped. Anyone can run a
 * time-stamping authority: a timestamp from one the store does not trust would let a leaked key
 * sign hotfixes long after its certificate expired, so it counts for nothing.
 * <p>
 * The store is read at every attempt, so certificates can be added or removed while the server
 * runs; one that cannot be read refuses every hotfix until it can (failing closed).
 */
public final class TrustStore {

    /** A PKCS12 key store of the certificates that may sign hotfixes; unset: any jar is accepted. */
    public static final String PATH_PROPERTY = "hotfix.truststore";
    /** The store's password, if it has one. */
    public static final String PASSWORD_PROPERTY = "hotfix.truststore.password";

    /** RFC 5280's extended key usage, and its purpose id-kp-timeStamping, which RFC 3161 requires critical. */
    private static final String EXTENDED_KEY_USAGE = "2.5.29.37";
    private static final String TIME_STAMPING = "1.3.6.1.5.5.7.3.8";

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
        List<Signer> signers = jar.signers();
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
        for (Signer signer : signers) {
            try {
                accept(signer, trusted, path);
                return;
            } catch (Refusal refusal) {
                first = first == null ? refusal : first;
            }
        }
        throw first;
    }

    private void accept(Signer signer, Set<X509Certificate> trusted, Path path) throws Refusal {
        X509Certificate certificate = signer.certificate();
        String subject = signer.subject();
        Optional<Timestamp> timestamp = signer.timestamp();
        Optional<Doubt> doubt = timestamp.flatMap(stamp -> doubt(stamp, trusted, path));
        Date at;
        if (timestamp.isPresent() && doubt.isEmpty()) {
            at = timestamp.get().getTimestamp();
            String stamped = " and its timestamp, by the trusted time-stamping authority " + tsa(timestamp.get())
                    + ", says it was signed on " + at.toInstant();
            try {
                certificate.checkValidity(at);
            } catch (CertificateExpiredException e) {
                throw untrusted("the jar is signed by " + subject + ", whose certificate expired on "
                        + certificate.getNotAfter().toInstant() + "," + stamped + ", after that: sign it again with a"
                        + " valid certificate");
            } catch (CertificateNotYetValidException e) {
                throw untrusted("the jar is signed by " + subject + ", whose certificate is not valid before "
                        + certificate.getNotBefore().toInstant() + "," + stamped + ", before that: sign it again"
                        + " with a valid certificate, or check the time-stamping authority's clock");
            }
        } else {
            at = new Date();
            try {
                certificate.checkValidity(at);
            } catch (CertificateExpiredException e) {
                // say why a timestamp, if there is one, cannot stand in for today's date
                throw untrusted("the jar is signed by " + subject + ", whose certificate expired on "
                        + certificate.getNotAfter().toInstant()
                        + doubt.map(d -> "; the jar's timestamp (" + timestamp.get().getTimestamp().toInstant()
                                + ", by " + tsa(timestamp.get()) + ") does not count, as " + d.why() + ": "
                                + d.remedy()).orElse(": sign it again with a valid certificate"));
            } catch (CertificateNotYetValidException e) {
                throw untrusted("the jar is signed by " + subject + ", whose certificate is not valid before "
                        + certificate.getNotBefore().toInstant() + ": sign it with a certificate valid now, or check"
                        + " the server's clock");
            }
        }
        if (trusted.contains(certificate) || chainsToAnAnchor(signer.chain(), trusted, at)) {
            return;
        }
        throw untrusted("the jar is signed by " + subject + " (issued by "
                + certificate.getIssuerX500Principal().getName() + "), which the trust store " + path + " does not"
                + " trust: sign it with a key whose certificate is in the store, or add that certificate to the"
                + " store (keytool -importcert -keystore " + path + ") if it is to be trusted");
    }

    /** Why a timestamp cannot be believed, and what the user can do about it. */
    private record Doubt(String why, String remedy) {

        Doubt(String why) {
            this(why, "sign it again with a valid certificate");
        }
    }

    /** @return why a timestamp cannot be believed; empty if it can */
    private static Optional<Doubt> doubt(Timestamp timestamp, Set<X509Certificate> trusted, Path path) {
        List<X509Certificate> chain = Signatures.chain(timestamp.getSignerCertPath());
        if (chain.isEmpty()) {
            return Optional.of(new Doubt("it names no certificate of its time-stamping authority"));
        }
        X509Certificate authority = chain.get(0);
        String validity = " (valid from " + authority.getNotBefore().toInstant() + " to "
                + authority.getNotAfter().toInstant() + ")";
        // the JDK checks that the timestamp is for this signature, not that its signer is a TSA
        if (!forTimeStamping(authority)) {
            return Optional.of(new Doubt("its certificate is not a time-stamping authority's (it lacks the critical"
                    + " extended key usage timeStamping)"));
        }
        try {
            authority.checkValidity();
        } catch (CertificateExpiredException | CertificateNotYetValidException e) {
            return Optional.of(new Doubt("the time-stamping authority's certificate is not valid now" + validity));
        }
        try {
            authority.checkValidity(timestamp.getTimestamp());
        } catch (CertificateExpiredException | CertificateNotYetValidException e) {
            return Optional.of(new Doubt("the time-stamping authority's certificate was not valid then" + validity));
        }
        if (trusted.contains(authority) || chainsToAnAnchor(chain, trusted, new Date())) {
            return Optional.empty();
        }
        return Optional.of(new Doubt("it is not from a trusted time-stamping authority (the trust store " + path
                + " does not trust " + Signatures.subject(authority) + ")", "add the authority's certificate to the"
                + " store (keytool -importcert -keystore " + path + ") if its timestamps are to be trusted, or sign"
                + " the jar again with a valid certificate"));
    }

    private static boolean forTimeStamping(X509Certificate certificate) {
        try {
            Set<String> critical = certificate.getCriticalExtensionOIDs();
            List<String> usages = certificate.getExtendedKeyUsage();
            return critical != null && critical.contains(EXTENDED_KEY_USAGE) && usages != null
                    && usages.contains(TIME_STAMPING);
        } catch (CertificateParsingException e) {
            return false;
        }
    }

    private static String tsa(Timestamp timestamp) {
        List<X509Certificate> chain = Signatures.chain(timestamp.getSignerCertPath());
        return chain.isEmpty() ? "an unnamed authority" : Signatures.subject(chain.get(0));
    }

    /** @param at the date every certificate of the chain must be valid at */
    private static boolean chainsToAnAnchor(List<X509Certificate> chain, Set<X509Certificate> trusted, Date at) {
        if (trusted.isEmpty()) {
            return false;
        }
        try {
            Set<TrustAnchor> anchors = new HashSet<>();
            trusted.forEach(certificate -> anchors.add(new TrustAnchor(certificate, null)));
            PKIXParameters parameters = new PKIXParameters(anchors);
            parameters.setRevocationEnabled(false);
            parameters.setDate(at);
            CertPath path = CertificateFactory.getInstance("X.509").generateCertPath(chain);
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
