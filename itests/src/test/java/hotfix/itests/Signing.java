package hotfix.itests;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.CertificateFactory;
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
 * Real keys and signatures for the trust tests, made in the test JVM (outside the framework,
 * where the JDK's signing API is not imported): key pairs and self-signed certificates by the
 * JDK's keytool, jars signed by {@link JarSigner}, and jars tampered with after signing.
 */
final class Signing {

    static final String PASSWORD = "changeit";

    private final Path directory;
    private final Path signing;

    Signing(Path directory) {
        this.directory = directory;
        this.signing = directory.resolve("signing.p12");
    }

    /** Makes a key pair and a self-signed certificate; {@code start} is keytool's -startdate, or null. */
    Signing key(String alias, String dname, String start) {
        List<String> command = new ArrayList<>(List.of("-genkeypair", "-alias", alias, "-keyalg", "RSA", "-keysize",
                "2048", "-dname", dname, "-validity", "30", "-keystore", signing.toString(), "-storetype", "PKCS12",
                "-storepass", PASSWORD, "-keypass", PASSWORD));
        if (start != null) {
            command.addAll(List.of("-startdate", start));
        }
        keytool(command);
        return this;
    }

    /** @return a PKCS12 trust store of the certificates of the aliases, with the password given */
    Path trustStore(String name, String password, String... aliases) {
        Path store = directory.resolve(name);
        for (String alias : aliases) {
            Path certificate = directory.resolve(alias + ".cer");
            keytool(List.of("-exportcert", "-alias", alias, "-keystore", signing.toString(), "-storepass", PASSWORD,
                    "-file", certificate.toString()));
            keytool(List.of("-importcert", "-noprompt", "-alias", alias, "-file", certificate.toString(), "-keystore",
                    store.toString(), "-storetype", "PKCS12", "-storepass", password));
        }
        return store;
    }

    /** @return the jar signed with the key of the alias */
    byte[] sign(byte[] jar, String alias) {
        try {
            KeyStore keys = KeyStore.getInstance(signing.toFile(), PASSWORD.toCharArray());
            PrivateKey key = (PrivateKey) keys.getKey(alias, PASSWORD.toCharArray());
            Path unsigned = Files.createTempFile(directory, "unsigned", ".jar");
            Files.write(unsigned, jar);
            ByteArrayOutputStream signed = new ByteArrayOutputStream();
            try (ZipFile in = new ZipFile(unsigned.toFile())) {
                new JarSigner.Builder(key, CertificateFactory.getInstance("X.509")
                        .generateCertPath(Arrays.asList(keys.getCertificateChain(alias))))
                        .digestAlgorithm("SHA-256").signatureAlgorithm("SHA256withRSA").build().sign(in, signed);
            }
            Files.delete(unsigned);
            return signed.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** @return the jar with its entries changed, in their order, its signature files untouched */
    static byte[] change(byte[] jar, Consumer<Map<String, byte[]>> change) {
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

    static byte[] appended(byte[] content, String text) {
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
