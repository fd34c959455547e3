package hotfix.runtime.internal.redefine;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import hotfix.runtime.api.HotfixHeaders;
import hotfix.runtime.api.Reason;
import hotfix.runtime.internal.inspect.InspectedJar;
import hotfix.runtime.internal.inspect.JarBytes;
import hotfix.runtime.internal.inspect.Refusal;

/**
 * What a redefine-mode hotfix changes in its target: each class of the jar planned against the
 * bytes the target runs ({@link ClassPlanner}), new classes checked to belong to a package of
 * the target, {@link HotfixHeaders#METHODS} picks applied. The runtime plans against a running
 * bundle, the tool against a base jar, through {@link Base}: the same plan either way.
 */
public final class RedefinePlan {

    /** The target as the plan sees it: a running bundle, or a base jar offline. */
    public interface Base {

        /** @return the target's symbolic name, for messages */
        String name();

        /** @return the bytes of an entry of the target's jar; null if it has none */
        byte[] entry(String path);

        /** @return whether the target's jar has classes in this directory of the jar */
        boolean hasPackage(String directory);

        /**
         * @return why the class cannot be redefined in the target although its jar holds it (it
         *         does not load, or loads from another bundle); empty if it can
         */
        Optional<Problem> problem(String name);

        /** @return the bytes an earlier hotfix redefined the class to, if one did */
        Optional<byte[]> current(String name);

        /** @return the bytes of a class an earlier hotfix added, if one did */
        Optional<byte[]> added(String name);
    }

    /**
     * A class the target's jar holds but the plan cannot redefine.
     *
     * @param foreign whether it belongs to another bundle (refused as NOT_IN_TARGET when alone)
     * @param why     what is wrong and what to do
     */
    public record Problem(boolean foreign, String why) {
    }

    private final Map<String, byte[]> redefined = new LinkedHashMap<>();
    private final Map<String, byte[]> previous = new LinkedHashMap<>();
    private final Map<String, byte[]> added = new LinkedHashMap<>();
    private final List<String> classes = new ArrayList<>();
    private final List<String> notes = new ArrayList<>();
    private final List<String> unapplied = new ArrayList<>();

    private RedefinePlan() {
    }

    /**
     * @throws Refusal STRUCTURAL_CHANGE, NOT_IN_TARGET, INVALID_HEADER or NO_CHANGE, naming every
     *                 class that cannot be redefined and why
     */
    public static RedefinePlan plan(InspectedJar jar, Base base) throws Refusal {
        RedefinePlan plan = new RedefinePlan();
        plan.planClasses(jar, base);
        return plan;
    }

    private void planClasses(InspectedJar jar, Base base) throws Refusal {
        Map<String, Set<String>> picks = picks(jar);
        List<String> refusals = new ArrayList<>();
        // classes that are not the target's to redefine: refused as NOT_IN_TARGET when alone
        List<String> foreign = new ArrayList<>();
        for (String path : jar.names()) {
            if (!path.endsWith(".class") || path.startsWith("META-INF/") || path.endsWith("module-info.class")) {
                continue;
            }
            String name = JarBytes.binaryName(path);
            byte[] original = base.entry(path);
            if (original == null) {
                planNew(name, path, jar.entry(path), base, picks, refusals, foreign);
                continue;
            }
            Optional<Problem> problem = base.problem(name);
            if (problem.isPresent()) {
                (problem.get().foreign() ? foreign : refusals).add(name + ": " + problem.get().why());
                continue;
            }
            byte[] before = base.current(name).orElse(original);
            ClassPlan plan = ClassPlanner.plan(name, before, jar.entry(path), picks.getOrDefault(name, Set.of()));
            picks.remove(name);
            if (plan.refused()) {
                refusals.addAll(plan.refusals());
            } else if (plan.changed()) {
                redefined.put(name, plan.bytes());
                previous.put(name, before);
                unapplied.addAll(plan.unapplied());
                classes.add(name + ": redefined in place"
                        + (plan.notes().isEmpty() ? "" : " (" + String.join("; ", plan.notes()) + ")"));
            } else {
                notes.add(name + " is unchanged");
            }
        }
        picks.keySet().forEach(name -> refusals.add(HotfixHeaders.METHODS + " names " + name
                + ", which the jar does not hold"));
        if (!refusals.isEmpty() || !foreign.isEmpty()) {
            Reason reason = refusals.isEmpty() ? Reason.NOT_IN_TARGET : Reason.STRUCTURAL_CHANGE;
            refusals.addAll(foreign);
            throw new Refusal(reason,
                    "cannot redefine " + base.name() + " in place: " + String.join("; ", refusals));
        }
        if (redefined.isEmpty() && added.isEmpty()) {
            throw new Refusal(Reason.NO_CHANGE, "every class of the hotfix is identical to what "
                    + base.name() + " runs: there is nothing to redefine");
        }
    }

