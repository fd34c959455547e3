package hotfix.runtime.internal.pipeline;

import java.lang.instrument.ClassDefinition;
import java.lang.instrument.Instrumentation;
import java.lang.instrument.UnmodifiableClassException;
import java.lang.invoke.MethodHandles;
import java.net.URL;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Deque;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.framework.Version;
import org.osgi.framework.wiring.BundleWiring;

import hotfix.runtime.api.Mode;
import hotfix.runtime.api.Reason;
import hotfix.runtime.internal.gate.Gate;
import hotfix.runtime.internal.mediation.Hotfixable;
import hotfix.runtime.internal.mediation.Mediated;
import hotfix.runtime.internal.mediation.Mediator;
import hotfix.runtime.internal.redefine.ClassPlan;
import hotfix.runtime.internal.redefine.ClassPlanner;

/**
 * The stages of a redefine-mode hotfix: the classes of the jar are redefined in place in the
 * target bundle's class loader, all in one {@code redefineClasses} call inside the quiesced
 * window, so that either every class changes or none does. Instances, state and wiring stay.
 * New classes in a package of the target are defined into its class loader first.
 */
final class Redefine implements Stages {

    /** Optional header: only these methods' bodies are taken, as {@code Class#method, ...}. */
    static final String METHODS = "Hotfix-Methods";

    private final BundleContext context;
    private final Mediator mediator;
    private final Gate gate;
    private final Hotfixable hotfixable;
    private final Optional<Instrumentation> instrumentation;
    private final Redefinitions redefinitions;
    private final List<String> classes;
    private final List<String> notes;
    private final Deque<Runnable> undo;

    private HotfixJar jar;
    private Bundle target;
    private ClassLoader loader;
    private final List<ClassDefinition> definitions = new ArrayList<>();
    private final Map<String, byte[]> redefined = new LinkedHashMap<>();
    private final Map<String, byte[]> previous = new LinkedHashMap<>();
    private final Map<String, byte[]> added = new LinkedHashMap<>();
    private final List<Mediated> held = new ArrayList<>();

    Redefine(BundleContext context, Mediator mediator, Gate gate, Hotfixable hotfixable,
            Optional<Instrumentation> instrumentation, Redefinitions redefinitions, List<String> classes,
            List<String> notes, Deque<Runnable> undo) {
        this.context = context;
        this.mediator = mediator;
        this.gate = gate;
        this.hotfixable = hotfixable;
        this.instrumentation = instrumentation;
        this.redefinitions = redefinitions;
        this.classes = classes;
        this.notes = notes;
        this.undo = undo;
    }

    @Override
    public Bundle inspect(HotfixJar hotfix, boolean rollback) throws Refusal {
        this.jar = hotfix;
        if (instrumentation.isEmpty() || !instrumentation.get().isRedefineClassesSupported()) {
            throw new Refusal(Reason.REDEFINITION_UNAVAILABLE, "this JVM cannot redefine classes: it was started "
                    + "without the hotfix agent. Start the server with java -jar webapp.jar or runtime.jar (their "
                    + "manifest starts the agent), or add -javaagent:hotfix.agent.jar; or ship the fix as a swap-mode "
                    + "hotfix (a new version of the whole bundle)");
        }
        target = Targets.find(context, hotfixable, hotfix);
        Version current = redefinitions.version(target);
        Targets.checkVersion(hotfix, current, rollback);
        BundleWiring wiring = target.adapt(BundleWiring.class);
        loader = wiring == null ? null : wiring.getClassLoader();
        if (loader == null) {
            throw new Refusal(Reason.NOT_HOTFIXABLE, target.getSymbolicName() + " has no class loader to redefine in");
        }
        return target;
    }

    /** @return the version the target runs at: its bundle's, or that of the last redefinition */
    Version currentVersion() {
        return redefinitions.version(target);
    }

