package hotfix.runtime.internal.inspect;

import java.security.Timestamp;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * One signer of a jar, as the JDK verified it: the certificate chain, signer first, and the
 * RFC 3161 timestamp of the signature if it has one. The JDK checked that the timestamp was
 * issued for this very signature, by the certificate it names; whether that time-stamping
 * authority is to be believed is the {@link TrustStore}'s question, not the jar's.
 *
 * @param chain     the certificates, signer first; never empty
 * @param timestamp when a time-stamping authority says the jar was signed, and that authority's
 *                  certificate chain; empty if the signature has no timestamp
 */
public record Signer(List<X509Certificate> chain, Optional<Timestamp> timestamp) {

    public Signer {
        chain = List.copyOf(chain);
        if (chain.isEmpty()) {
            throw new IllegalArgumentException("a signer has a certificate");
        }
        Objects.requireNonNull(timestamp);
    }

    /** @return the signer's own certificate, first of its chain */
    public X509Certificate certificate() {
        return chain.get(0);
    }

    /** @return the subject of the signer's certificate, as the report records it */
    public String subject() {
        return Signatures.subject(certificate());
    }
}
