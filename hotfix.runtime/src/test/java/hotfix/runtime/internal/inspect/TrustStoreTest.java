package hotfix.runtime.internal.inspect;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.Timestamp;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

import org.junit.AfterClass;
import org.junit.BeforeClass;
import org.junit.ClassRule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;
import org.objectweb.asm.ClassReader;
import org.objectweb.asm.ClassWriter;
import org.objectweb.asm.Opcodes;
import org.objectweb.asm.tree.ClassNode;
import org.objectweb.asm.tree.FieldNode;

import hotfix.runtime.api.Reason;

/**
 * Signed jars, made and signed with real keys when the test runs, and tampered with as an
 * attacker would: accepted only when every entry is signed by a trusted, valid certificate. A
 * real time-stamping authority on 127.0.0.1 stamps signatures with the time each test chooses:
 * its timestamp moves the date a signer must have been valid at only if the store trusts it.
 */
public class TrustStoreTest {

    static final String RELEASE = "CN=Hotfix Release,O=Example";
    static final String STRANGER = "CN=Stranger,O=Elsewhere";
    static final String NOTES = "fixtures/redefine/v1/notes.txt";
    static final String OLD_RELEASE = "CN=Old Release,O=Example";
    /** While the "expired" certificate was valid (2020-01-01 to 2020-01-31), whatever the time zone. */
    static final Instant WHILE_VALID = Instant.parse("2020-01-15T12:00:00Z");

    @ClassRule
    public static TemporaryFolder folder = new TemporaryFolder();

    static Keys keys;
    static Path trusted;
    static Path openStore;
    /**
     * Trusts the release and expired signers, a time-stamping authority, one whose certificate
     * has expired since it stamped, and a certificate authority (not the keys it issued).
     */
    static Path stamped;
    static TimeStampingAuthority tsa;

    @BeforeClass
    public static void makeKeys() throws IOException {
        keys = new Keys(folder.getRoot().toPath())
                .key("release", RELEASE, null, 30)
                .key("stranger", STRANGER, null, 30)
                .key("expired", OLD_RELEASE, "2020/01/01", 30)
                .key("future", "CN=Future Release,O=Example", "2099/01/01", 30)
                .timeStampingKey("tsa", "CN=Hotfix TSA,O=Example", "2019/01/01", 36500)
                .timeStampingKey("rogue-tsa", "CN=Rogue TSA,O=Elsewhere", "2019/01/01", 36500)
                // valid for the expired signer's month, expired now
                .timeStampingKey("old-tsa", "CN=Old TSA,O=Example", "2019/01/01", 730)
                .authorityKey("ca", "CN=Hotfix CA,O=Example", "2019/01/01", 36500)
                .issued("team", "CN=Team Release,O=Example", "ca", "2020/01/01", 30)
                .issued("ca-tsa", "CN=Hotfix CA TSA,O=Example", "ca", "2019/01/01", 36500,
                        "EKU:critical=timeStamping");
        trusted = keys.trustStore("trust.p12", "trustpass", "release", "expired", "future");
        openStore = keys.trustStore("open.p12", null, "release");
        stamped = keys.trustStore("stamped.p12", "trustpass", "release", "expired", "tsa", "old-tsa", "ca");
        tsa = new TimeStampingAuthority(keys);
    }

    @AfterClass
    public static void stopAuthority() {
        if (tsa != null) {
            tsa.close();
        }
    }

    static byte[] unsigned() {
        Map<String, byte[]> entries = new LinkedHashMap<>();
        entries.put(Jars.POINT, Jars.resource(Jars.POINT));
        entries.put(Jars.BODY_CHANGE, Jars.resource(Jars.BODY_CHANGE));
        entries.put(NOTES, "fixes the overflow\n".getBytes(StandardCharsets.UTF_8));
        return Jars.jar(Jars.manifest(), entries);
    }

    static TrustStore store(Path path, String password) {
        return new TrustStore(Optional.of(path), password == null ? null : password.toCharArray());
    }

