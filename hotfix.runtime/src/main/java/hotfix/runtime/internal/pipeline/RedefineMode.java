package hotfix.runtime.internal.pipeline;

import java.lang.instrument.ClassDefinition;
import java.lang.instrument.Instrumentation;
import java.lang.instrument.UnmodifiableClassException;
import java.lang.invoke.MethodHandles;
import java.net.URL;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.osgi.framework.Bundle;
import org.osgi.framework.Constants;
import org.osgi.framework.Version;
import org.osgi.framework.wiring.BundleWiring;

import hotfix.runtime.api.HotfixHeaders;
import hotfix.runtime.api.Mode;
import hotfix.runtime.api.Reason;
import hotfix.runtime.internal.inspect.InspectedJar;
import hotfix.runtime.internal.inspect.JarBytes;
import hotfix.runtime.internal.inspect.Refusal;
import hotfix.runtime.internal.redefine.RedefinePlan;
import hotfix.runtime.internal.redefine.Redefinitions;

/**
 * A redefine-mode hotfix: the classes of the jar are redefined in place in the target bundle's
 * class loader, all in one {@code redefineClasses} call inside the quiesced window, so that
 * either every class changes or none does. Instances, state and wiring stay. New classes in a
 * package of the target are defined into its class loader first.
 */
final class RedefineMode implements Stages {

    private final Pipeline.Parts parts;
    private final InspectedJar jar;
    private final boolean rollback;
    private final List<String> classes = new ArrayList<>();
    private final List<String> notes = new ArrayList<>();
    private final List<ClassDefinition> definitions = new ArrayList<>();

    private Bundle target;
    private ClassLoader loader;
    private RedefinePlan plan;
    private Window window;

    /** @param rollback whether the jar is the journal's copy of the classes a rollback puts back */
    RedefineMode(Pipeline.Parts parts, InspectedJar jar, boolean rollback) {
        this.parts = parts;
        this.jar = jar;
        this.rollback = rollback;
    }

    @Override
    public Version inspect() throws Refusal {
        Optional<Instrumentation> instrumentation = parts.instrumentation();
        if (instrumentation.isEmpty() || !instrumentation.get().isRedefineClassesSupported()) {
            throw new Refusal(Reason.REDEFINITION_UNAVAILABLE, "this JVM cannot redefine classes: it was started "
                    + "without the hotfix agent. Start the server with java -jar webapp.jar or runtime.jar (their "
                    + "manifest starts the agent), or add -javaagent:hotfix.agent.jar; or ship the fix as a swap-mode "
                    + "hotfix (a new version of the whole bundle)");
        }
        target = TargetLookup.find(parts.context(), parts.hotfixable(), jar);
        Version current = parts.redefinitions().version(target);
        if (!rollback) {
            jar.checkReplaces(current);
        }
        BundleWiring wiring = target.adapt(BundleWiring.class);
        loader = wiring == null ? null : wiring.getClassLoader();
        if (loader == null) {
            throw new Refusal(Reason.NOT_HOTFIXABLE, target.getSymbolicName() + " has no class loader to redefine in");
        }
        return current;
    }

    @Override
    public void plan() throws Refusal {
        plan = RedefinePlan.plan(jar, new RunningBundle());
        for (Map.Entry<String, byte[]> change : plan.redefined().entrySet()) {
            try {
                definitions.add(new ClassDefinition(loader.loadClass(change.getKey()), change.getValue()));
            } catch (ClassNotFoundException | LinkageError e) {
                throw new Refusal(Reason.STRUCTURAL_CHANGE, "cannot redefine " + target.getSymbolicName()
                        + " in place: " + change.getKey() + " cannot be loaded: " + e);
            }
        }
        classes.addAll(plan.classes());
        notes.addAll(plan.notes());
    }

    /** The target as it runs: its jar's entries, its class loader, and what earlier hotfixes changed. */
    private final class RunningBundle implements RedefinePlan.Base {

        @Override
        public String name() {
            return target.getSymbolicName();
        }

        @Override
        public byte[] entry(String path) {
            return JarBytes.entry(target, path);
        }

        @Override
        public boolean hasPackage(String directory) {
            Enumeration<URL> siblings = target.findEntries(directory, "*.class", false);
            return siblings != null && siblings.hasMoreElements();
        }

        @Override
        public Optional<RedefinePlan.Problem> problem(String name) {
            Class<?> loaded;
            try {
                loaded = loader.loadClass(name);
            } catch (ClassNotFoundException | LinkageError e) {
                return Optional.of(new RedefinePlan.Problem(false, "cannot be loaded from " + name() + ": " + e));
            }
            return loaded.getClassLoader() == loader ? Optional.empty()
                    : Optional.of(new RedefinePlan.Problem(true, name() + " imports it from another bundle; fix that "
                            + "bundle instead"));
        }

        @Override
        public Optional<byte[]> current(String name) {
            return parts.redefinitions().current(target, name);
        }

        @Override
        public Optional<byte[]> added(String name) {
            return parts.redefinitions().added(target, name);
        }
    }

    @Override
    public Payload payload(String location) {
        if (rollback) {
            return new Payload(null, null, null, 0, null);
        }
        return new Payload(previousJar(), Redefinitions.pack(target, plan.redefined(), plan.added()), null, 0, null);
    }

    /** Stage: nothing to install; the classes change in the running bundle, inside the window. */
    @Override
    public void stage(String location, Undo undo) {
    }

    @Override
    public boolean quiesce(Duration timeout, Undo undo) throws Refusal {
        window = new Window(parts.gate(), parts.mediator().lineage(target));
        window.close(timeout, undo).ifPresent(notes::add);
        return true;
    }

    /** The redefinition is the commit's last step: nothing after it could need it undone. */
    @Override
    public void commit(Undo undo) throws Refusal {
        if (!plan.added().isEmpty()) {
            Class<?> anchor = definitions.isEmpty() ? null : definitions.get(0).getDefinitionClass();
            for (Map.Entry<String, byte[]> helper : plan.added().entrySet()) {
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
            parts.instrumentation().orElseThrow().redefineClasses(definitions.toArray(ClassDefinition[]::new));
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
        return window.open();
    }

    @Override
    public int held() {
        return window.held();
    }

    /** Nothing to clean up: the classes were redefined in place. */
    @Override
    public Optional<Runnable> retire() {
        return Optional.empty();
    }

    /** Nothing to keep in memory: the journal holds the classes. */
    @Override
    public void remember(long id) {
    }

    @Override
    public String planned() {
        return "redefining " + classes.size() + " class(es) in place";
    }

    @Override
    public String changed() {
        return classes.size() + " class(es) redefined";
    }

    @Override
    public List<String> services() {
        return List.of();
    }

    @Override
    public List<String> classes() {
        return classes;
    }

    @Override
    public List<String> notes() {
        return notes;
    }

    /** @return the classes being redefined as they are now, as a redefine-mode jar a rollback applies */
    private byte[] previousJar() {
        Map<String, byte[]> entries = new LinkedHashMap<>();
        plan.previous().forEach((name, bytes) -> entries.put(JarBytes.path(name), bytes));
        return JarBytes.write(Map.of(Constants.BUNDLE_MANIFESTVERSION, "2",
                Constants.BUNDLE_SYMBOLICNAME, target.getSymbolicName(),
                Constants.BUNDLE_VERSION, target.getVersion().toString(),
                HotfixHeaders.MODE, Mode.REDEFINE.header()), entries);
    }
}
