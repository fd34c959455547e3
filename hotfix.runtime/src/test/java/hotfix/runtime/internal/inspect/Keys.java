package hotfix.runtime.internal.inspect;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.CertPath;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;

import jdk.security.jarsigner.JarSigner;

/**
 * Real keys and real signatures, made when the tests run: key pairs and certificates, self-signed
 * or issued by another key, by the JDK's keytool (the JDK has no public API to build a
 * certificate), jars signed by the JDK's {@link JarSigner}, with a timestamp if asked, and
 * signed jars tampered with. Public, in the
 * runtime's test jar, so that the tests in the framework make their jars the same way (outside
 * the framework, where the JDK's signing API is not imported).
 */
public final class Keys {

    public static final String PASSWORD = "changeit";

    private final Path directory;
    /** Where the signing keys are: one PKCS12 store, one alias per signer. */
    final Path signing;

    public Keys(Path directory) {
        this.directory = directory;
        this.signing = directory.resolve("signing.p12");
    }

    /**
     * Makes a key pair and a self-signed certificate.
     *
     * @param start keytool's -startdate, or {@code null} for now
     */
    public Keys key(String alias, String dname, String start, int validityDays) {
        return key(alias, dname, start, validityDays, List.of());
    }

    /**
     * Makes a key pair and a self-signed certificate for a time-stamping authority: RFC 3161 wants
     * the extended key usage timeStamping, critical, and the JDK's signer refuses a TSA without it.
     */
    public Keys timeStampingKey(String alias, String dname, String start, int validityDays) {
        return key(alias, dname, start, validityDays, List.of("-ext", "EKU:critical=timeStamping"));
    }

    /** Makes a key pair and a self-signed certificate for a certificate authority, which issues others. */
    public Keys authorityKey(String alias, String dname, String start, int validityDays) {
        return key(alias, dname, start, validityDays, List.of("-ext", "BC:critical=ca:true"));
    }

    /**
     * Makes a key pair with a certificate issued by another alias's key, kept with its chain.
     *
     * @param extensions keytool's -ext options for the issued certificate
     */
    public Keys issued(String alias, String dname, String issuer, String start, int validityDays,
            String... extensions) {
        List<String> more = new ArrayList<>(List.of("-signer", issuer));
        for (String extension : extensions) {
            more.addAll(List.of("-ext", extension));
        }
        return key(alias, dname, start, validityDays, more);
    }

    private Keys key(String alias, String dname, String start, int validityDays, List<String> extensions) {
        List<String> command = new ArrayList<>(List.of("-genkeypair", "-alias", alias, "-keyalg", "RSA", "-keysize",
                "2048", "-dname", dname, "-validity", Integer.toString(validityDays), "-keystore",
                signing.toString(), "-storetype", "PKCS12", "-storepass", PASSWORD, "-keypass", PASSWORD));
        if (start != null) {
            command.addAll(List.of("-startdate", start));
        }
        command.addAll(extensions);
        keytool(command);
        return this;
    }

    /** @return the private key of an alias */
    PrivateKey privateKey(String alias) throws IOException, GeneralSecurityException {
        return (PrivateKey) KeyStore.getInstance(signing.toFile(), PASSWORD.toCharArray())
                .getKey(alias, PASSWORD.toCharArray());
    }

    /** @return the certificate chain of an alias, its own certificate first */
    List<X509Certificate> chain(String alias) throws IOException, GeneralSecurityException {
        List<X509Certificate> chain = new ArrayList<>();
        for (Certificate certificate : KeyStore.getInstance(signing.toFile(), PASSWORD.toCharArray())
                .getCertificateChain(alias)) {
            chain.add((X509Certificate) certificate);
        }
        return chain;
    }

