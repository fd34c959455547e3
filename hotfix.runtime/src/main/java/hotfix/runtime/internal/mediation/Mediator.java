package hotfix.runtime.internal.mediation;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.framework.ServiceEvent;
import org.osgi.framework.ServiceListener;
import org.osgi.framework.ServiceReference;
import org.osgi.framework.ServiceRegistration;
import org.osgi.framework.hooks.service.EventListenerHook;
import org.osgi.framework.hooks.service.FindHook;
import org.osgi.framework.hooks.service.ListenerHook.ListenerInfo;

import hotfix.runtime.internal.gate.Gate;
import hotfix.runtime.internal.log.RuntimeLog;

/**
 * Puts a proxy in front of every service of a hotfixable bundle and hides the original from
 * every bundle but the runtime and the framework, so consumers only ever hold proxies.
 * <p>
 * Mediated: singleton- and bundle-scoped services of {@link Hotfixable} bundles (the runtime
 * gets one instance and every consumer shares it, as with a DS component), except HTTP Whiteboard
 * services (the whiteboard manages their life cycle, which a proxy would hide from it) and
 * services whose interfaces are not public. The hooks must be registered before any consumer
 * gets a service, so the runtime starts at a lower start level than the application.
 * <p>
 * An original is never hidden from a bundle that already uses it: hiding its UNREGISTERING
 * event would leave that bundle holding a dead service.
 */
public final class Mediator implements FindHook, EventListenerHook, ServiceListener {

    /** Property on every proxy registration: the service id of the original it stands for. */
    public static final String PROXY_OF = "hotfix.proxy.of";

    private static final Set<String> FRAMEWORK_PROPERTIES = Set.of(
            Constants.SERVICE_ID, Constants.SERVICE_BUNDLEID, Constants.SERVICE_SCOPE, Constants.OBJECTCLASS);

    private final BundleContext context;
    private final Gate gate;
    private final Hotfixable hotfixable;
    private final ProxyFactory proxies;
    private final RuntimeLog log;
    private final Map<ServiceReference<?>, Mediated> byOriginal = new ConcurrentHashMap<>();
    private final Set<Long> staging = ConcurrentHashMap.newKeySet();
    private final Set<ServiceReference<?>> unmediatable = ConcurrentHashMap.newKeySet();
    private ServiceRegistration<?> hooks;

    public Mediator(BundleContext context, Gate gate, Hotfixable hotfixable, ProxyFactory proxies, RuntimeLog log) {
        this.context = context;
        this.gate = gate;
        this.hotfixable = hotfixable;
        this.proxies = proxies;
        this.log = log;
    }

