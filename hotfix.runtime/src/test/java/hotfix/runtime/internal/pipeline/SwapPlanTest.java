package hotfix.runtime.internal.pipeline;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.junit.Test;

import hotfix.runtime.api.Reason;
import hotfix.runtime.internal.inspect.InspectedJar;
import hotfix.runtime.internal.inspect.JarBytes;
import hotfix.runtime.internal.inspect.Refusal;
import hotfix.runtime.internal.redefine.Versions;

/**
 * A swap-mode jar planned against a base that is only a jar's entries and a list of services, as
 * the tool plans offline: the plan the runtime makes against a running bundle, without one.
 */
public class SwapPlanTest {

    private static final String TARGET = "example.target";
    private static final String PACKAGE = "fixtures.redefine.v1";

    @Test
    public void servicesAreMatchedByComponentNameAndClassesByTheirBytes() throws Refusal {
        Map<String, byte[]> entries = new LinkedHashMap<>();
        entries.put(JarBytes.path(Versions.name("BodyChange")), Versions.v2("BodyChange"));
        entries.put(JarBytes.path(Versions.name("Unchanged")), Versions.v1("Unchanged"));
        entries.put(JarBytes.path(Versions.name("Point")), Versions.v2("Point"));
        entries.put("OSGI-INF/kept.xml", component("kept", "example.Api"));
        entries.put("OSGI-INF/added.xml", component("added", "example.Other"));
        InspectedJar jar = jar(Map.of("Service-Component", "OSGI-INF/*.xml"), entries);
        MapBase base = new MapBase(Map.of(
                JarBytes.path(Versions.name("BodyChange")), Versions.v1("BodyChange"),
                JarBytes.path(Versions.name("Unchanged")), Versions.v1("Unchanged")),
                List.of(new SwapPlan.Service("component kept", List.of("example.Api"), true),
                        new SwapPlan.Service("component dropped", List.of("example.Gone"), false),
                        new SwapPlan.Service("interfaces example.Plain", List.of("example.Plain"), false)),
                Map.of());

        SwapPlan plan = SwapPlan.plan(jar, base);

        // a service its code registers (no component.name): only staging shows what replaces it
        assertEquals(List.of("example.Api (component kept, state handed over): swapped",
                "example.Other (component added): new", "example.Gone (component dropped): removed",
                "example.Plain (interfaces example.Plain, no state): swapped if the new version registers it again "
                        + "as it starts (its code registers it, so only staging shows what replaces it)"),
                plan.services());
        assertEquals(0, plan.leftAlone());
        assertEquals(List.of(Versions.name("BodyChange") + ": replaced with the bundle",
                Versions.name("Point") + ": added with the bundle"), plan.classes());
    }

    @Test
    public void twoServicesWithOneKeyAreRefusedAsAmbiguous() throws Refusal {
        SwapPlan.Service twice = new SwapPlan.Service("interfaces example.Api", List.of("example.Api"), false);
        Refusal refusal = assertThrows(Refusal.class, () -> SwapPlan.plan(jar(Map.of(), Map.of()),
                new MapBase(Map.of(), List.of(twice, twice), Map.of())));

        assertEquals(Reason.AMBIGUOUS_SERVICES, refusal.reason());
        assertTrue(refusal.getMessage(), refusal.getMessage().startsWith(TARGET + " registers two services with "
                + "interfaces example.Api"));
    }

    @Test
    public void aNewComponentThatNoLongerProvidesAnInterfaceOfItsProxyIsRefused() {
        InspectedJar jar = jar(Map.of("Service-Component", "OSGI-INF/*.xml"),
                Map.of("OSGI-INF/kept.xml", component("kept", "example.Api")));
        MapBase base = new MapBase(Map.of(), List.of(new SwapPlan.Service("component kept",
                List.of("example.Api", "example.Other"), false)), Map.of());

        Refusal refusal = assertThrows(Refusal.class, () -> SwapPlan.plan(jar, base));

        assertEquals(Reason.INCOMPATIBLE_SERVICE, refusal.reason());
        assertTrue(refusal.getMessage(), refusal.getMessage().startsWith("the new component kept of " + TARGET
                + " 1.0.1 provides [example.Api] but not example.Other"));
    }

    @Test
    public void stateThatNothingNewTakesIsRefusedOnlyWhenTheJarDeclaresItsComponents() throws Refusal {
        SwapPlan.Service ledger = new SwapPlan.Service("component ledger", List.of("example.Api"), true);
        InspectedJar declaring = jar(Map.of("Service-Component", "OSGI-INF/*.xml"),
                Map.of("OSGI-INF/other.xml", component("other", "example.Other")));

        Refusal refusal = assertThrows(Refusal.class, () -> SwapPlan.plan(declaring,
                new MapBase(Map.of(), List.of(ledger), Map.of())));

        assertEquals(Reason.STATE_TRANSFER_FAILED, refusal.reason());
        assertTrue(refusal.getMessage(), refusal.getMessage().startsWith("the old component ledger of " + TARGET
                + " 1.0.0 hands over state (StateTransfer), but no service of " + TARGET + " 1.0.1 matches it"));
        assertEquals("without descriptors only the stage can tell", List.of("example.Api (component ledger): removed"),
                SwapPlan.plan(jar(Map.of(), Map.of()), new MapBase(Map.of(), List.of(ledger), Map.of())).services());
    }

