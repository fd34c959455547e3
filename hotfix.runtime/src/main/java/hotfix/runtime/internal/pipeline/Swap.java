package hotfix.runtime.internal.pipeline;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.lang.instrument.ClassDefinition;
import java.lang.instrument.Instrumentation;
import java.lang.instrument.UnmodifiableClassException;
import java.net.URL;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Deque;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;

import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.BundleException;
import org.osgi.framework.FrameworkEvent;
import org.osgi.framework.ServiceReference;
import org.osgi.framework.startlevel.BundleStartLevel;
import org.osgi.framework.wiring.BundleCapability;
import org.osgi.framework.wiring.BundleWire;
import org.osgi.framework.wiring.BundleWiring;
import org.osgi.framework.wiring.FrameworkWiring;
import org.osgi.framework.namespace.PackageNamespace;

import hotfix.runtime.api.Reason;
import hotfix.runtime.api.StateTransfer;
import hotfix.runtime.internal.gate.Gate;
import hotfix.runtime.internal.mediation.Hotfixable;
import hotfix.runtime.internal.mediation.Mediated;
import hotfix.runtime.internal.mediation.Mediator;
import hotfix.runtime.internal.redefine.ClassPlan;
import hotfix.runtime.internal.redefine.ClassPlanner;

/**
 * The stages of a swap-mode hotfix. Every stage that changes something pushes its undo first.
 */
final class Swap implements Stages {

    /** How long staged components may take to come up before the hotfix is refused. */
    static final long COMPONENT_WAIT_MILLIS = 5_000;
    static final long REFRESH_WAIT_SECONDS = 30;

    private final BundleContext context;
    private final Mediator mediator;
    private final Gate gate;
    private final Hotfixable hotfixable;
    private final Diagnostics diagnostics;
    private final Optional<Instrumentation> instrumentation;
    private final Redefinitions redefinitions;
    private final long undoes;
    private final List<String> services;
    private final List<String> classes;
    private final List<String> notes;
    private final Deque<Runnable> undo;

    private HotfixJar jar;
    private Bundle old;
    private Bundle staged;
    private byte[] previousJar;
    private String previousLocation;
    private int startLevel;
    private final Map<Mediated, ServiceReference<?>> matches = new LinkedHashMap<>();
    private final Map<ServiceReference<?>, Object> newServices = new LinkedHashMap<>();
    private final List<Mediated> held = new ArrayList<>();
    private final List<ClassDefinition> exported = new ArrayList<>();
    private final List<ClassDefinition> exportedOriginals = new ArrayList<>();

    Swap(BundleContext context, Mediator mediator, Gate gate, Hotfixable hotfixable, Diagnostics diagnostics,
            Optional<Instrumentation> instrumentation, Redefinitions redefinitions, long undoes,
            List<String> services, List<String> classes, List<String> notes, Deque<Runnable> undo) {
        this.context = context;
        this.mediator = mediator;
        this.gate = gate;
        this.hotfixable = hotfixable;
        this.diagnostics = diagnostics;
        this.instrumentation = instrumentation;
        this.redefinitions = redefinitions;
        this.undoes = undoes;
        this.services = services;
        this.classes = classes;
        this.notes = notes;
        this.undo = undo;
    }

    /** Inspect: finds the target and checks the hotfix may apply to it. */
    @Override
    public Bundle inspect(HotfixJar hotfix, boolean rollback) throws Refusal {
        this.jar = hotfix;
        old = Targets.find(context, hotfixable, hotfix);
        Targets.checkVersion(hotfix, old.getVersion(), rollback);
        previousLocation = old.getLocation();
        BundleStartLevel level = old.adapt(BundleStartLevel.class);
        startLevel = level == null ? 0 : level.getStartLevel();
        planExportedPackages();
        if (rollback) {
            exported.addAll(redefinitions.exportedOriginals(undoes));
        }
        return old;
    }