    private void planNew(String name, String path, byte[] bytes, Base base, Map<String, Set<String>> picks,
            List<String> refusals, List<String> foreign) {
        int slash = path.lastIndexOf('/');
        String directory = slash < 0 ? "/" : path.substring(0, slash);
        if (!base.hasPackage(directory)) {
            foreign.add(name + " is a new class in package " + (slash < 0 ? "(default)"
                    : directory.replace('/', '.')) + ", which " + base.name()
                    + " does not contain: a new class must go in a package of the target");
            return;
        }
        if (picks.remove(name) != null) {
            refusals.add(HotfixHeaders.METHODS + " picks methods of " + name
                    + ", which is a new class: there is no old body");
            return;
        }
        Optional<byte[]> earlier = base.added(name);
        if (earlier.isPresent()) {
            if (!Arrays.equals(earlier.get(), bytes)) {
                refusals.add(name + " was added by an earlier hotfix with other bytes, and a class cannot be "
                        + "defined twice: give the new helper another name");
            }
            return;
        }
        added.put(name, bytes);
        classes.add(name + ": new, defined in " + base.name() + "'s class loader");
    }

    private static Map<String, Set<String>> picks(InspectedJar jar) throws Refusal {
        Map<String, Set<String>> picks = new LinkedHashMap<>();
        String header = jar.header(HotfixHeaders.METHODS);
        if (header == null || header.isBlank()) {
            return picks;
        }
        for (String item : header.split(",")) {
            String pick = item.trim();
            int hash = pick.indexOf('#');
            if (hash <= 0 || hash == pick.length() - 1) {
                throw new Refusal(Reason.INVALID_HEADER, HotfixHeaders.METHODS + ": '" + pick
                        + "' is not Class#method (a binary class name, '#', a method name, an optional descriptor)");
            }
            picks.computeIfAbsent(pick.substring(0, hash), k -> new LinkedHashSet<>()).add(pick.substring(hash + 1));
        }
        return picks;
    }

    /** @return the classes to redefine, by binary name, with the bytes they get */
    public Map<String, byte[]> redefined() {
        return Collections.unmodifiableMap(redefined);
    }

    /** @return the same classes with the bytes they run now: what a rollback puts back */
    public Map<String, byte[]> previous() {
        return Collections.unmodifiableMap(previous);
    }

    /** @return the new classes to define in the target's class loader, by binary name */
    public Map<String, byte[]> added() {
        return Collections.unmodifiableMap(added);
    }

    /** @return one line per class redefined or added, with what the planner noted */
    public List<String> classes() {
        return Collections.unmodifiableList(classes);
    }

    /** @return the classes of the jar that are unchanged */
    public List<String> notes() {
        return Collections.unmodifiableList(notes);
    }

    /**
     * @return what of the new classes the redefinition leaves out although their source says it
     *         ({@link ClassPlan#unapplied()}), one line each; already in {@link #classes()}
     */
    public List<String> unapplied() {
        return Collections.unmodifiableList(unapplied);
    }
}
