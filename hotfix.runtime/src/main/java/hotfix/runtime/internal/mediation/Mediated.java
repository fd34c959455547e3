package hotfix.runtime.internal.mediation;

import java.util.List;
import java.util.Optional;

import org.osgi.framework.Bundle;
import org.osgi.framework.FrameworkUtil;
import org.osgi.framework.ServiceReference;
import org.osgi.framework.ServiceRegistration;

/**
 * One mediated service: the hidden original, the proxy registered in its place, and the slot
 * that joins them. A hotfix moves the slot and this record to the new version's service.
 */
public final class Mediated {

    private volatile ServiceReference<?> original;
    private volatile Object service;
    private final ProxySlot slot;
    private final ServiceRegistration<?> proxy;
    private final List<Class<?>> interfaces;

    Mediated(ServiceReference<?> original, Object service, ProxySlot slot, ServiceRegistration<?> proxy,
            List<Class<?>> interfaces) {
        this.original = original;
        this.service = service;
        this.slot = slot;
        this.proxy = proxy;
        this.interfaces = List.copyOf(interfaces);
    }

    /** @return the hidden original service's reference */
    public ServiceReference<?> original() {
        return original;
    }

    /** @return the original service object the proxy calls now */
    public Object service() {
        return service;
    }

    /** @return the slot whose target consumers' calls reach */
    public ProxySlot slot() {
        return slot;
    }

    /** @return the proxy's registration */
    public ServiceRegistration<?> proxy() {
        return proxy;
    }

    /** @return the names of the interfaces the proxy implements: the original's objectClass */
    public List<String> interfaces() {
        return interfaces.stream().map(Class::getName).toList();
    }

    /**
     * @return the interfaces the proxy implements, as the bundle that registered the original
     *         loaded them: a service that takes the proxy's place must be an instance of each
     */
    public List<Class<?>> interfaceClasses() {
        return interfaces;
    }

    /**
     * @return how old and new services are matched: the DS {@code component.name} where present,
     *         otherwise the sorted interfaces
     */
    public String matchKey() {
        return matchKey(original);
    }

    /** @return the match key of any service reference */
    public static String matchKey(ServiceReference<?> reference) {
        Object name = reference.getProperty("component.name");
        if (name != null) {
            return "component " + name;
        }
        String[] classes = (String[]) reference.getProperty(org.osgi.framework.Constants.OBJECTCLASS);
        return "interfaces " + String.join(",", new java.util.TreeSet<>(List.of(classes)));
    }

    /**
     * Whether a service object can stand behind a proxy of the interfaces: it must be an instance
     * of each, as the proxy's consumers cast it to each.
     *
     * @param interfaces the proxy's interfaces
     * @param service    the object that would take the current one's place
     * @return why it cannot, naming the interface and where each class comes from; empty if it can
     */
    public static Optional<String> misfit(List<Class<?>> interfaces, Object service) {
        Class<?> type = service.getClass();
        for (Class<?> proxied : interfaces) {
            if (proxied.isInstance(service)) {
                continue;
            }
            String name = proxied.getName();
            Class<?> seen = visible(type, name);
            String subject = "its class " + type.getName() + " (of " + origin(type) + ")";
            if (seen == null || seen == proxied) {
                return Optional.of(subject + " does not implement " + name + " of " + origin(proxied)
                        + ", which the proxy exposes to consumers: implement it again, and list it in "
                        + "@Component(service = ...) if the component names its services");
            }
            return Optional.of(subject + (seen.isAssignableFrom(type) ? " implements " : " sees ") + name + " of "
                    + origin(seen) + ", another class than the " + name + " of " + origin(proxied)
                    + " that the proxy exposes to consumers: the new version has its own copy of " + proxied.getPackageName()
                    + "; import the package from the bundle that exports it instead of embedding it");
        }
        return Optional.empty();
    }

    /** @return the class of that name the type's class loader resolves, or {@code null} if none */
    private static Class<?> visible(Class<?> type, String name) {
        try {
            return Class.forName(name, false, type.getClassLoader());
        } catch (ClassNotFoundException | LinkageError e) {
            return null;
        }
    }

    /** @return the bundle a class comes from, or else its class loader */
    static String origin(Class<?> type) {
        Bundle bundle = FrameworkUtil.getBundle(type);
        if (bundle != null) {
            return "bundle " + bundle.getSymbolicName() + " " + bundle.getVersion() + " [" + bundle.getBundleId() + "]";
        }
        ClassLoader loader = type.getClassLoader();
        return loader == null ? "the JDK" : "class loader " + loader;
    }

    void moveTo(ServiceReference<?> newOriginal, Object newService) {
        this.original = newOriginal;
        this.service = newService;
        slot.retarget(newService);
    }

    @Override
    public String toString() {
        return String.join(",", interfaces()) + " of " + original.getBundle().getSymbolicName() + " "
                + original.getBundle().getVersion();
    }
}
