package hotfix.runtime.internal.pipeline;

import java.lang.instrument.Instrumentation;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.osgi.framework.Bundle;
import org.osgi.framework.Constants;
import org.osgi.framework.namespace.PackageNamespace;
import org.osgi.framework.wiring.BundleCapability;
import org.osgi.framework.wiring.BundleWire;
import org.osgi.framework.wiring.BundleWiring;

import hotfix.runtime.internal.inspect.JarBytes;
import hotfix.runtime.internal.mediation.Mediated;
import hotfix.runtime.internal.mediation.Mediator;

/**
 * The running bundle a swap replaces, as {@link SwapPlan} sees it: its jar's entries, its
 * services with and without proxies, the bundles wired to its exports, and its class loader.
 */
final class SwapTarget implements SwapPlan.Base {

    private final Bundle old;
    private final Mediator mediator;
    private final Optional<Instrumentation> instrumentation;
    private final BundleWiring wiring;

    SwapTarget(Bundle old, Mediator mediator, Optional<Instrumentation> instrumentation) {
        this.old = old;
        this.mediator = mediator;
        this.instrumentation = instrumentation;
        this.wiring = old.adapt(BundleWiring.class);
    }

    /** @return whether the bundle is wired, so that others may import from it */
    boolean wired() {
        return wiring != null;
    }

    /** @return a class of the bundle, from its class loader */
    Class<?> load(String name) throws ClassNotFoundException {
        return wiring.getClassLoader().loadClass(name);
    }

    @Override
    public String name() {
        return old.getSymbolicName();
    }

    @Override
    public String identity() {
        return old.getSymbolicName() + " " + old.getVersion();
    }

    @Override
    public byte[] entry(String path) {
        return JarBytes.entry(old, path);
    }

    @Override
    public List<SwapPlan.Service> services() {
        return mediator.servicesOf(old).stream().map(SwapTarget::service).toList();
    }

    @Override
    public List<SwapPlan.LeftAlone> leftAlone() {
        return leftAlone(mediator.unmediated(old));
    }

    /** @return a mediated service as the plan sees it: its match key, interfaces, and whether it holds state */
    static SwapPlan.Service service(Mediated mediated) {
        return new SwapPlan.Service(mediated.matchKey(), mediated.interfaces(),
                mediated.handsOverState());
    }

    /** @return services no proxy stands for, as the plan sees them */
    static List<SwapPlan.LeftAlone> leftAlone(List<Mediator.Unmediated> unmediated) {
        return unmediated.stream().map(service -> new SwapPlan.LeftAlone(Mediated.matchKey(service.reference()),
                List.of((String[]) service.reference().getProperty(Constants.OBJECTCLASS)), service.why())).toList();
    }

    @Override
    public Map<String, List<String>> importedPackages() {
        Map<String, List<String>> imported = new LinkedHashMap<>();
        if (wiring == null) {
            return imported;
        }
        for (BundleCapability export : wiring.getCapabilities(PackageNamespace.PACKAGE_NAMESPACE)) {
            String pkg = (String) export.getAttributes().get(PackageNamespace.PACKAGE_NAMESPACE);
            List<String> wiredTo = imported.computeIfAbsent(pkg, k -> new ArrayList<>());
            for (BundleWire wire : wiring.getProvidedWires(PackageNamespace.PACKAGE_NAMESPACE)) {
                if (wire.getCapability().equals(export) && !wire.getRequirer().getBundle().equals(old)) {
                    wiredTo.add(wire.getRequirer().getBundle().getSymbolicName());
                }
            }
        }
        return imported;
    }

    @Override
    public Optional<String> cannotRedefine(String name) {
        if (instrumentation.isEmpty()) {
            return Optional.of(name + " changes, and importers can only get the change by redefinition, which "
                    + "this JVM cannot do: start it with the hotfix agent");
        }
        try {
            load(name);
            return Optional.empty();
        } catch (ClassNotFoundException | LinkageError e) {
            return Optional.of(name + " cannot be loaded from " + name() + ": " + e);
        }
    }
}
