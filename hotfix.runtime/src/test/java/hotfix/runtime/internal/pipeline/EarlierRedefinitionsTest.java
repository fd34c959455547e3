package hotfix.runtime.internal.pipeline;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.Test;
import org.osgi.framework.Version;

import hotfix.runtime.api.Reason;
import hotfix.runtime.internal.inspect.InspectedJar;
import hotfix.runtime.internal.inspect.JarBytes;
import hotfix.runtime.internal.inspect.Refusal;
import hotfix.runtime.internal.redefine.Versions;

/**
 * A swap checked against the redefinitions applied to its target: hotfix 3 redefined BodyChange
 * of example.target 1.0.0, which runs 1.0.2 since.
 */
public class EarlierRedefinitionsTest {

    private static final String CHANGED = Versions.name("BodyChange");
    private static final String OTHER = Versions.name("Unchanged");

    private final EarlierRedefinitions redefined = new EarlierRedefinitions("example.target", new Version("1.0.0"),
            new Version("1.0.2"), Map.of(CHANGED, 3L), path -> path.equals(JarBytes.path(CHANGED))
                    ? Versions.v1("BodyChange") : null, id -> "hotfix " + id + " (fix.jar)");

    @Test
    public void aSwapMadeForTheVersionBeforeTheRedefinitionIsRefusedNamingItAndTheWaysOn() {
        InspectedJar swap = swap("1.0.1", "[1.0.0,1.0.0]", Map.of(JarBytes.path(OTHER), Versions.v2("Unchanged")));

        Refusal refusal = assertThrows(Refusal.class, () -> redefined.check(swap));

        assertEquals(Reason.VERSION_NOT_HIGHER, refusal.reason());
        assertTrue(refusal.getMessage(), refusal.getMessage().startsWith("example.target runs 1.0.2, not 1.0.0: "
                + "hotfix 3 (fix.jar) redefined " + CHANGED + " in place, and this swap was not made on top of that "
                + "(its version 1.0.1 is not above 1.0.2)"));
        assertTrue(refusal.getMessage(), refusal.getMessage().endsWith("or roll back hotfix 3 first, then apply "
                + "this swap, then apply hotfix 3 again, if its Hotfix-Target-Version includes 1.0.1. Nothing was "
                + "changed"));
    }

    @Test
    public void aSwapAboveTheRedefinitionWhoseRangeLeavesItOutCannotTakeItBackOnTop() {
        InspectedJar swap = swap("1.0.3", "[1.0.0,1.0.0]", Map.of());

        Refusal refusal = assertThrows(Refusal.class, () -> redefined.check(swap));

        assertEquals(Reason.TARGET_VERSION_MISMATCH, refusal.reason());
        assertTrue(refusal.getMessage(), refusal.getMessage().contains("(its Hotfix-Target-Version [1.0.0,1.0.0] "
                + "does not include 1.0.2)"));
        assertTrue(refusal.getMessage(), refusal.getMessage().endsWith("roll back hotfix 3 first, then apply this "
                + "swap, which drops that change. Nothing was changed"));
    }

    @Test
    public void aSwapThatHoldsTheClassTheRedefinitionReplacedIsRefusedThoughItsVersionFits() {
        InspectedJar swap = swap("1.0.3", "[1.0.0,1.1.0)", Map.of(JarBytes.path(CHANGED), Versions.v1("BodyChange")));

        Refusal refusal = assertThrows(Refusal.class, () -> redefined.check(swap));

        assertEquals(Reason.TARGET_VERSION_MISMATCH, refusal.reason());
        assertTrue(refusal.getMessage(), refusal.getMessage().startsWith("this swap of example.target would undo "
                + "hotfix 3 (fix.jar): its " + CHANGED + " is the class as it was before that redefinition"));
        assertTrue(refusal.getMessage(), refusal.getMessage().contains("make the swap from sources that include "
                + "that change"));
    }

    @Test
    public void aSwapWithItsOwnCopyOfTheClassOrWithoutItIsAcceptedAndThePlanSaysWhatItReplaces() throws Refusal {
        redefined.check(swap("1.0.3", "[1.0.0,1.1.0)", Map.of(JarBytes.path(CHANGED), Versions.v2("BodyChange"))));

        assertEquals(List.of(CHANGED + ": the new version's class takes the place of hotfix 3's redefinition of it"),
                redefined.notes());

        EarlierRedefinitions again = new EarlierRedefinitions("example.target", new Version("1.0.0"),
                new Version("1.0.2"), Map.of(CHANGED, 3L), path -> null, id -> "hotfix " + id);
        again.check(swap("1.0.3", null, Map.of()));

        assertEquals(List.of(CHANGED + ": removed with the bundle, and hotfix 3's redefinition of it with it"),
                again.notes());
    }

    @Test
    public void withoutRedefinitionsTheSwapIsCheckedAgainstItsBundleAlone() {
        EarlierRedefinitions none = new EarlierRedefinitions("example.target", new Version("1.0.0"),
                new Version("1.0.0"), Map.of(), path -> null, id -> "hotfix " + id);

        Refusal refusal = assertThrows(Refusal.class, () -> none.check(swap("1.0.0", null, Map.of())));

        assertEquals(Reason.VERSION_NOT_HIGHER, refusal.reason());
        assertTrue(refusal.getMessage(), refusal.getMessage().startsWith("the hotfix's version 1.0.0 is not higher"));
    }

    private static InspectedJar swap(String version, String range, Map<String, byte[]> entries) {
        Map<String, String> main = new LinkedHashMap<>(Map.of("Bundle-ManifestVersion", "2",
                "Bundle-SymbolicName", "example.target", "Bundle-Version", version));
        if (range != null) {
            main.put("Hotfix-Target-Version", range);
        }
        try {
            return InspectedJar.read(JarBytes.write(main, entries));
        } catch (Refusal e) {
            throw new AssertionError(e);
        }
    }
}
