package hotfix.runtime.internal.pipeline;

import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.osgi.framework.Bundle;
import org.osgi.framework.namespace.PackageNamespace;
import org.osgi.framework.wiring.BundleCapability;
import org.osgi.framework.wiring.BundleRevision;
import org.osgi.framework.wiring.BundleRevisions;
import org.osgi.framework.wiring.BundleWire;
import org.osgi.framework.wiring.BundleWiring;
import org.osgi.framework.wiring.FrameworkWiring;

import hotfix.runtime.internal.inspect.JarBytes;

/**
 * A revision of a swap's target that other bundles may be wired to: the running one, or one an
 * earlier swap left pending removal because refreshing its importers would have restarted them
 * ({@link SwapMode#retire}). Importers load the classes of its exported packages from it for as
 * long as they live, so every later swap of the target must redefine the classes it changes
 * there too. This is such a revision as {@link SwapPlan#exported} plans against it: its
 * importers, and its classes as they run now, earlier redefinitions included.
 */
final class ExportingRevision implements SwapPlan.Exporter {

    private final Bundle bundle;
    private final BundleWiring wiring;
    private final boolean pending;
    private final Pipeline.Parts parts;

    private ExportingRevision(Bundle bundle, BundleWiring wiring, boolean pending, Pipeline.Parts parts) {
        this.bundle = bundle;
        this.wiring = wiring;
        this.pending = pending;
        this.parts = parts;
    }

    /** @return the target's running revision, if it is wired */
    static List<ExportingRevision> running(Bundle target, Pipeline.Parts parts) {
        BundleWiring wiring = target.adapt(BundleWiring.class);
        return wiring == null ? List.of() : List.of(new ExportingRevision(target, wiring, false, parts));
    }

    /**
     * @return the target's running revision, then, oldest first, every revision of its symbolic
     *         name that is pending removal and still in use: the ones importers may still be
     *         wired to
     */
    static List<ExportingRevision> all(Bundle target, Pipeline.Parts parts) {
        List<ExportingRevision> revisions = new ArrayList<>(running(target, parts));
        BundleWiring running = target.adapt(BundleWiring.class);
        List<Bundle> pending = new ArrayList<>(parts.context().getBundle(0).adapt(FrameworkWiring.class)
                .getRemovalPendingBundles());
        pending.sort(Comparator.comparingLong(Bundle::getBundleId));
        for (Bundle bundle : pending) {
            if (!target.getSymbolicName().equals(bundle.getSymbolicName())) {
                continue;
            }
            // an uninstalled bundle adapts to no wiring, but its revisions keep theirs while in use
            for (BundleRevision revision : bundle.adapt(BundleRevisions.class).getRevisions()) {
                BundleWiring wiring = revision.getWiring();
                if (wiring != null && wiring.isInUse() && !wiring.equals(running)) {
                    revisions.add(new ExportingRevision(bundle, wiring, true, parts));
                }
            }
        }
        return revisions;
    }

    /** @return its symbolic name and version, and whether it is pending removal, for the report */
    String identity() {
        return bundle.getSymbolicName() + " " + bundle.getVersion() + (pending ? " (pending removal)" : "");
    }

    /** @return where its classes are redefined, as the report's lines say it */
    String where() {
        return pending ? identity() : "the old exporter";
    }

    /** @return a class of the revision, from its class loader */
    Class<?> load(String name) throws ClassNotFoundException {
        return wiring.getClassLoader().loadClass(name);
    }

    @Override
    public String name() {
        return bundle.getSymbolicName();
    }

    /**
     * @return the bytes of an entry; for a class, the bytes it runs: as the newest swap redefined
     *         it for importers, or else as a redefine-mode hotfix did, or else as its jar has it
     */
    @Override
    public byte[] entry(String path) {
        if (path.endsWith(".class")) {
            String name = JarBytes.binaryName(path);
            Optional<byte[]> running = parts.redefinitions().exportedNow(wiring.getClassLoader(), name)
                    .or(() -> parts.redefinitions().current(bundle, name));
            if (running.isPresent()) {
                return running.get();
            }
        }
        // through the wiring: an uninstalled bundle has no entries, its revision in use does
        int slash = path.lastIndexOf('/');
        List<URL> found = wiring.findEntries(slash < 0 ? "/" : path.substring(0, slash), path.substring(slash + 1),
                0);
        if (found == null || found.isEmpty()) {
            return null;
        }
        try (InputStream in = found.get(0).openStream()) {
            return in.readAllBytes();
        } catch (IOException e) {
            return null;
        }
    }

    @Override
    public Map<String, List<String>> importedPackages() {
        Map<String, List<String>> imported = new LinkedHashMap<>();
        for (BundleCapability export : wiring.getCapabilities(PackageNamespace.PACKAGE_NAMESPACE)) {
            String pkg = (String) export.getAttributes().get(PackageNamespace.PACKAGE_NAMESPACE);
            List<String> wiredTo = imported.computeIfAbsent(pkg, k -> new ArrayList<>());
            for (BundleWire wire : wiring.getProvidedWires(PackageNamespace.PACKAGE_NAMESPACE)) {
                if (wire.getCapability().equals(export) && !wire.getRequirer().getBundle().equals(bundle)) {
                    wiredTo.add(wire.getRequirer().getBundle().getSymbolicName());
                }
            }
        }
        return imported;
    }

    @Override
    public Optional<String> cannotRedefine(String name) {
        if (parts.instrumentation().isEmpty()) {
            return Optional.of(name + " changes, and importers can only get the change by redefinition, which "
                    + "this JVM cannot do: start it with the hotfix agent");
        }
        try {
            load(name);
            return Optional.empty();
        } catch (ClassNotFoundException | LinkageError e) {
            return Optional.of(name + " cannot be loaded from " + identity() + ": " + e);
        }
    }
}