    @Override
    public void plan() throws Refusal {
        Map<String, Set<String>> picks = picks();
        List<String> refusals = new ArrayList<>();
        // classes that are not the target's to redefine: refused as NOT_IN_TARGET when alone
        List<String> foreign = new ArrayList<>();
        for (Map.Entry<String, byte[]> entry : jar.entries.entrySet()) {
            String path = entry.getKey();
            if (!path.endsWith(".class") || path.startsWith("META-INF/") || path.endsWith("module-info.class")) {
                continue;
            }
            String name = path.substring(0, path.length() - ".class".length()).replace('/', '.');
            byte[] original = Targets.entry(target, path);
            if (original == null) {
                planNew(name, path, entry.getValue(), picks, refusals, foreign);
                continue;
            }
            Class<?> loaded;
            try {
                loaded = loader.loadClass(name);
            } catch (ClassNotFoundException | LinkageError e) {
                refusals.add(name + ": cannot be loaded from " + target.getSymbolicName() + ": " + e);
                continue;
            }
            if (loaded.getClassLoader() != loader) {
                foreign.add(name + ": " + target.getSymbolicName() + " imports it from another bundle; fix that "
                        + "bundle instead");
                continue;
            }
            byte[] before = redefinitions.current(target, name).orElse(original);
            ClassPlan plan = ClassPlanner.plan(name, before, entry.getValue(), picks.getOrDefault(name, Set.of()));
            picks.remove(name);
            if (plan.refused()) {
                refusals.addAll(plan.refusals());
            } else if (plan.changed()) {
                definitions.add(new ClassDefinition(loaded, plan.bytes()));
                redefined.put(name, plan.bytes());
                previous.put(name, before);
                classes.add(name + ": redefined in place"
                        + (plan.notes().isEmpty() ? "" : " (" + String.join("; ", plan.notes()) + ")"));
            } else {
                notes.add(name + " is unchanged");
            }
        }
        picks.keySet().forEach(name -> refusals.add(METHODS + " names " + name + ", which the jar does not hold"));
        if (!refusals.isEmpty() || !foreign.isEmpty()) {
            Reason reason = refusals.isEmpty() ? Reason.NOT_IN_TARGET : Reason.STRUCTURAL_CHANGE;
            refusals.addAll(foreign);
            throw new Refusal(reason,
                    "cannot redefine " + target.getSymbolicName() + " in place: " + String.join("; ", refusals));
        }
        if (definitions.isEmpty() && added.isEmpty()) {
            throw new Refusal(Reason.NO_CHANGE, "every class of the hotfix is identical to what "
                    + target.getSymbolicName() + " runs: there is nothing to redefine");
        }
    }

    private void planNew(String name, String path, byte[] bytes, Map<String, Set<String>> picks,
            List<String> refusals, List<String> foreign) {
        int slash = path.lastIndexOf('/');
        String directory = slash < 0 ? "/" : path.substring(0, slash);
        Enumeration<URL> siblings = target.findEntries(directory, "*.class", false);
        if (siblings == null || !siblings.hasMoreElements()) {
            foreign.add(name + " is a new class in package " + (slash < 0 ? "(default)"
                    : directory.replace('/', '.')) + ", which " + target.getSymbolicName()
                    + " does not contain: a new class must go in a package of the target");
            return;
        }
        if (picks.remove(name) != null) {
            refusals.add(METHODS + " picks methods of " + name + ", which is a new class: there is no old body");
            return;
        }
        Optional<byte[]> earlier = redefinitions.added(target, name);
        if (earlier.isPresent()) {
            if (!java.util.Arrays.equals(earlier.get(), bytes)) {
                refusals.add(name + " was added by an earlier hotfix with other bytes, and a class cannot be "
                        + "defined twice: give the new helper another name");
            }
            return;
        }
        added.put(name, bytes);
        classes.add(name + ": new, defined in " + target.getSymbolicName() + "'s class loader");
    }

