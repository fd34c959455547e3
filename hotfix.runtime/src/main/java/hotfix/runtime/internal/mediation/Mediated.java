package hotfix.runtime.internal.mediation;

import java.util.List;

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
