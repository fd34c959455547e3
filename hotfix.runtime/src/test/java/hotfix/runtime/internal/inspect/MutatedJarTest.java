package hotfix.runtime.internal.inspect;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import java.nio.file.Path;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.junit.BeforeClass;
import org.junit.ClassRule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

import hotfix.runtime.api.Reason;

/**
 * A valid hotfix jar corrupted in hundreds of ways, with a fixed seed: inspect's reading and
 * checks either refuse each mutant with a reason or accept it whole; nothing else (no stray
 * exception, no jar half read). The same in the framework, through the manager and on the
 * example's real hotfix: MutationIT in itests.
 */
public class MutatedJarTest {

    static final long SEED = 7;
    static final int MUTANTS = 320;

    @ClassRule
    public static TemporaryFolder folder = new TemporaryFolder();

    static Keys keys;
    static Path store;

    @BeforeClass
    public static void makeKeys() {
        keys = new Keys(folder.getRoot().toPath()).key("release", "CN=Hotfix Release,O=Example", null, 30);
        store = keys.trustStore("trust.p12", "trustpass", "release");
    }

    @Test
    public void everyMutantOfAnUnsignedJarIsRefusedOrReadWhole() throws Refusal {
        run("unsigned, no trust store", Jars.valid(), new TrustStore(Optional.empty(), null));
    }

    @Test
    public void everyMutantOfASignedJarIsRefusedOrReadWholeAndTrusted() throws Refusal {
        byte[] signed = keys.sign(Jars.valid(), "release");
        Map<Reason, Integer> refused = run("signed, trust store", signed,
                new TrustStore(Optional.of(store), "trustpass".toCharArray()));

        assertTrue("tampered content is caught by the signature: " + refused,
                refused.getOrDefault(Reason.SIGNATURE_INVALID, 0) > 0);
    }

    private static Map<Reason, Integer> run(String kind, byte[] original, TrustStore trust) throws Refusal {
        InspectedJar originalJar = read(original);
        Map<String, byte[]> entries = new java.util.LinkedHashMap<>();
        originalJar.names().forEach(name -> entries.put(name, originalJar.entry(name)));
        boolean signed = !read(original).signers().isEmpty();
        List<Mutator.Mutant> mutants = new Mutator(original, SEED).mutants(MUTANTS);
        Map<Reason, Integer> refused = new EnumMap<>(Reason.class);
        int accepted = 0;
        for (Mutator.Mutant mutant : mutants) {
            try {
                InspectedJar jar = InspectedJar.read(mutant.bytes());
                jar.signer();
                trust.check(jar, false);
                // accepted: it must be a whole jar, its classes all checked
                assertEquals(mutant.how(), Jars.TARGET, jar.symbolicName());
                for (String name : jar.names()) {
                    if (name.endsWith(".class")) {
                        JarRules.checkClass(name, jar.entry(name));
                    }
                }
                if (signed) {
                    // whatever changed in the zip, what the signature covers did not
                    assertEquals(mutant.how(), entries.keySet(), jar.names());
                    for (String name : entries.keySet()) {
                        assertTrue(mutant.how() + ": " + name, jar.entryEquals(name, entries.get(name)));
                    }
                }
                accepted++;
            } catch (Refusal refusal) {
                assertTrue(mutant.how() + ": " + refusal.getMessage(), refusal.getMessage().length() > 20);
                refused.merge(refusal.reason(), 1, Integer::sum);
            } catch (RuntimeException | Error e) {
                throw new AssertionError("mutant " + mutant.how() + " (" + kind + ") broke inspect: " + e, e);
            }
        }
        int total = refused.values().stream().mapToInt(Integer::intValue).sum();
        if (total + accepted != MUTANTS) {
            fail("counted " + (total + accepted) + " of " + MUTANTS);
        }
        System.out.println("Mutated jars (" + kind + ", seed " + SEED + "): " + MUTANTS + " tried, " + total
                + " refused " + refused + ", " + accepted + " accepted whole, 0 half-read");
        return refused;
    }

    private static InspectedJar read(byte[] jar) {
        try {
            return InspectedJar.read(jar);
        } catch (Refusal e) {
            throw new AssertionError(e.getMessage(), e);
        }
    }
}
