package hotfix.runtime.internal.redefine;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.junit.Test;

import hotfix.runtime.api.HotfixHeaders;
import hotfix.runtime.api.Reason;
import hotfix.runtime.internal.inspect.InspectedJar;
import hotfix.runtime.internal.inspect.JarBytes;
import hotfix.runtime.internal.inspect.Refusal;

/**
 * A whole redefine-mode jar planned against a base that is only a jar's entries, as the tool
 * plans offline: the plan the runtime makes against a running bundle, without one.
 */
public class RedefinePlanTest {

    private static final String TARGET = "example.target";

    @Test
    public void aBodyChangeIsRedefinedAndAnUnchangedClassIsNoted() throws Refusal {
        RedefinePlan plan = RedefinePlan.plan(hotfix(Map.of(), "BodyChange", "Unchanged"),
                base("BodyChange", "Unchanged"));

        String name = Versions.name("BodyChange");
        assertEquals(List.of(name), List.copyOf(plan.redefined().keySet()));
        assertArrayEquals(Versions.v1("BodyChange"), plan.previous().get(name));
        assertEquals(List.of(name + ": redefined in place"), plan.classes());
        assertEquals(List.of(Versions.name("Unchanged") + " is unchanged"), plan.notes());
        assertTrue(plan.added().isEmpty());
        assertEquals(List.of(), plan.unapplied());
    }

    @Test
    public void whatARedefinitionLeavesOutIsGatheredFromEveryClass() throws Refusal {
        RedefinePlan plan = RedefinePlan.plan(hotfix(Map.of(), "BodyChange", "StaticState"),
                base("BodyChange", "StaticState"));

        assertEquals(2, plan.redefined().size());
        assertEquals(plan.unapplied().toString(), 2, plan.unapplied().size());
        assertTrue(plan.unapplied().toString(), plan.unapplied().stream()
                .allMatch(line -> line.startsWith(Versions.name("StaticState") + ": ")));
    }

    @Test
    public void aStructuralChangeIsRefusedNamingTheClassAndTheMember() {
        Refusal refusal = assertThrows(Refusal.class,
                () -> RedefinePlan.plan(hotfix(Map.of(), "AddMethod"), base("AddMethod")));

        assertEquals(Reason.STRUCTURAL_CHANGE, refusal.reason());
        assertTrue(refusal.getMessage(), refusal.getMessage().startsWith("cannot redefine " + TARGET + " in place: "
                + Versions.name("AddMethod")));
    }

    @Test
    public void aNewClassGoesInAPackageOfTheTargetOrIsRefused() throws Refusal {
        RedefinePlan plan = RedefinePlan.plan(hotfix(Map.of(), "BodyChange", "Point"), base("BodyChange"));
        assertEquals(List.of(Versions.name("Point")), List.copyOf(plan.added().keySet()));

        Refusal elsewhere = assertThrows(Refusal.class,
                () -> RedefinePlan.plan(hotfix(Map.of(), "Point"), new MapBase(Map.of())));
        assertEquals(Reason.NOT_IN_TARGET, elsewhere.reason());
    }

    @Test
    public void aJarIdenticalToTheBaseChangesNothingAndIsRefused() {
        Refusal refusal = assertThrows(Refusal.class,
                () -> RedefinePlan.plan(hotfix(Map.of(), "Unchanged"), base("Unchanged")));
        assertEquals(Reason.NO_CHANGE, refusal.reason());
    }

    @Test
    public void aPickOfAClassTheJarDoesNotHoldIsRefused() {
        Refusal refusal = assertThrows(Refusal.class, () -> RedefinePlan.plan(
                hotfix(Map.of(HotfixHeaders.METHODS, Versions.name("Point") + "#x"), "BodyChange"),
                base("BodyChange")));
        assertEquals(Reason.STRUCTURAL_CHANGE, refusal.reason());
        assertTrue(refusal.getMessage(), refusal.getMessage().contains(HotfixHeaders.METHODS + " names "
                + Versions.name("Point") + ", which the jar does not hold"));
    }

    /** @return a redefine-mode hotfix of the v2 fixtures named, renamed onto v1's package */
    private static InspectedJar hotfix(Map<String, String> headers, String... classes) throws Refusal {
        Map<String, String> main = new LinkedHashMap<>(Map.of("Bundle-ManifestVersion", "2",
                "Bundle-SymbolicName", TARGET, "Bundle-Version", "1.0.1", HotfixHeaders.MODE, "redefine"));
        main.putAll(headers);
        Map<String, byte[]> entries = new LinkedHashMap<>();
        for (String simpleName : classes) {
            entries.put(JarBytes.path(Versions.name(simpleName)), Versions.v2(simpleName));
        }
        return InspectedJar.read(JarBytes.write(main, entries));
    }

    /** @return a base that holds v1 of the fixtures named */
    private static MapBase base(String... classes) {
        Map<String, byte[]> entries = new LinkedHashMap<>();
        for (String simpleName : classes) {
            entries.put(JarBytes.path(Versions.name(simpleName)), Versions.v1(simpleName));
        }
        return new MapBase(entries);
    }

    private record MapBase(Map<String, byte[]> entries) implements RedefinePlan.Base {

        @Override
        public String name() {
            return TARGET;
        }

        @Override
        public byte[] entry(String path) {
            return entries.get(path);
        }

        @Override
        public boolean hasPackage(String directory) {
            return entries.keySet().stream().anyMatch(path -> path.startsWith(directory + "/")
                    && path.indexOf('/', directory.length() + 1) < 0);
        }

        @Override
        public Optional<RedefinePlan.Problem> problem(String name) {
            return Optional.empty();
        }

        @Override
        public Optional<byte[]> current(String name) {
            return Optional.empty();
        }

        @Override
        public Optional<byte[]> added(String name) {
            return Optional.empty();
        }
    }
}