    /** Registers the hooks and mediates the services registered so far. */
    public void open() {
        hooks = context.registerService(new String[] {FindHook.class.getName(), EventListenerHook.class.getName()},
                this, null);
        context.addServiceListener(this);
        try {
            ServiceReference<?>[] existing = context.getAllServiceReferences(null, null);
            if (existing != null) {
                for (ServiceReference<?> reference : existing) {
                    if (mediates(reference) && !byOriginal.containsKey(reference)) {
                        mediate(reference);
                    }
                }
            }
        } catch (InvalidSyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Unregisters every proxy and the hooks: consumers see the originals again. */
    public void close() {
        context.removeServiceListener(this);
        for (Mediated mediated : List.copyOf(byOriginal.values())) {
            forget(mediated);
        }
        if (hooks != null) {
            hooks.unregister();
            hooks = null;
        }
    }

    /** @return whether the service is hidden behind a proxy (or would be, once registered) */
    public boolean mediates(ServiceReference<?> reference) {
        Bundle bundle = reference.getBundle();
        if (bundle == null || bundle.equals(context.getBundle()) || unmediatable.contains(reference)) {
            return false;
        }
        // SCR registers every delayed component as a ServiceFactory, so DS's default (one
        // instance) shows as bundle scope; only prototype scope cannot be shared through a proxy.
        if (Constants.SCOPE_PROTOTYPE.equals(reference.getProperty(Constants.SERVICE_SCOPE))) {
            return false;
        }
        for (String key : reference.getPropertyKeys()) {
            if (key.startsWith("osgi.http.whiteboard.")) {
                return false;
            }
        }
        return hotfixable.test(bundle);
    }

    /** @return the mediated services of a bundle */
    public List<Mediated> servicesOf(Bundle bundle) {
        List<Mediated> services = new ArrayList<>();
        for (Mediated mediated : byOriginal.values()) {
            if (bundle.equals(mediated.original().getBundle())) {
                services.add(mediated);
            }
        }
        return services;
    }

    /**
     * Marks a bundle as the new version of a hotfix: its services are hidden like any other
     * but get no proxy of their own until {@link #commit(Bundle)}.
     */
    public void stage(Bundle bundle) {
        staging.add(bundle.getBundleId());
    }

    /** Ends staging without a commit: the staged bundle is about to go away. */
    public void unstage(Bundle bundle) {
        staging.remove(bundle.getBundleId());
    }

    /** @return the services a staged bundle registered that would be mediated */
    public List<ServiceReference<?>> staged(Bundle bundle) {
        List<ServiceReference<?>> services = new ArrayList<>();
        ServiceReference<?>[] registered = bundle.getRegisteredServices();
        if (registered != null) {
            for (ServiceReference<?> reference : registered) {
                if (mediates(reference)) {
                    services.add(reference);
                }
            }
        }
        return services;
    }

    /**
     * Moves a proxy to a staged service: one volatile write. Only inside the quiesced window.
     */
    public void retarget(Mediated mediated, ServiceReference<?> newOriginal, Object newService) {
        byOriginal.remove(mediated.original());
        mediated.moveTo(newOriginal, newService);
        byOriginal.put(newOriginal, mediated);
    }

    /**
     * Ends staging of a committed bundle: its staged services that replaced none get proxies
     * now, and the properties of the moved proxies follow their new originals.
     */
    public void commit(Bundle bundle) {
        staging.remove(bundle.getBundleId());
        for (ServiceReference<?> reference : staged(bundle)) {
            Mediated mediated = byOriginal.get(reference);
            if (mediated == null) {
                mediate(reference);
            } else {
                mediated.proxy().setProperties(proxyProperties(reference));
            }
        }
    }

    /** @return the service object the runtime holds for a staged or mediated original */
    public Object serviceOf(ServiceReference<?> reference) {
        return context.getService(reference);
    }

    /** Releases a service object the runtime got with {@link #serviceOf(ServiceReference)}. */
    public void release(ServiceReference<?> reference) {
        try {
            context.ungetService(reference);
        } catch (IllegalStateException e) {
            // the runtime itself is stopping: nothing to release
        }
    }

    @Override
    public void find(BundleContext finder, String name, String filter, boolean allServices,
            Collection<ServiceReference<?>> references) {
        if (sees(finder.getBundle())) {
            return;
        }
        references.removeIf(reference -> mediates(reference) && !usedBy(reference, finder.getBundle()));
    }

    @Override
    public void event(ServiceEvent event, Map<BundleContext, Collection<ListenerInfo>> listeners) {
        ServiceReference<?> reference = event.getServiceReference();
        if (!mediates(reference)) {
            return;
        }
        listeners.keySet().removeIf(listener -> {
            Bundle bundle;
            try {
                bundle = listener.getBundle();
            } catch (IllegalStateException e) {
                return false;
            }
            return !sees(bundle) && !usedBy(reference, bundle);
        });
    }

    @Override
    public void serviceChanged(ServiceEvent event) {
        ServiceReference<?> reference = event.getServiceReference();
        switch (event.getType()) {
            case ServiceEvent.REGISTERED -> {
                Bundle bundle = reference.getBundle();
                if (bundle != null && !staging.contains(bundle.getBundleId()) && mediates(reference)) {
                    mediate(reference);
                }
            }
            case ServiceEvent.MODIFIED -> {
                Mediated mediated = byOriginal.get(reference);
                if (mediated != null) {
                    mediated.proxy().setProperties(proxyProperties(reference));
                }
            }
            case ServiceEvent.UNREGISTERING -> {
                unmediatable.remove(reference);
                Mediated mediated = byOriginal.get(reference);
                if (mediated != null) {
                    forget(mediated);
                }
            }
            default -> {
                // MODIFIED_ENDMATCH concerns filtered listeners only
            }
        }
    }

    private boolean sees(Bundle bundle) {
        return bundle.getBundleId() == 0 || bundle.equals(context.getBundle());
    }

    private static boolean usedBy(ServiceReference<?> reference, Bundle bundle) {
        Bundle[] users = reference.getUsingBundles();
        if (users != null) {
            for (Bundle user : users) {
                if (user.equals(bundle)) {
                    return true;
                }
            }
        }
        return false;
    }

    private void mediate(ServiceReference<?> reference) {
        String[] names = (String[]) reference.getProperty(Constants.OBJECTCLASS);
        List<Class<?>> interfaces = new ArrayList<>();
        try {
            for (String name : names) {
                interfaces.add(reference.getBundle().loadClass(name));
            }
        } catch (ClassNotFoundException | IllegalStateException e) {
            leaveUnmediated(reference, "its interfaces cannot be loaded: " + e);
            return;
        }
        Object service = context.getService(reference);
        if (service == null) {
            leaveUnmediated(reference, "the registering bundle returned no service object");
            return;
        }
        try {
            ProxySlot slot = new ProxySlot(gate, service);
            Object proxy = proxies.create(interfaces, slot);
            ServiceRegistration<?> registration = context.registerService(names, proxy, proxyProperties(reference));
            byOriginal.put(reference, new Mediated(reference, service, slot, registration, List.of(names)));
        } catch (ProxyException | RuntimeException e) {
            context.ungetService(reference);
            leaveUnmediated(reference, e.getMessage());
        }
    }

    private void leaveUnmediated(ServiceReference<?> reference, String why) {
        unmediatable.add(reference);
        log.warn("Service {} of {} is not mediated, so a hotfix of its bundle cannot swap it: {}",
                reference.getProperty(Constants.OBJECTCLASS) instanceof String[] names ? String.join(",", names) : "?",
                reference.getBundle(), why);
    }

    private void forget(Mediated mediated) {
        byOriginal.remove(mediated.original());
        try {
            mediated.proxy().unregister();
        } catch (IllegalStateException e) {
            // already unregistered
        }
        release(mediated.original());
    }

    private static Dictionary<String, Object> proxyProperties(ServiceReference<?> original) {
        Dictionary<String, Object> properties = new Hashtable<>();
        for (String key : original.getPropertyKeys()) {
            if (!FRAMEWORK_PROPERTIES.contains(key)) {
                properties.put(key, original.getProperty(key));
            }
        }
        properties.put(PROXY_OF, original.getProperty(Constants.SERVICE_ID));
        return properties;
    }
}
