package hotfix.runtime.internal.pipeline;

import java.lang.instrument.ClassDefinition;
import java.lang.instrument.Instrumentation;
import java.lang.instrument.UnmodifiableClassException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

import org.osgi.framework.Bundle;
import org.osgi.framework.namespace.PackageNamespace;
import org.osgi.framework.wiring.BundleCapability;
import org.osgi.framework.wiring.BundleWire;
import org.osgi.framework.wiring.BundleWiring;

import hotfix.runtime.api.Reason;
import hotfix.runtime.internal.inspect.InspectedJar;
import hotfix.runtime.internal.inspect.JarBytes;
import hotfix.runtime.internal.inspect.Refusal;
import hotfix.runtime.internal.redefine.ClassPlan;
import hotfix.runtime.internal.redefine.ClassPlanner;

/**
 * Swapping replaces the class loader, but importers stay wired to the old one: changed classes of
 * a package the target exports to other bundles are redefined in place in the old exporter, in
 * the same window. A change HotSpot cannot redefine, or a class the package gains, is refused.
 */
final class ExportedClasses {

    private final List<ClassDefinition> changed = new ArrayList<>();
    private final List<ClassDefinition> originals = new ArrayList<>();
    private final List<String> classes = new ArrayList<>();
    private final Set<String> importers = new TreeSet<>();

    private ExportedClasses() {
    }

    /**
     * @param old             the exporter being replaced
     * @param jar             its new version
     * @param instrumentation how importers get a change, if the JVM can redefine
     * @param rolledBack      what a hotfix being rolled back redefined in the old exporter, to put back
     * @throws Refusal EXPORTED_PACKAGE_CHANGED if importers could not get a change
     */
    static ExportedClasses plan(Bundle old, InspectedJar jar, Optional<Instrumentation> instrumentation,
            List<ClassDefinition> rolledBack) throws Refusal {
        ExportedClasses plan = new ExportedClasses();
        BundleWiring wiring = old.adapt(BundleWiring.class);
        if (wiring != null) {
            plan.planPackages(old, wiring, jar, instrumentation);
        }
        plan.changed.addAll(rolledBack);
        return plan;
    }

    private void planPackages(Bundle old, BundleWiring wiring, InspectedJar jar,
            Optional<Instrumentation> instrumentation) throws Refusal {
        List<String> refusals = new ArrayList<>();
        for (BundleCapability export : wiring.getCapabilities(PackageNamespace.PACKAGE_NAMESPACE)) {
            String pkg = (String) export.getAttributes().get(PackageNamespace.PACKAGE_NAMESPACE);
            List<String> wiredTo = new ArrayList<>();
            for (BundleWire wire : wiring.getProvidedWires(PackageNamespace.PACKAGE_NAMESPACE)) {
                if (wire.getCapability().equals(export) && !wire.getRequirer().getBundle().equals(old)) {
                    wiredTo.add(wire.getRequirer().getBundle().getSymbolicName());
                }
            }
            if (wiredTo.isEmpty()) {
                continue;
            }
            String path = pkg.replace('.', '/') + "/";
            Set<String> names = new TreeSet<>();
            jar.names().stream().filter(n -> isClassIn(n, path)).forEach(names::add);
            for (String name : names) {
                byte[] before = JarBytes.entry(old, name);
                String binary = JarBytes.binaryName(name);
                if (before == null) {
                    refusals.add(binary + " is new in " + pkg + ", which " + wiredTo + " import from the old version:"
                            + " they could never see it");
                } else if (!jar.entryEquals(name, before)) {
                    planClass(old, binary, wiring.getClassLoader(), before, jar.entry(name), instrumentation,
                            refusals);
                    importers.addAll(wiredTo);
                }
            }
        }
        if (!refusals.isEmpty()) {
            throw new Refusal(Reason.EXPORTED_PACKAGE_CHANGED, old.getSymbolicName() + " exports packages that "
                    + "other bundles stay wired to, and their classes cannot change this way: "
                    + String.join("; ", refusals));
        }
    }

    private void planClass(Bundle old, String name, ClassLoader loader, byte[] before, byte[] now,
            Optional<Instrumentation> instrumentation, List<String> refusals) {
        if (instrumentation.isEmpty()) {
            refusals.add(name + " changes, and importers can only get the change by redefinition, which this JVM "
                    + "cannot do: start it with the hotfix agent");
            return;
        }
        Class<?> loaded;
        try {
            loaded = loader.loadClass(name);
        } catch (ClassNotFoundException | LinkageError e) {
            refusals.add(name + " cannot be loaded from " + old.getSymbolicName() + ": " + e);
            return;
        }
        ClassPlan plan = ClassPlanner.plan(name, before, now, Set.of());
        if (plan.refused()) {
            refusals.addAll(plan.refusals());
        } else if (plan.changed()) {
            changed.add(new ClassDefinition(loaded, plan.bytes()));
            originals.add(new ClassDefinition(loaded, before));
            classes.add(name + ": redefined in place in the old exporter, for its importers");
        }
    }

    private static boolean isClassIn(String name, String path) {
        return name.startsWith(path) && name.endsWith(".class") && name.indexOf('/', path.length()) < 0;
    }

    /** Redefines the changed classes in the old exporter, all or none; inside the window. */
    void redefine(Optional<Instrumentation> instrumentation) throws Refusal {
        if (changed.isEmpty()) {
            return;
        }
        try {
            instrumentation.orElseThrow().redefineClasses(changed.toArray(ClassDefinition[]::new));
        } catch (ClassNotFoundException | UnmodifiableClassException | RuntimeException | LinkageError e) {
            throw new Refusal(Reason.EXPORTED_PACKAGE_CHANGED, "the JVM refused to redefine the exported classes "
                    + "in the old version, and changed none: " + e);
        }
    }

    /** @return one line per class redefined for importers */
    List<String> classes() {
        return classes;
    }

    /** @return what the report says of it, if anything was planned */
    Optional<String> note(Bundle old) {
        return originals.isEmpty() ? Optional.empty()
                : Optional.of("classes of exported packages were redefined in place in " + old.getSymbolicName() + " "
                        + old.getVersion() + ", which " + importers + " stay wired to");
    }

    /** @return the planned classes with their bytes before: what rolling the swap back puts back */
    List<ClassDefinition> originals() {
        return originals;
    }
}
