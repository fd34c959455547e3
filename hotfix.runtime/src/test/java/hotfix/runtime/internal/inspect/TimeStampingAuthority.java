package hotfix.runtime.internal.inspect;

import java.io.IOException;
import java.io.OutputStream;
import java.math.BigInteger;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.nist.NISTObjectIdentifiers;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.cert.jcajce.JcaCertStore;
import org.bouncycastle.cms.jcajce.JcaSimpleSignerInfoGeneratorBuilder;
import org.bouncycastle.operator.jcajce.JcaDigestCalculatorProviderBuilder;
import org.bouncycastle.tsp.TSPAlgorithms;
import org.bouncycastle.tsp.TimeStampRequest;
import org.bouncycastle.tsp.TimeStampResponseGenerator;
import org.bouncycastle.tsp.TimeStampTokenGenerator;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

/**
 * A real RFC 3161 time-stamping authority over HTTP on 127.0.0.1, as jarsigner -tsa talks to,
 * built with Bouncy Castle (the JDK has the client only). It stamps with the key of any alias of
 * the {@link Keys}, at any time the test chooses: both are in the URI that
 * {@link #at(String, Instant)} gives, so a test can sign "in the past" without a clock to set.
 */
final class TimeStampingAuthority implements AutoCloseable {

    /** A policy the authority says it stamps under; the JDK asks for none, so any will do. */
    private static final ASN1ObjectIdentifier POLICY = new ASN1ObjectIdentifier("1.2.3.4.1");

    private final Keys keys;
    private final HttpServer server;
    private final AtomicLong serial = new AtomicLong();

    TimeStampingAuthority(Keys keys) throws IOException {
        this.keys = keys;
        this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", this::stamp);
        server.start();
    }

    /** @return the URI at which the authority stamps with the key of the alias, saying it is that time */
    URI at(String alias, Instant time) {
        return URI.create("http://" + server.getAddress().getHostString() + ":" + server.getAddress().getPort() + "/"
                + alias + "/" + time);
    }

    private void stamp(HttpExchange exchange) throws IOException {
        try {
            String[] path = exchange.getRequestURI().getPath().split("/");
            byte[] reply;
            int status = 200;
            try {
                TimeStampRequest request = new TimeStampRequest(exchange.getRequestBody().readAllBytes());
                reply = reply(request, path[1], Instant.parse(path[2]));
                exchange.getResponseHeaders().set("Content-Type", "application/timestamp-reply");
            } catch (Exception e) {
                // the signer's failure then names what went wrong here
                status = 500;
                reply = e.toString().getBytes(StandardCharsets.UTF_8);
            }
            exchange.sendResponseHeaders(status, reply.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(reply);
            }
        } finally {
            exchange.close();
        }
    }

    private byte[] reply(TimeStampRequest request, String alias, Instant time) throws Exception {
        PrivateKey key = keys.privateKey(alias);
        List<X509Certificate> chain = keys.chain(alias);
        TimeStampTokenGenerator tokens = new TimeStampTokenGenerator(
                new JcaSimpleSignerInfoGeneratorBuilder().build("SHA256withRSA", key, chain.get(0)),
                new JcaDigestCalculatorProviderBuilder().build()
                        .get(new AlgorithmIdentifier(NISTObjectIdentifiers.id_sha256)),
                POLICY);
        tokens.addCertificates(new JcaCertStore(chain));
        return new TimeStampResponseGenerator(tokens, TSPAlgorithms.ALLOWED)
                .generate(request, BigInteger.valueOf(serial.incrementAndGet()), Date.from(time)).getEncoded();
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