    static final TrustStore NONE = new TrustStore(Optional.empty(), null);

    @Test
    public void withoutATrustStoreAnUnsignedJarIsAcceptedAndHasNoSigner() throws Refusal {
        InspectedJar jar = InspectedJar.read(unsigned());

        NONE.check(jar, false);
        assertEquals("", jar.signer());
    }

    @Test
    public void withoutATrustStoreASignedJarIsAcceptedAndItsSignerRecorded() throws Refusal {
        InspectedJar jar = InspectedJar.read(keys.sign(unsigned(), "stranger"));

        NONE.check(jar, false);
        assertEquals(STRANGER, jar.signer());
    }

    @Test
    public void aJarSignedByATrustedCertificateIsAccepted() throws Refusal {
        InspectedJar jar = InspectedJar.read(keys.sign(unsigned(), "release"));

        store(trusted, "trustpass").check(jar, false);
        store(openStore, null).check(jar, false);
        assertEquals(RELEASE, jar.signer());
    }

    @Test
    public void anUnsignedJarIsRefusedWhenAStoreIsConfigured() throws Refusal {
        Refusal refusal = assertThrows(Refusal.class,
                () -> store(trusted, "trustpass").check(InspectedJar.read(unsigned()), false));

        assertRefusal(refusal, Reason.UNSIGNED, "the jar is not signed, and hotfix.truststore (" + trusted + ")");
        assertRefusal(refusal, Reason.UNSIGNED, "sign it");
    }

    @Test
    public void aRollbackNeedsNoSignature() throws Refusal {
        store(trusted, "trustpass").check(InspectedJar.read(unsigned()), true);
    }

    @Test
    public void aJarSignedByAnUntrustedCertificateIsRefusedNamingItsSigner() {
        assertRefused(trusted, "trustpass", keys.sign(unsigned(), "stranger"), Reason.UNTRUSTED,
                "the jar is signed by " + STRANGER + " (issued by " + STRANGER + "), which the trust store "
                        + trusted + " does not trust");
    }

    @Test
    public void anExpiredSignerIsRefusedEvenIfTrusted() {
        assertRefused(trusted, "trustpass", keys.sign(unsigned(), "expired"), Reason.UNTRUSTED,
                "signed by CN=Old Release,O=Example, whose certificate expired on 2020-01-31");
    }

    @Test
    public void aSignerNotValidYetIsRefused() {
        assertRefused(trusted, "trustpass", keys.sign(unsigned(), "future"), Reason.UNTRUSTED,
                "whose certificate is not valid before 2099-01-01");
    }

    @Test
    public void anEntryModifiedAfterSigningIsRefusedWithOrWithoutAStore() {
        byte[] tampered = Keys.change(keys.sign(unsigned(), "release"),
                entries -> entries.put(NOTES, "gives everyone gold\n".getBytes(StandardCharsets.UTF_8)));

        assertRefused(trusted, "trustpass", tampered, Reason.SIGNATURE_INVALID, "changed after it was signed");
        Refusal refusal = assertThrows(Refusal.class, () -> InspectedJar.read(tampered).signer());
        assertRefusal(refusal, Reason.SIGNATURE_INVALID, "digest error for " + NOTES);
    }

    @Test
    public void aClassModifiedAfterSigningIsRefused() {
        ClassNode node = new ClassNode();
        new ClassReader(Jars.resource(Jars.POINT)).accept(node, 0);
        node.fields.add(new FieldNode(Opcodes.ACC_PUBLIC | Opcodes.ACC_STATIC, "gold", "J", null, null));
        ClassWriter writer = new ClassWriter(0);
        node.accept(writer);
        byte[] tampered = Keys.change(keys.sign(unsigned(), "release"), entries -> entries.put(Jars.POINT,
                writer.toByteArray()));

        assertRefused(trusted, "trustpass", tampered, Reason.SIGNATURE_INVALID, Jars.POINT);
    }

