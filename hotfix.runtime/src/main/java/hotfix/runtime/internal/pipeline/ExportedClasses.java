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
import org.osgi.framework.BundleReference;

import hotfix.runtime.api.Reason;
import hotfix.runtime.internal.inspect.InspectedJar;
import hotfix.runtime.internal.inspect.Refusal;
import hotfix.runtime.internal.redefine.Redefinitions;

/**
 * Swapping replaces the class loader, but importers stay wired to the old one: changed classes of
 * a package the target exports to other bundles are redefined in place in the old exporter, in
 * the same window. Importers an earlier swap left wired to an older revision, pending removal,
 * are reached the same way, in that revision. A change HotSpot cannot redefine, or a class the
 * package gains, is refused ({@link SwapPlan#exported}); this class holds what the window
 * redefines, and how to put it back.
 */
final class ExportedClasses {

    private final List<ClassDefinition> changed = new ArrayList<>();
    private final List<ClassDefinition> before = new ArrayList<>();
    private final List<Redefinitions.Exported> redefined = new ArrayList<>();
    private final List<String> classes = new ArrayList<>();
    private final List<String> notes = new ArrayList<>();

    private ExportedClasses() {
    }

    /**
     * @param exporters the revisions of the target importers may be wired to
     * @param jar       the new version of the target
     * @throws Refusal EXPORTED_PACKAGE_CHANGED if importers could not get a change
     */
    static ExportedClasses plan(List<ExportingRevision> exporters, InspectedJar jar) throws Refusal {
        ExportedClasses plan = new ExportedClasses();
        for (ExportingRevision exporter : exporters) {
            Set<String> importers = new TreeSet<>();
            for (SwapPlan.Redefinition change : SwapPlan.exported(jar, exporter)) {
                Class<?> loaded;
                try {
                    loaded = exporter.load(change.name());
                } catch (ClassNotFoundException | LinkageError e) {
                    throw new Refusal(Reason.EXPORTED_PACKAGE_CHANGED, change.name() + " cannot be loaded from "
                            + exporter.identity() + ": " + e);
                }
                plan.changed.add(new ClassDefinition(loaded, change.bytes()));
                plan.before.add(new ClassDefinition(loaded, change.before()));
                plan.redefined.add(new Redefinitions.Exported(loaded, change.before(), change.bytes()));
                plan.classes.add(change.name() + ": redefined in place in " + exporter.where() + ", for its importers");
                importers.addAll(change.importers());
            }
            if (!importers.isEmpty()) {
                plan.notes.add("classes of exported packages were redefined in place in " + exporter.identity()
                        + ", which " + importers + " stay wired to");
            }
        }
        return plan;
    }

    /**
     * Plans a rollback: what the hotfix rolled back redefined in old exporters goes back to what
     * they ran before it, and the running revision's importers, if any, get the version put back.
     *
     * @param rolledBack what the hotfix rolled back redefined, as it remembered it
     */
    static ExportedClasses rollback(List<ExportingRevision> running, InspectedJar jar,
            List<Redefinitions.Exported> rolledBack) throws Refusal {
        ExportedClasses plan = plan(running, jar);
        for (Redefinitions.Exported exported : rolledBack) {
            plan.changed.add(new ClassDefinition(exported.type(), exported.before()));
            plan.before.add(new ClassDefinition(exported.type(), exported.after()));
            plan.classes.add(exported.type().getName() + ": redefined back in place in " + identity(exported.type())
                    + ", for its importers");
        }
        return plan;
    }

    private static String identity(Class<?> type) {
        if (!(type.getClassLoader() instanceof BundleReference reference)) {
            return String.valueOf(type.getClassLoader());
        }
        Bundle bundle = reference.getBundle();
        return bundle.getSymbolicName() + " " + bundle.getVersion()
                + (bundle.getState() == Bundle.UNINSTALLED ? " (pending removal)" : "");
    }

    /**
     * Redefines the planned classes, all or none; inside the window. Pushes the step that
     * redefines them back, for a later step of the commit that fails.
     */
    void redefine(Optional<Instrumentation> instrumentation, Undo undo) throws Refusal {
        if (changed.isEmpty()) {
            return;
        }
        try {
            instrumentation.orElseThrow().redefineClasses(changed.toArray(ClassDefinition[]::new));
        } catch (ClassNotFoundException | UnmodifiableClassException | RuntimeException | LinkageError e) {
            throw new Refusal(Reason.EXPORTED_PACKAGE_CHANGED, "the JVM refused to redefine the exported classes "
                    + "in the old version, and changed none: " + e);
        }
        undo.push(() -> {
            try {
                instrumentation.orElseThrow().redefineClasses(before.toArray(ClassDefinition[]::new));
            } catch (ClassNotFoundException | UnmodifiableClassException e) {
                throw new IllegalStateException("cannot redefine the exported classes back", e);
            }
        });
    }

    /** @return one line per class redefined for importers */
    List<String> classes() {
        return classes;
    }

    /** @return what the report says of it: one line per revision whose classes were redefined */
    List<String> notes() {
        return notes;
    }

    /**
     * @return the classes planned from the jar, with their bytes before and after: what rolling
     *         the swap back puts back, and what a later swap plans against
     */
    List<Redefinitions.Exported> redefined() {
        return redefined;
    }
}
