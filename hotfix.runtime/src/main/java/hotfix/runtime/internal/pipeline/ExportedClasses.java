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

import hotfix.runtime.api.Reason;
import hotfix.runtime.internal.inspect.InspectedJar;
import hotfix.runtime.internal.inspect.Refusal;

/**
 * Swapping replaces the class loader, but importers stay wired to the old one: changed classes of
 * a package the target exports to other bundles are redefined in place in the old exporter, in
 * the same window. A change HotSpot cannot redefine, or a class the package gains, is refused
 * ({@link SwapPlan#exported}); this class holds what the window redefines.
 */
final class ExportedClasses {

    private final List<ClassDefinition> changed = new ArrayList<>();
    private final List<ClassDefinition> originals = new ArrayList<>();
    private final List<String> classes = new ArrayList<>();
    private final Set<String> importers = new TreeSet<>();

    private ExportedClasses() {
    }

    /**
     * @param old        the exporter being replaced, as the plan sees it
     * @param jar        its new version
     * @param rolledBack what a hotfix being rolled back redefined in the old exporter, to put back
     * @throws Refusal EXPORTED_PACKAGE_CHANGED if importers could not get a change
     */
    static ExportedClasses plan(SwapTarget old, InspectedJar jar, List<ClassDefinition> rolledBack)
            throws Refusal {
        ExportedClasses plan = new ExportedClasses();
        if (old.wired()) {
            for (SwapPlan.Redefinition change : SwapPlan.exported(jar, old)) {
                Class<?> loaded;
                try {
                    loaded = old.load(change.name());
                } catch (ClassNotFoundException | LinkageError e) {
                    throw new Refusal(Reason.EXPORTED_PACKAGE_CHANGED, change.name() + " cannot be loaded from "
                            + old.name() + ": " + e);
                }
                plan.changed.add(new ClassDefinition(loaded, change.bytes()));
                plan.originals.add(new ClassDefinition(loaded, change.before()));
                plan.classes.add(change.name() + ": redefined in place in the old exporter, for its importers");
                plan.importers.addAll(change.importers());
            }
        }
        plan.changed.addAll(rolledBack);
        return plan;
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