    @Test
    public void anUnsignedEntryAddedToASignedJarIsRefused() {
        byte[] tampered = Keys.change(keys.sign(unsigned(), "release"),
                entries -> entries.put("fixtures/redefine/v1/Unchanged.class",
                        Jars.resource("fixtures/redefine/v1/Unchanged.class")));

        assertRefused(trusted, "trustpass", tampered, Reason.SIGNATURE_INVALID,
                "its entry 'fixtures/redefine/v1/Unchanged.class' is not signed");
        assertRefused(null, null, tampered, Reason.SIGNATURE_INVALID, "is not signed");
    }

    @Test
    public void aSignedEntryRemovedIsRefused() {
        byte[] tampered = Keys.change(keys.sign(unsigned(), "release"), entries -> entries.remove(Jars.BODY_CHANGE));

        assertRefused(trusted, "trustpass", tampered, Reason.SIGNATURE_INVALID,
                "its signed entry '" + Jars.BODY_CHANGE + "' is missing");
    }

    @Test
    public void aManifestChangedAfterSigningIsRefused() {
        byte[] tampered = Keys.change(keys.sign(unsigned(), "release"), entries -> entries.put(JarRules.MANIFEST,
                new String(entries.get(JarRules.MANIFEST), StandardCharsets.UTF_8)
                        .replace("Bundle-Version: 1.0.1", "Bundle-Version: 9.0.0").getBytes(StandardCharsets.UTF_8)));

        assertRefused(trusted, "trustpass", tampered, Reason.SIGNATURE_INVALID, "changed after it was signed");
    }

    @Test
    public void aJarSignedByTwoSignersOneOfThemTrustedIsAccepted() throws Refusal {
        InspectedJar jar = InspectedJar.read(keys.sign(keys.sign(unsigned(), "stranger"), "release"));

        store(trusted, "trustpass").check(jar, false);
    }

    @Test
    public void anUnreadableTrustStoreRefusesEveryHotfix() {
        assertRefused(trusted, "wrong", keys.sign(unsigned(), "release"), Reason.UNTRUSTED,
                "the trust store " + trusted + " (hotfix.truststore) cannot be read");
        assertRefused(trusted.resolveSibling("missing.p12"), null, keys.sign(unsigned(), "release"),
                Reason.UNTRUSTED, "no hotfix is accepted until it can");
    }

    @Test
    public void thePropertiesNameTheStoreAndItsPassword() throws Refusal {
        Map<String, String> properties = Map.of("hotfix.truststore", trusted.toString(),
                "hotfix.truststore.password", "trustpass");
        TrustStore store = TrustStore.configured(properties::get);

        store.check(InspectedJar.read(keys.sign(unsigned(), "release")), false);
        assertThrows(Refusal.class, () -> store.check(InspectedJar.read(unsigned()), false));
        TrustStore.configured(name -> null).check(InspectedJar.read(unsigned()), false);
    }

    @Test
    public void anExpiredSignerIsAcceptedWhenATrustedAuthorityStampedItWhileItWasValid() throws Refusal {
        InspectedJar jar = InspectedJar.read(keys.sign(unsigned(), "expired", tsa.at("tsa", WHILE_VALID)));

        store(stamped, "trustpass").check(jar, false);
        assertEquals(OLD_RELEASE, jar.signer());
        Timestamp timestamp = jar.signers().get(0).timestamp().orElseThrow();
        assertEquals(WHILE_VALID, timestamp.getTimestamp().toInstant());
        assertEquals("CN=Hotfix TSA,O=Example",
                Signatures.subject((X509Certificate) timestamp.getSignerCertPath().getCertificates().get(0)));
    }

