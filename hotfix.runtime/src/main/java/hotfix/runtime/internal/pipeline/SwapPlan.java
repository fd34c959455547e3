package hotfix.runtime.internal.pipeline;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

import hotfix.runtime.api.Reason;
import hotfix.runtime.api.StateTransfer;
import hotfix.runtime.internal.inspect.Components;
import hotfix.runtime.internal.inspect.InspectedJar;
import hotfix.runtime.internal.inspect.JarBytes;
import hotfix.runtime.internal.inspect.Refusal;
import hotfix.runtime.internal.redefine.ClassPlan;
import hotfix.runtime.internal.redefine.ClassPlanner;

/**
 * What a swap-mode hotfix changes in its target, decided from the jar and what the target has now,
 * touching nothing: per service, swapped behind its proxy (matched by {@code component.name} or
 * interfaces, with or without state), new, removed, or re-registered because no proxy stands for
 * it; per class, replaced or added with the bundle; and the classes of packages that other
 * bundles import from the target, which a swap cannot reach and which are redefined in place in
 * the old exporter instead, or refused. Refuses from the descriptors alone what the commit could
 * not complete: a new component that no longer provides an interface of its proxy, state that
 * nothing new takes. The runtime plans against a running bundle ({@link SwapMode}), the tool
 * against a base jar, through {@link Base}: the same plan either way.
 */
public final class SwapPlan {

    /**
     * A service of the target that a proxy stands for.
     *
     * @param key        how the plan matches it with a new service: {@code component NAME} for a
     *                   Declarative Services component, otherwise {@code interfaces A,B}
     * @param interfaces the interfaces its proxy exposes
     * @param state      whether it hands its state over ({@link StateTransfer})
     */
    public record Service(String key, List<String> interfaces, boolean state) {

        public Service {
            interfaces = List.copyOf(interfaces);
        }

        /** @return the match key of a component of that name */
        public static String component(String name) {
            return "component " + name;
        }
    }

    /**
     * A service of the target that no proxy stands for: a hotfix re-registers it.
     *
     * @param key        its match key
     * @param interfaces its {@code objectClass}
     * @param why        why no proxy stands for it
     */
    public record LeftAlone(String key, List<String> interfaces, String why) {

        public LeftAlone {
            interfaces = List.copyOf(interfaces);
        }
    }

    /**
     * A class of an imported package that the swap changes, to redefine in place in the old
     * exporter so that its importers see the change.
     *
     * @param name      its binary name
     * @param before    the bytes the old exporter runs
     * @param bytes     the bytes to redefine it to
     * @param importers the bundles wired to its package
     */
    public record Redefinition(String name, byte[] before, byte[] bytes, List<String> importers) {
    }

    /** The target as the plan sees it: a running bundle, or a base jar offline. */
    public interface Base {

        /** @return the target's symbolic name, for messages */
        String name();

        /** @return the target's symbolic name and the version it runs, for messages */
        String identity();

        /** @return the bytes of an entry of the target's jar; null if it has none */
        byte[] entry(String path);

        /** @return the services of the target that proxies stand for */
        List<Service> services();

        /** @return the services of the target that no proxy stands for */
        List<LeftAlone> leftAlone();
    }

    /**
     * A version of the target whose exported packages other bundles are wired to, as
     * {@link #exported} plans against it: the running bundle, a revision an earlier swap left
     * pending removal, or a base jar offline.
     */
    public interface Exporter {

        /** @return its symbolic name, for messages */
        String name();

        /** @return the bytes of an entry as it runs (a class as last redefined); null if it has none */
        byte[] entry(String path);

        /**
         * @return the packages it exports that other bundles are wired to, each with the names of
         *         those bundles
         */
        Map<String, List<String>> importedPackages();

        /**
         * @return why a changed class of an imported package cannot be redefined in it at all
         *         (this JVM cannot redefine, the class does not load), beginning with the class's
         *         name; empty if it can, subject to the class plan
         */
        Optional<String> cannotRedefine(String name);
    }

    private final List<String> services = new ArrayList<>();
    private final List<String> classes = new ArrayList<>();
    private int leftAlone;

    private SwapPlan() {
    }