    private Map<String, Set<String>> picks() throws Refusal {
        Map<String, Set<String>> picks = new LinkedHashMap<>();
        String header = jar.headers.getValue(METHODS);
        if (header == null || header.isBlank()) {
            return picks;
        }
        for (String item : header.split(",")) {
            String pick = item.trim();
            int hash = pick.indexOf('#');
            if (hash <= 0 || hash == pick.length() - 1) {
                throw new Refusal(Reason.INVALID_HEADER, METHODS + ": '" + pick
                        + "' is not Class#method (a binary class name, '#', a method name, an optional descriptor)");
            }
            picks.computeIfAbsent(pick.substring(0, hash), k -> new LinkedHashSet<>()).add(pick.substring(hash + 1));
        }
        return picks;
    }

    @Override
    public void stage(String location) {
        // Nothing to install: the classes change in the running bundle, inside the window.
    }

    @Override
    public void quiesce(Duration timeout) throws Refusal {
        held.addAll(mediator.servicesOf(target));
        Targets.closeWindow(gate, held, timeout, undo, notes);
    }

    @Override
    public void commit() throws Refusal {
        if (!added.isEmpty()) {
            Class<?> anchor = definitions.isEmpty() ? null : definitions.get(0).getDefinitionClass();
            for (Map.Entry<String, byte[]> helper : added.entrySet()) {
                try {
                    Class<?> host = anchor != null && samePackage(anchor.getName(), helper.getKey())
                            ? anchor : anchorFor(helper.getKey());
                    MethodHandles.privateLookupIn(host, MethodHandles.lookup()).defineClass(helper.getValue());
                } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
                    throw new Refusal(Reason.STRUCTURAL_CHANGE, "cannot define the new class " + helper.getKey()
                            + " in " + target.getSymbolicName() + ": " + e);
                }
            }
            notes.add("new classes stay defined if the hotfix is rolled back; nothing calls them then");
        }
        if (definitions.isEmpty()) {
            return;
        }
        try {
            instrumentation.get().redefineClasses(definitions.toArray(ClassDefinition[]::new));
        } catch (ClassNotFoundException | UnmodifiableClassException | RuntimeException | LinkageError e) {
            throw new Refusal(Reason.STRUCTURAL_CHANGE, "the JVM refused to redefine the classes, and changed none: "
                    + e);
        }
    }

    private Class<?> anchorFor(String name) throws ClassNotFoundException {
        String directory = name.substring(0, name.lastIndexOf('.')).replace('.', '/');
        Enumeration<URL> siblings = target.findEntries(directory, "*.class", false);
        String path = siblings.nextElement().getPath().substring(1);
        return loader.loadClass(path.substring(0, path.length() - ".class".length()).replace('/', '.'));
    }

    private static boolean samePackage(String a, String b) {
        return a.substring(0, a.lastIndexOf('.') + 1).equals(b.substring(0, b.lastIndexOf('.') + 1));
    }

    @Override
    public long resume() {
        undo.clear();
        gate.open();
        long opened = System.nanoTime();
        Targets.release(held);
        return opened;
    }

    /** Nothing to clean up: the classes were redefined in place. */
    @Override
    public void retire() {
    }

    /** @return the classes being redefined as they are now, as a jar a rollback applies */
    @Override
    public byte[] previousJar() {
        return jar(previous, target.getVersion());
    }

    /** @return the classes as redefined, and the classes added, for the journal */
    Map<String, byte[]> redefined() {
        return redefined;
    }

    Map<String, byte[]> added() {
        return added;
    }

    Bundle target() {
        return target;
    }

    @Override
    public String previousLocation() {
        return null;
    }

    @Override
    public int startLevel() {
        return 0;
    }

    /** A redefine-mode jar of the given classes: what a rollback applies. */
    private byte[] jar(Map<String, byte[]> content, Version version) {
        Map<String, byte[]> entries = new LinkedHashMap<>();
        content.forEach((name, bytes) -> entries.put(Targets.path(name), bytes));
        return Targets.jar(Map.of(Constants.BUNDLE_MANIFESTVERSION, "2",
                Constants.BUNDLE_SYMBOLICNAME, target.getSymbolicName(),
                Constants.BUNDLE_VERSION, version.toString(),
                HotfixJar.MODE, Mode.REDEFINE.header()), entries);
    }
}