    /** Makes a trust store of the certificates of the aliases given, with or without a password. */
    public Path trustStore(String name, String password, String... aliases) {
        Path store = directory.resolve(name);
        if (password != null) {
            // in this process, as keytool -importcert would: the keytool way is two runs per
            // certificate, each a JVM start (2.5 s measured on this 2-core machine as other builds ran)
            try {
                KeyStore signers = KeyStore.getInstance(signing.toFile(), PASSWORD.toCharArray());
                KeyStore trusted = KeyStore.getInstance("PKCS12");
                trusted.load(null, null);
                for (String alias : aliases) {
                    trusted.setCertificateEntry(alias, signers.getCertificate(alias));
                }
                try (OutputStream out = Files.newOutputStream(store)) {
                    trusted.store(out, password.toCharArray());
                }
                return store;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException(e);
            }
        }
        for (String alias : aliases) {
            Path certificate = directory.resolve(alias + ".cer");
            if (!Files.exists(certificate)) {
                keytool(List.of("-exportcert", "-alias", alias, "-keystore", signing.toString(), "-storepass",
                        PASSWORD, "-file", certificate.toString()));
            }
            List<String> command = new ArrayList<>();
            if (password == null) {
                // a store that opens without a password: its certificates are not encrypted
                command.addAll(List.of("-J-Dkeystore.pkcs12.certProtectionAlgorithm=NONE",
                        "-J-Dkeystore.pkcs12.macAlgorithm=NONE"));
            }
            command.addAll(List.of("-importcert", "-noprompt", "-alias", alias, "-file", certificate.toString(),
                    "-keystore", store.toString(), "-storetype", "PKCS12", "-storepass",
                    password == null ? PASSWORD : password));
            keytool(command);
        }
        return store;
    }

    /** @return the jar signed by the key of the alias, as jarsigner would sign it */
    public byte[] sign(byte[] jar, String alias) {
        return sign(jar, alias, null);
    }

    /**
     * @param tsa the time-stamping authority that stamps the signature, as jarsigner -tsa does;
     *            {@code null} for none
     * @return the jar signed by the key of the alias, as jarsigner would sign it
     */
    public byte[] sign(byte[] jar, String alias, URI tsa) {
        try {
            KeyStore keys = KeyStore.getInstance(signing.toFile(), PASSWORD.toCharArray());
            PrivateKey key = (PrivateKey) keys.getKey(alias, PASSWORD.toCharArray());
            CertPath chain = CertificateFactory.getInstance("X.509")
                    .generateCertPath(Arrays.asList(keys.getCertificateChain(alias)));
            Path unsigned = Files.createTempFile(directory, "unsigned", ".jar");
            Files.write(unsigned, jar);
            ByteArrayOutputStream signed = new ByteArrayOutputStream();
            JarSigner.Builder signer = new JarSigner.Builder(key, chain).digestAlgorithm("SHA-256")
                    .signatureAlgorithm("SHA256withRSA").signerName("HOTFIX");
            if (tsa != null) {
                signer.tsa(tsa);
            }
            try (ZipFile in = new ZipFile(unsigned.toFile())) {
                signer.build().sign(in, signed);
            }
            return signed.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** @return the jar with its entries changed, in their order, the signature files untouched */
    public static byte[] change(byte[] jar, Consumer<Map<String, byte[]>> change) {
        Map<String, byte[]> entries = new LinkedHashMap<>();
        try (ZipInputStream in = new ZipInputStream(new ByteArrayInputStream(jar))) {
            for (ZipEntry entry = in.getNextEntry(); entry != null; entry = in.getNextEntry()) {
                entries.put(entry.getName(), in.readAllBytes());
            }
            change.accept(entries);
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            try (ZipOutputStream out = new ZipOutputStream(bytes)) {
                for (Map.Entry<String, byte[]> entry : entries.entrySet()) {
                    out.putNextEntry(new ZipEntry(entry.getKey()));
                    out.write(entry.getValue());
                }
            }
            return bytes.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** @return the bytes with the text added at their end */
    public static byte[] appended(byte[] content, String text) {
        byte[] more = text.getBytes(StandardCharsets.UTF_8);
        byte[] all = Arrays.copyOf(content, content.length + more.length);
        System.arraycopy(more, 0, all, content.length, more.length);
        return all;
    }

    private static void keytool(List<String> arguments) {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
        command.addAll(arguments);
        try {
            Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IllegalStateException("keytool did not finish: " + command);
            }
            if (process.exitValue() != 0) {
                throw new IllegalStateException("keytool failed: " + command + "\n" + output);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