    /**
     * Swapping replaces the class loader, but importers stay wired to the old one: changed classes
     * of a package the target exports to other bundles are redefined in place in the old exporter,
     * in the same window. A change HotSpot cannot redefine, or a class the package gains, is
     * refused.
     */
    private void planExportedPackages() throws Refusal {
        BundleWiring wiring = old.adapt(BundleWiring.class);
        if (wiring == null) {
            return;
        }
        List<String> refusals = new ArrayList<>();
        Set<String> importers = new TreeSet<>();
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
            jar.entries.keySet().stream().filter(n -> isClassIn(n, path)).forEach(names::add);
            for (String name : names) {
                byte[] now = jar.entries.get(name);
                byte[] before = Targets.entry(old, name);
                String binary = name.substring(0, name.length() - ".class".length()).replace('/', '.');
                if (before == null) {
                    refusals.add(binary + " is new in " + pkg + ", which " + wiredTo + " import from the old version:"
                            + " they could never see it");
                } else if (!Arrays.equals(now, before)) {
                    planExported(binary, wiring.getClassLoader(), before, now, refusals);
                    importers.addAll(wiredTo);
                }
            }
        }
        if (!refusals.isEmpty()) {
            throw new Refusal(Reason.EXPORTED_PACKAGE_CHANGED, old.getSymbolicName() + " exports packages that "
                    + "other bundles stay wired to, and their classes cannot change this way: "
                    + String.join("; ", refusals));
        }
        if (!exported.isEmpty()) {
            notes.add("classes of exported packages were redefined in place in " + old.getSymbolicName() + " "
                    + old.getVersion() + ", which " + importers + " stay wired to");
        }
    }

    private void planExported(String name, ClassLoader loader, byte[] before, byte[] now, List<String> refusals) {
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
            exported.add(new ClassDefinition(loaded, plan.bytes()));
            exportedOriginals.add(new ClassDefinition(loaded, before));
            classes.add(name + ": redefined in place in the old exporter, for its importers");
        }
    }

    private static boolean isClassIn(String name, String path) {
        return name.startsWith(path) && name.endsWith(".class") && name.indexOf('/', path.length()) < 0;
    }

    /** Plan: which services will be swapped, from the new jar's component descriptors. */
    @Override
    public void plan() throws Refusal {
        List<Mediated> current = mediator.servicesOf(old);
        Map<String, Mediated> byKey = new LinkedHashMap<>();
        for (Mediated mediated : current) {
            if (byKey.put(mediated.matchKey(), mediated) != null) {
                throw new Refusal(Reason.AMBIGUOUS_SERVICES, old.getSymbolicName() + " registers two services with "
                        + mediated.matchKey() + ": cannot tell which new service replaces which");
            }
        }
        Set<String> declared = new LinkedHashSet<>();
        for (Components.Declared component : Components.declared(jar)) {
            String key = "component " + component.name();
            declared.add(key);
            Mediated replaced = byKey.get(key);
            services.add(replaced != null
                    ? String.join(",", component.interfaces()) + " (" + key + "): swapped"
                    : String.join(",", component.interfaces()) + " (" + key + "): new");
        }
        for (Mediated mediated : current) {
            if (mediated.matchKey().startsWith("component ") && !declared.contains(mediated.matchKey())) {
                services.add(String.join(",", mediated.interfaces()) + " (" + mediated.matchKey() + "): removed");
            }
        }
        for (String name : jar.entries.keySet()) {
            if (name.endsWith(".class") && !Arrays.equals(jar.entries.get(name), Targets.entry(old, name))) {
                classes.add(name.substring(0, name.length() - 6).replace('/', '.') + ": replaced with the bundle");
            }
        }
    }

    /** Stage: installs the new version beside the old, starts it hidden, gets its services. */
    @Override
    public void stage(String location) throws Refusal {
        // installBundle returns the bundle already at a location: staging it would put a live
        // bundle on the undo stack
        Bundle occupant = context.getBundle(location);
        if (occupant != null) {
            throw new Refusal(Reason.FAILED, "cannot install " + jar.symbolicName + " " + jar.version + " at "
                    + location + ": " + occupant.getSymbolicName() + " " + occupant.getVersion() + " is installed there");
        }
        Bundle bundle;
        try {
            bundle = context.installBundle(location, new ByteArrayInputStream(jar.bytes));
        } catch (BundleException | RuntimeException e) {
            throw new Refusal(Reason.FAILED, "cannot install " + jar.symbolicName + " " + jar.version
                    + " beside the old version: " + e.getMessage());
        }
        staged = bundle;
        undo.push(() -> discard(bundle));
        mediator.stage(bundle);
        undo.push(() -> mediator.unstage(bundle));
        if (startLevel > 0) {
            bundle.adapt(BundleStartLevel.class).setStartLevel(startLevel);
        }
        FrameworkWiring framework = context.getBundle(0).adapt(FrameworkWiring.class);
        if (!framework.resolveBundles(List.of(bundle))) {
            String why;
            try {
                bundle.start(Bundle.START_TRANSIENT);
                why = "the framework did not say why";
            } catch (BundleException e) {
                why = e.getMessage();
            }
            throw new Refusal(Reason.UNRESOLVED, jar.symbolicName + " " + jar.version + " does not resolve: " + why);
        }
        try {
            bundle.start();
        } catch (BundleException | RuntimeException e) {
            Throwable cause = e.getCause() != null ? e.getCause() : e;
            throw new Refusal(Reason.START_FAILED, jar.symbolicName + " " + jar.version + " failed to start: "
                    + cause);
        }
        awaitComponents(bundle);
        match(bundle);
    }

    private void awaitComponents(Bundle bundle) throws Refusal {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(COMPONENT_WAIT_MILLIS);
        List<String> problems = diagnostics.problems(bundle);
        while (!problems.isEmpty() && System.nanoTime() - deadline < 0) {
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
            problems = diagnostics.problems(bundle);
        }
        if (!problems.isEmpty()) {
            throw new Refusal(Reason.START_FAILED, jar.symbolicName + " " + jar.version + " did not come up: "
                    + String.join("; ", problems));
        }
    }

    private void match(Bundle bundle) throws Refusal {
        Map<String, ServiceReference<?>> byKey = new LinkedHashMap<>();
        for (ServiceReference<?> reference : mediator.staged(bundle)) {
            if (byKey.put(Mediated.matchKey(reference), reference) != null) {
                throw new Refusal(Reason.AMBIGUOUS_SERVICES, jar.symbolicName + " " + jar.version
                        + " registers two services with " + Mediated.matchKey(reference)
                        + ": cannot tell which replaces which");
            }
        }
        services.clear();
        for (Mediated mediated : mediator.servicesOf(old)) {
            ServiceReference<?> replacement = byKey.remove(mediated.matchKey());
            if (replacement != null) {
                matches.put(mediated, replacement);
                services.add(String.join(",", mediated.interfaces()) + " (" + mediated.matchKey() + "): swapped");
            } else {
                services.add(String.join(",", mediated.interfaces()) + " (" + mediated.matchKey() + "): removed");
            }
        }
        byKey.forEach((key, reference) -> services.add(key + ": new"));
        for (ServiceReference<?> reference : matches.values()) {
            Object service = mediator.serviceOf(reference);
            if (service == null) {
                List<String> problems = diagnostics.problems(bundle);
                throw new Refusal(Reason.START_FAILED, jar.symbolicName + " " + jar.version + " did not come up: "
                        + (problems.isEmpty() ? "the new " + Mediated.matchKey(reference) + " gave no service object"
                                : String.join("; ", problems)));
            }
            newServices.put(reference, service);
            undo.push(() -> mediator.release(reference));
        }
    }

    /** Quiesce: holds new calls to the services being replaced and drains those inside. */
    @Override
    public void quiesce(Duration timeout) throws Refusal {
        held.addAll(matches.keySet());
        held.addAll(mediator.servicesOf(old));
        Targets.closeWindow(gate, held, timeout, undo, notes);
    }

    /** Commit: hands state over, then points every proxy at the new version. */
    @Override
    public void commit() throws Refusal {
        for (Map.Entry<Mediated, ServiceReference<?>> match : matches.entrySet()) {
            Object before = match.getKey().service();
            Object after = newServices.get(match.getValue());
            if (before instanceof StateTransfer exporter) {
                if (!(after instanceof StateTransfer importer)) {
                    throw new Refusal(Reason.STATE_TRANSFER_FAILED, "the old " + match.getKey().matchKey()
                            + " hands over state but the new one does not implement StateTransfer: "
                            + "the state would be lost, so the old version keeps serving");
                }
                try {
                    importer.importState(exporter.exportState());
                } catch (RuntimeException | LinkageError e) {
                    throw new Refusal(Reason.STATE_TRANSFER_FAILED, "the new " + match.getKey().matchKey()
                            + " refused the old version's state: " + e
                            + "; the old version keeps its state and keeps serving");
                }
            }
        }
        if (!exported.isEmpty()) {
            try {
                instrumentation.get().redefineClasses(exported.toArray(ClassDefinition[]::new));
            } catch (ClassNotFoundException | UnmodifiableClassException | RuntimeException | LinkageError e) {
                throw new Refusal(Reason.EXPORTED_PACKAGE_CHANGED, "the JVM refused to redefine the exported classes "
                        + "in the old version, and changed none: " + e);
            }
        }
        for (Map.Entry<Mediated, ServiceReference<?>> match : matches.entrySet()) {
            mediator.retarget(match.getKey(), match.getValue(), newServices.get(match.getValue()));
        }
    }

    /**
     * Resume: opens the gate; the new version serves from here on.
     *
     * @return {@link System#nanoTime()} when the gate opened: the end of the pause
     */
    @Override
    public long resume() {
        undo.clear();
        gate.open();
        long opened = System.nanoTime();
        Targets.release(held);
        mediator.commit(staged);
        return opened;
    }

    /** @return the start level the target had, which the new version takes */
    @Override
    public int startLevel() {
        return startLevel;
    }

    /**
     * Retire: stops and uninstalls the old version, and refreshes it alone when nothing else is
     * wired to it. Never undone: by now the new version serves.
     */
    @Override
    public void retire() {
        BundleWiring wiring = old.adapt(BundleWiring.class);
        Set<String> importers = new TreeSet<>();
        if (wiring != null) {
            for (BundleWire wire : wiring.getProvidedWires(null)) {
                Bundle requirer = wire.getRequirer().getBundle();
                if (!requirer.equals(old)) {
                    importers.add(requirer.getSymbolicName() + " " + requirer.getVersion());
                }
            }
        }
        try {
            old.stop();
            old.uninstall();
        } catch (BundleException | RuntimeException e) {
            notes.add("the old version " + old.getSymbolicName() + " " + old.getVersion()
                    + " could not be uninstalled: " + e.getMessage());
            return;
        }
        if (importers.isEmpty()) {
            refresh(old);
        } else {
            notes.add("the old revision of " + old.getSymbolicName() + " " + old.getVersion()
                    + " is pending removal and not refreshed: " + importers
                    + " are wired to it, and a refresh would restart them and drop their state");
        }
    }

    /** @return the jar of the version being replaced, copied once */
    @Override
    public byte[] previousJar() {
        if (previousJar == null) {
            previousJar = repack(old);
        }
        return previousJar;
    }

    /** @return the exported classes this swap redefined, with their bytes before: for a rollback */
    List<ClassDefinition> exportedOriginals() {
        return exportedOriginals;
    }

    @Override
    public String previousLocation() {
        return previousLocation;
    }

    private void refresh(Bundle bundle) {
        CountDownLatch done = new CountDownLatch(1);
        context.getBundle(0).adapt(FrameworkWiring.class).refreshBundles(List.of(bundle), event -> {
            if (event.getType() == FrameworkEvent.PACKAGES_REFRESHED || event.getType() == FrameworkEvent.ERROR) {
                done.countDown();
            }
        });
        try {
            if (!done.await(REFRESH_WAIT_SECONDS, TimeUnit.SECONDS)) {
                notes.add("the refresh of the old version did not finish within " + REFRESH_WAIT_SECONDS + " s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void discard(Bundle bundle) {
        try {
            if (bundle.getState() != Bundle.UNINSTALLED) {
                bundle.uninstall();
            }
        } catch (BundleException e) {
            throw new IllegalStateException("cannot uninstall the staged " + bundle, e);
        }
        refresh(bundle);
    }

    /**
     * The jar of an installed bundle, rebuilt from its entries: the only copy that does not
     * depend on where it was installed from.
     */
    static byte[] repack(Bundle bundle) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try {
            URL manifestUrl = bundle.getEntry("META-INF/MANIFEST.MF");
            Manifest manifest;
            try (InputStream in = manifestUrl.openStream()) {
                manifest = new Manifest(in);
            }
            try (JarOutputStream out = new JarOutputStream(bytes, manifest)) {
                Enumeration<URL> entries = bundle.findEntries("/", "*", true);
                List<URL> sorted = entries == null ? List.of() : Collections.list(entries);
                for (URL url : sorted) {
                    String name = url.getPath().substring(1);
                    if (name.isEmpty() || name.endsWith("/") || name.equalsIgnoreCase("META-INF/MANIFEST.MF")) {
                        continue;
                    }
                    out.putNextEntry(new JarEntry(name));
                    try (InputStream in = url.openStream()) {
                        in.transferTo(out);
                    }
                    out.closeEntry();
                }
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot copy " + bundle + " for rollback: " + e.getMessage(), e);
        }
        return bytes.toByteArray();
    }

}