    @Test
    public void aTimestampFromAnAuthorityTheStoreDoesNotTrustDoesNotSaveAnExpiredSigner() {
        byte[] jar = keys.sign(unsigned(), "expired", tsa.at("rogue-tsa", WHILE_VALID));

        assertRefused(stamped, "trustpass", jar, Reason.UNTRUSTED,
                "signed by " + OLD_RELEASE + ", whose certificate expired on 2020-01-31");
        assertRefused(stamped, "trustpass", jar, Reason.UNTRUSTED, "the jar's timestamp (2020-01-15T12:00:00Z, by"
                + " CN=Rogue TSA,O=Elsewhere) does not count, as it is not from a trusted time-stamping authority");
        assertRefused(stamped, "trustpass", jar, Reason.UNTRUSTED, "add the authority's certificate to the store");
    }

    @Test
    public void aTrustedTimestampAfterTheSignerExpiredIsRefused() {
        byte[] jar = keys.sign(unsigned(), "expired", tsa.at("tsa", Instant.parse("2020-03-01T00:00:00Z")));

        assertRefused(stamped, "trustpass", jar, Reason.UNTRUSTED, "signed by " + OLD_RELEASE + ", whose"
                + " certificate expired on 2020-01-31");
        assertRefused(stamped, "trustpass", jar, Reason.UNTRUSTED, "its timestamp, by the trusted time-stamping"
                + " authority CN=Hotfix TSA,O=Example, says it was signed on 2020-03-01T00:00:00Z, after that");
    }

    @Test
    public void aTrustedTimestampBeforeTheSignerWasValidIsRefusedEvenIfItIsValidNow() {
        byte[] jar = keys.sign(unsigned(), "release", tsa.at("tsa", WHILE_VALID));

        assertRefused(stamped, "trustpass", jar, Reason.UNTRUSTED, "signed by " + RELEASE + ", whose certificate"
                + " is not valid before");
        assertRefused(stamped, "trustpass", jar, Reason.UNTRUSTED, "says it was signed on 2020-01-15T12:00:00Z,"
                + " before that");
    }

    @Test
    public void aTimestampFromAnUntrustedAuthorityChangesNothingForAValidSigner() throws Refusal {
        InspectedJar jar = InspectedJar.read(keys.sign(unsigned(), "release", tsa.at("rogue-tsa", WHILE_VALID)));

        store(stamped, "trustpass").check(jar, false);
        assertEquals(RELEASE, jar.signer());
    }

    @Test
    public void aTimestampFromATrustedAuthorityWhoseCertificateExpiredDoesNotCount() {
        byte[] jar = keys.sign(unsigned(), "expired", tsa.at("old-tsa", WHILE_VALID));

        assertRefused(stamped, "trustpass", jar, Reason.UNTRUSTED, "whose certificate expired on 2020-01-31");
        assertRefused(stamped, "trustpass", jar, Reason.UNTRUSTED, "the jar's timestamp (2020-01-15T12:00:00Z, by"
                + " CN=Old TSA,O=Example) does not count, as the time-stamping authority's certificate is not valid"
                + " now");
    }

    @Test
    public void aTimestampCountsForASignerAndAnAuthorityIssuedByATrustedCertificateAuthority() throws Refusal {
        InspectedJar jar = InspectedJar.read(keys.sign(unsigned(), "team", tsa.at("ca-tsa", WHILE_VALID)));

        store(stamped, "trustpass").check(jar, false);
        assertEquals("CN=Team Release,O=Example", jar.signer());
        assertRefused(stamped, "trustpass", keys.sign(unsigned(), "team"), Reason.UNTRUSTED,
                "signed by CN=Team Release,O=Example, whose certificate expired on 2020-01-31");
    }

    private static void assertRefused(Path store, String password, byte[] jar, Reason reason, String words) {
        Refusal refusal = assertThrows(Refusal.class, () -> (store == null ? NONE : store(store, password))
                .check(InspectedJar.read(jar), false));
        assertRefusal(refusal, reason, words);
    }

    static void assertRefusal(Refusal refusal, Reason reason, String words) {
        assertEquals(refusal.getMessage(), reason, refusal.reason());
        assertTrue("'" + refusal.getMessage() + "' should say '" + words + "'", refusal.getMessage().contains(words));
    }
}