    @Test
    public void aServiceNoProxyStandsForIsReRegistered() throws Refusal {
        InspectedJar jar = jar(Map.of("Service-Component", "OSGI-INF/*.xml"),
                Map.of("OSGI-INF/command.xml", component("command", "example.Command")));
        MapBase base = new MapBase(Map.of(), List.of(), Map.of()) {
            @Override
            public List<SwapPlan.LeftAlone> leftAlone() {
                return List.of(new SwapPlan.LeftAlone("component command", List.of("example.Command"),
                        "it is a Gogo command"));
            }
        };

        SwapPlan plan = SwapPlan.plan(jar, base);

        assertEquals(List.of("example.Command (component command): re-registered: it is a Gogo command"),
                plan.services());
        assertEquals(1, plan.leftAlone());
    }

    @Test
    public void aChangedClassOfAnImportedPackageIsRedefinedInTheOldExporter() throws Refusal {
        InspectedJar jar = jar(Map.of(), classes("v2", "BodyChange", "Unchanged"));
        MapBase base = new MapBase(classes("v1", "BodyChange", "Unchanged"), List.of(),
                Map.of(PACKAGE, List.of("example.consumer")));

        List<SwapPlan.Redefinition> redefinitions = SwapPlan.exported(jar, base);

        assertEquals(1, redefinitions.size());
        SwapPlan.Redefinition change = redefinitions.get(0);
        assertEquals(Versions.name("BodyChange"), change.name());
        assertArrayEquals(Versions.v1("BodyChange"), change.before());
        assertEquals(List.of("example.consumer"), change.importers());
    }

    @Test
    public void aClassNewInAnImportedPackageOrOneHotSpotCannotRedefineIsRefused() {
        InspectedJar jar = jar(Map.of(), classes("v2", "AddMethod", "Point"));
        MapBase base = new MapBase(classes("v1", "AddMethod"), List.of(),
                Map.of(PACKAGE, List.of("example.consumer")));

        Refusal refusal = assertThrows(Refusal.class, () -> SwapPlan.exported(jar, base));

        assertEquals(Reason.EXPORTED_PACKAGE_CHANGED, refusal.reason());
        assertTrue(refusal.getMessage(), refusal.getMessage().contains(Versions.name("AddMethod") + ": adds method"));
        assertTrue(refusal.getMessage(), refusal.getMessage().contains(Versions.name("Point") + " is new in " + PACKAGE
                + ", which [example.consumer] import from the old version: they could never see it"));
    }

    @Test
    public void aPackageNoBundleImportsIsNotPlanned() throws Refusal {
        InspectedJar jar = jar(Map.of(), classes("v2", "AddMethod"));

        assertEquals(List.of(), SwapPlan.exported(jar, new MapBase(classes("v1", "AddMethod"), List.of(),
                Map.of(PACKAGE, List.of()))));
    }

    @Test
    public void whatTheBaseSaysStopsARedefinitionIsTheRefusal() {
        InspectedJar jar = jar(Map.of(), classes("v2", "BodyChange"));
        MapBase base = new MapBase(classes("v1", "BodyChange"), List.of(), Map.of(PACKAGE, List.of("example.consumer"))) {
            @Override
            public Optional<String> cannotRedefine(String name) {
                return Optional.of(name + " changes, and this JVM cannot redefine");
            }
        };

        Refusal refusal = assertThrows(Refusal.class, () -> SwapPlan.exported(jar, base));

        assertTrue(refusal.getMessage(), refusal.getMessage().endsWith(Versions.name("BodyChange")
                + " changes, and this JVM cannot redefine"));
    }

    /** @return v1 or v2 of the fixtures named, each under v1's name */
    private static Map<String, byte[]> classes(String version, String... simpleNames) {
        Map<String, byte[]> entries = new LinkedHashMap<>();
        for (String simpleName : simpleNames) {
            entries.put(JarBytes.path(Versions.name(simpleName)),
                    version.equals("v1") ? Versions.v1(simpleName) : Versions.v2(simpleName));
        }
        return entries;
    }

    private static InspectedJar jar(Map<String, String> headers, Map<String, byte[]> entries) {
        Map<String, String> main = new LinkedHashMap<>(Map.of("Bundle-ManifestVersion", "2",
                "Bundle-SymbolicName", TARGET, "Bundle-Version", "1.0.1"));
        main.putAll(headers);
        try {
            return InspectedJar.read(JarBytes.write(main, entries));
        } catch (Refusal e) {
            throw new AssertionError(e);
        }
    }

    private static byte[] component(String name, String provides) {
        return ("<scr:component xmlns:scr=\"http://www.osgi.org/xmlns/scr/v1.3.0\" name=\"" + name + "\">"
                + "<implementation class=\"example.Impl\"/><service><provide interface=\"" + provides + "\"/></service>"
                + "</scr:component>").getBytes(StandardCharsets.UTF_8);
    }

    private static class MapBase implements SwapPlan.Base, SwapPlan.Exporter {

        private final Map<String, byte[]> entries;
        private final List<SwapPlan.Service> services;
        private final Map<String, List<String>> imported;

        MapBase(Map<String, byte[]> entries, List<SwapPlan.Service> services, Map<String, List<String>> imported) {
            this.entries = entries;
            this.services = services;
            this.imported = imported;
        }

        @Override
        public String name() {
            return TARGET;
        }

        @Override
        public String identity() {
            return TARGET + " 1.0.0";
        }

        @Override
        public List<SwapPlan.LeftAlone> leftAlone() {
            return List.of();
        }

        @Override
        public byte[] entry(String path) {
            return entries.get(path);
        }

        @Override
        public List<SwapPlan.Service> services() {
            return services;
        }

        @Override
        public Map<String, List<String>> importedPackages() {
            return imported;
        }

        @Override
        public Optional<String> cannotRedefine(String name) {
            return Optional.empty();
        }
    }
}