    /**
     * Plans the services and classes a swap changes: the services from the jar's component
     * descriptors, matched with the target's by key; the classes by their bytes.
     *
     * @throws Refusal AMBIGUOUS_SERVICES if two of the target's services have one key,
     *                 INCOMPATIBLE_SERVICE if a new component no longer provides an interface of
     *                 its proxy, STATE_TRANSFER_FAILED if no new component takes an old one's
     *                 state, or NOT_A_BUNDLE if a component descriptor cannot be read
     */
    public static SwapPlan plan(InspectedJar jar, Base base) throws Refusal {
        SwapPlan plan = new SwapPlan();
        String hotfix = jar.symbolicName() + " " + jar.version();
        List<Service> current = base.services();
        Map<String, Service> byKey = new LinkedHashMap<>();
        for (Service service : current) {
            if (byKey.put(service.key(), service) != null) {
                throw new Refusal(Reason.AMBIGUOUS_SERVICES, base.name() + " registers two services with "
                        + service.key() + ": cannot tell which new service replaces which");
            }
        }
        List<LeftAlone> unmediated = base.leftAlone();
        Set<String> reRegistered = new LinkedHashSet<>();
        unmediated.forEach(service -> reRegistered.add(service.key()));
        Set<String> declared = new LinkedHashSet<>();
        for (Components.Declared component : Components.declared(jar)) {
            String key = Service.component(component.name());
            declared.add(key);
            Service replaced = byKey.get(key);
            if (replaced != null) {
                checkProvides(component, replaced, hotfix);
            }
            if (!reRegistered.contains(key)) {
                plan.services.add(replaced != null ? swapped(component.interfaces(), replaced)
                        : String.join(",", component.interfaces()) + " (" + key + "): new");
            }
        }
        // Without descriptors the new version registers its services some other way, which
        // only staging shows: the stage decides for those.
        boolean declares = jar.header("Service-Component") != null;
        for (Service service : current) {
            if (service.key().startsWith(Service.component("")) && !declared.contains(service.key())) {
                if (declares) {
                    checkNothingDropped(service, base.identity(), hotfix);
                }
                plan.services.add(removed(service));
            } else if (!service.key().startsWith(Service.component(""))) {
                // registered by code (an activator): what replaces it, staging shows
                plan.services.add(swapped(service.interfaces(), service)
                        + " if the new version registers it again as it starts (its code registers it, so only "
                        + "staging shows what replaces it)");
            }
        }
        List<String> alone = leftAlone(unmediated, List.of());
        plan.leftAlone = alone.size();
        plan.services.addAll(alone);
        for (String name : jar.names()) {
            if (name.endsWith(".class")) {
                byte[] before = base.entry(name);
                if (before == null) {
                    plan.classes.add(JarBytes.binaryName(name) + ": added with the bundle");
                } else if (!jar.entryEquals(name, before)) {
                    plan.classes.add(JarBytes.binaryName(name) + ": replaced with the bundle");
                }
            }
        }
        return plan;
    }

    /**
     * Refuses, from the descriptor alone, a new component that no longer provides an interface
     * its proxy exposes. StateTransfer is judged on the service object, at stage: a component
     * that implements it without listing it as a service still takes the state.
     */
    private static void checkProvides(Components.Declared component, Service replaced, String hotfix)
            throws Refusal {
        List<String> missing = new ArrayList<>(replaced.interfaces());
        missing.removeAll(component.interfaces());
        missing.remove(StateTransfer.class.getName());
        if (!missing.isEmpty()) {
            throw new Refusal(Reason.INCOMPATIBLE_SERVICE, "the new component " + component.name() + " of " + hotfix
                    + " provides " + component.interfaces() + " but not " + String.join(", ", missing)
                    + ", which the proxy of the old one exposes to consumers: every call they make through it would "
                    + "fail with a ClassCastException. Provide it again (implement it, and list it in "
                    + "@Component(service = ...) if the component names its services); nothing was changed");
        }
    }

    /**
     * Refuses to drop an old service that hands its state over while no new service takes its
     * place: state is never dropped silently.
     *
     * @param target the target's symbolic name and version
     * @param hotfix the hotfix's symbolic name and version
     */
    public static void checkNothingDropped(Service removed, String target, String hotfix) throws Refusal {
        if (!removed.state()) {
            return;
        }
        String key = removed.key();
        String howToMatch = key.startsWith(Service.component(""))
                ? "old and new services are matched by component.name: if its class was renamed, keep the name with "
                        + "@Component(name = \"" + key.substring(Service.component("").length()) + "\")"
                : "old and new services without a component.name are matched by their interfaces: register the new "
                        + "one under the same interfaces, or give both the same component.name";
        throw new Refusal(Reason.STATE_TRANSFER_FAILED, "the old " + key + " of " + target
                + " hands over state (StateTransfer), but no service of " + hotfix
                + " matches it, so its state would be dropped; " + howToMatch + ". Nothing was changed");
    }

    /** @return the plan's line for a service swapped behind its proxy, with what happens to its state */
    public static String swapped(List<String> interfaces, Service replaced) {
        return swapped(interfaces, replaced, replaced.state() ? "state handed over" : "no state");
    }

    /** @return the plan's line for a swapped service whose state is handed over the way named */
    static String swapped(List<String> interfaces, Service replaced, String state) {
        return String.join(",", interfaces) + " (" + replaced.key() + ", " + state + "): swapped";
    }

    /** @return the plan's line for a service of the old version that the new one does not replace */
    public static String removed(Service service) {
        return String.join(",", service.interfaces()) + " (" + service.key() + "): removed";
    }

    /**
     * @param before the old version's services that no proxy stands for: they go when it is retired
     * @param after  the new version's: they are registered as they are, visible from its start
     * @return the plan's lines for them, one each
     */
    public static List<String> leftAlone(List<LeftAlone> before, List<LeftAlone> after) {
        List<String> lines = new ArrayList<>();
        Set<String> keys = new LinkedHashSet<>();
        for (LeftAlone service : before) {
            keys.add(service.key());
            lines.add(describe(service) + ": re-registered: " + service.why());
        }
        for (LeftAlone service : after) {
            if (!keys.contains(service.key())) {
                lines.add(describe(service) + ": new, not mediated: " + service.why());
            }
        }
        return lines;
    }

    private static String describe(LeftAlone service) {
        return String.join(",", service.interfaces()) + " (" + service.key() + ")";
    }

    /**
     * Plans the classes of packages that other bundles import from an old version of the target:
     * importers stay wired to its class loader, so a changed class must be redefined in place
     * there, within what HotSpot can redefine, and a new class could never be seen by them.
     *
     * @return the classes to redefine in the old exporter, in the jar's order by package
     * @throws Refusal EXPORTED_PACKAGE_CHANGED naming every class importers could not get
     */
    public static List<Redefinition> exported(InspectedJar jar, Exporter base) throws Refusal {
        List<Redefinition> redefinitions = new ArrayList<>();
        List<String> refusals = new ArrayList<>();
        for (Map.Entry<String, List<String>> imported : base.importedPackages().entrySet()) {
            String pkg = imported.getKey();
            List<String> wiredTo = imported.getValue();
            if (wiredTo.isEmpty()) {
                continue;
            }
            String path = pkg.replace('.', '/') + "/";
            Set<String> names = new TreeSet<>();
            jar.names().stream().filter(n -> isClassIn(n, path)).forEach(names::add);
            for (String name : names) {
                byte[] before = base.entry(name);
                String binary = JarBytes.binaryName(name);
                if (before == null) {
                    refusals.add(binary + " is new in " + pkg + ", which " + wiredTo + " import from the old version:"
                            + " they could never see it");
                } else if (!jar.entryEquals(name, before)) {
                    Optional<String> problem = base.cannotRedefine(binary);
                    if (problem.isPresent()) {
                        refusals.add(problem.get());
                        continue;
                    }
                    ClassPlan plan = ClassPlanner.plan(binary, before, jar.entry(name), Set.of());
                    if (plan.refused()) {
                        refusals.addAll(plan.refusals());
                    } else if (plan.changed()) {
                        redefinitions.add(new Redefinition(binary, before, plan.bytes(), List.copyOf(wiredTo)));
                    }
                }
            }
        }
        if (!refusals.isEmpty()) {
            throw new Refusal(Reason.EXPORTED_PACKAGE_CHANGED, base.name() + " exports packages that "
                    + "other bundles stay wired to, and their classes cannot change this way: "
                    + String.join("; ", refusals));
        }
        return redefinitions;
    }

    private static boolean isClassIn(String name, String path) {
        return name.startsWith(path) && name.endsWith(".class") && name.indexOf('/', path.length()) < 0;
    }

    /** @return one line per service swapped, new, removed or re-registered, as far as descriptors tell */
    public List<String> services() {
        return Collections.unmodifiableList(services);
    }

    /** @return how many of {@link #services()} are re-registered, not swapped */
    public int leftAlone() {
        return leftAlone;
    }

    /** @return one line per class the new version replaces or adds */
    public List<String> classes() {
        return Collections.unmodifiableList(classes);
    }
}
