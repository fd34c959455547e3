package hotfix.runtime.internal.mediation;

import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Dictionary;
import java.util.HashMap;
import java.util.Hashtable;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.framework.ServiceEvent;
import org.osgi.framework.ServiceFactory;
import org.osgi.framework.ServiceListener;
import org.osgi.framework.ServiceReference;
import org.osgi.framework.ServiceRegistration;
import org.osgi.framework.Version;
import org.osgi.framework.hooks.service.EventListenerHook;
import org.osgi.framework.hooks.service.FindHook;
import org.osgi.framework.hooks.service.ListenerHook.ListenerInfo;
import org.osgi.service.log.LoggerFactory;

/**
 * Just enough of an OSGi framework, in memory, to drive a {@link Mediator} as Felix does: a
 * service is in the registry before its REGISTERED event and still there during its
 * UNREGISTERING event; each event goes through the service hooks first, which may take
 * listeners away from it, then to the listeners left. One consumer bundle stands for every
 * application bundle that looks services up or listens for them, and one platform bundle that
 * listens too ({@link #platform}) for one that got a service before the runtime started; each
 * one's events are noted ({@link #told}). Any bundle's context can get
 * and unget services, and a {@link ServiceFactory} makes one object per bundle, as the framework
 * would; the runtime's log goes to {@link #logged}. Thread-safe; it starts no thread of its own.
 */
final class FakeFramework {

    private final AtomicLong ids = new AtomicLong();
    private final List<Service> registry = new CopyOnWriteArrayList<>();
    private final List<ServiceListener> listeners = new CopyOnWriteArrayList<>();
    private final Set<ServiceReference<?>> heard = ConcurrentHashMap.newKeySet();
    private final Map<Bundle, AtomicInteger> loads = new ConcurrentHashMap<>();
    private final Map<Bundle, BundleContext> contexts = new ConcurrentHashMap<>();

    /** What the runtime logged, as "INFO message", "WARN message". */
    final List<String> logged = new CopyOnWriteArrayList<>();
    final Bundle runtime = bundle(5, "hotfix.runtime");
    final Bundle consumer = bundle(20, "example.webapp.web");
    final BundleContext context = runtimeContext();
    final BundleContext consumerContext = context(consumer);
    /** A platform bundle that listens for services too, as Felix Metatype listens for MetaTypeProviders. */
    final Bundle platform = bundle(2, "org.apache.felix.metatype");
    /** The events the consumer and the platform bundle were told, each as its type and service id: "MODIFIED 7". */
    final Map<Bundle, List<String>> told = Map.of(consumer, new CopyOnWriteArrayList<>(), platform,
            new CopyOnWriteArrayList<>());

    /** Runs whenever the runtime gets an application's service object: a test may hold it there. */
    volatile Runnable onGetService = () -> {
    };

    /** Runs whenever a service's using bundles are asked for, before they are: a test may get a service there. */
    volatile Runnable onUsingBundles = () -> {
    };

    /** Runs whenever the runtime has registered a service (a proxy), before registerService returns. */
    volatile Runnable onRegistered = () -> {
    };

    private final Object loggerFactory = logger();
    private final ServiceReference<?> loggerReference = new Service(bundle(1, "org.apache.felix.log"),
            loggerFactory, new String[] {LoggerFactory.class.getName()}, Map.of()).reference;

    /** @return a bundle that can load the given classes and no other */
    Bundle bundle(long id, String symbolicName, Class<?>... visible) {
        Map<String, Class<?>> classes = new HashMap<>();
        for (Class<?> type : visible) {
            classes.put(type.getName(), type);
        }
        AtomicInteger loaded = new AtomicInteger();
        Bundle[] self = new Bundle[1];
        self[0] = (Bundle) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {Bundle.class},
                (proxy, method, arguments) -> switch (method.getName()) {
                    case "getBundleId" -> id;
                    case "getSymbolicName" -> symbolicName;
                    case "getVersion" -> new Version(1, 0, 0);
                    case "getState" -> Bundle.ACTIVE;
                    case "getBundleContext" -> contexts.computeIfAbsent(self[0], this::context);
                    case "getHeaders" -> new Hashtable<String, String>();
                    case "loadClass" -> {
                        loaded.incrementAndGet();
                        Class<?> type = classes.get((String) arguments[0]);
                        if (type == null) {
                            throw new ClassNotFoundException(arguments[0] + " not found by " + symbolicName);
                        }
                        yield type;
                    }
                    case "getRegisteredServices" -> registry.stream().filter(s -> s.bundle == self[0] && s.registered)
                            .map(s -> s.reference).toArray(ServiceReference<?>[]::new);
                    case "equals" -> proxy == arguments[0];
                    case "hashCode" -> System.identityHashCode(proxy);
                    case "toString" -> symbolicName + " [" + id + "]";
                    default -> throw new UnsupportedOperationException("Bundle." + method.getName());
                });
        loads.put(self[0], loaded);
        return self[0];
    }

    /** @return how often the runtime asked the bundle for a class */
    int loadsFrom(Bundle bundle) {
        return loads.get(bundle).get();
    }

    /** Registers an application's service, as its bundle would: the hooks and listeners hear of it. */
    ServiceReference<?> register(Bundle bundle, Object service, Map<String, Object> properties, String... objectClass) {
        Service registered = new Service(bundle, service, objectClass, properties);
        registry.add(registered);
        if (fire(ServiceEvent.REGISTERED, registered.reference)) {
            heard.add(registered.reference);
        }
        return registered.reference;
    }

    /** Unregisters a service, as its bundle would. */
    void unregister(ServiceReference<?> reference) {
        for (Service service : registry) {
            if (service.reference == reference) {
                service.unregister();
            }
        }
    }

    /** @return whether the consumer's service listener was told the service registered */
    boolean consumerHeardOf(ServiceReference<?> reference) {
        return heard.contains(reference);
    }

    /** @return whether the consumer finds the service when it looks services up */
    boolean consumerFinds(ServiceReference<?> reference) {
        Collection<ServiceReference<?>> found = new ArrayList<>(List.of(reference));
        for (Object hook : hooks()) {
            if (hook instanceof FindHook find) {
                find.find(consumerContext, null, null, false, found);
            }
        }
        return !found.isEmpty();
    }

    /**
     * @return those of the references, as a lookup collected them, that the bundle finds: those
     *         the hooks leave; a reference may be unregistered by now, as in a lookup that raced
     *         with the unregistration
     */
    List<ServiceReference<?>> found(Bundle finder, ServiceReference<?>... references) {
        Collection<ServiceReference<?>> found = new ArrayList<>(List.of(references));
        for (Object hook : hooks()) {
            if (hook instanceof FindHook find) {
                find.find(finder.getBundleContext(), null, null, false, found);
            }
        }
        return List.copyOf(found);
    }

    /** @return the proxies the runtime has registered and not unregistered */
    List<ServiceReference<?>> proxies() {
        List<ServiceReference<?>> proxies = new ArrayList<>();
        for (Service service : registry) {
            if (service.registered && service.properties.get(Mediator.PROXY_OF) != null) {
                proxies.add(service.reference);
            }
        }
        return proxies;
    }

    /** @return the proxies registered in place of the service, now or before */
    long proxiesEverRegisteredFor(ServiceReference<?> original) {
        return registry.stream()
                .filter(s -> original.getProperty(Constants.SERVICE_ID).equals(s.properties.get(Mediator.PROXY_OF)))
                .count();
    }

    /** @return the service object registered under the reference (a proxy's, say) */
    Object serviceOf(ServiceReference<?> reference) {
        return registry.stream().filter(s -> s.reference == reference).findFirst().orElseThrow().service;
    }

    /** Tells the hooks, then the listeners the hooks leave, of the event; @return whether the consumer was left */
    private boolean fire(int type, ServiceReference<?> reference) {
        ServiceEvent event = new ServiceEvent(type, reference);
        Map<BundleContext, Collection<ListenerInfo>> listening = new HashMap<>();
        listening.put(consumerContext, new ArrayList<>());
        listening.put(platform.getBundleContext(), new ArrayList<>());
        listening.put(context, new ArrayList<>());
        for (Object hook : hooks()) {
            if (hook instanceof EventListenerHook listenerHook) {
                listenerHook.event(event, listening);
            }
        }
        if (listening.containsKey(context)) {
            for (ServiceListener listener : listeners) {
                listener.serviceChanged(event);
            }
        }
        String name = switch (type) {
            case ServiceEvent.REGISTERED -> "REGISTERED ";
            case ServiceEvent.MODIFIED -> "MODIFIED ";
            case ServiceEvent.UNREGISTERING -> "UNREGISTERING ";
            default -> type + " ";
        };
        listening.keySet().stream().map(BundleContext::getBundle).filter(told::containsKey)
                .forEach(bundle -> told.get(bundle).add(name + reference.getProperty(Constants.SERVICE_ID)));
        return listening.containsKey(consumerContext);
    }

    private List<Object> hooks() {
        return registry.stream().filter(s -> s.registered && (s.service instanceof FindHook
                || s.service instanceof EventListenerHook)).map(s -> s.service).toList();
    }

    /** The runtime's own context: what the Mediator and its log are given. */
    private BundleContext runtimeContext() {
        return (BundleContext) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {BundleContext.class},
                (proxy, method, arguments) -> switch (method.getName()) {
                    case "getBundle" -> runtime;
                    case "getProperty", "createFilter" -> null;
                    case "registerService" -> {
                        String[] names = arguments[0] instanceof String[] many ? many
                                : arguments[0] instanceof Class<?> type ? new String[] {type.getName()}
                                        : new String[] {(String) arguments[0]};
                        Map<String, Object> properties = new HashMap<>();
                        if (arguments[2] instanceof Dictionary<?, ?> dictionary) {
                            for (Object key : java.util.Collections.list(dictionary.keys())) {
                                properties.put((String) key, dictionary.get(key));
                            }
                        }
                        Service registered = new Service(runtime, arguments[1], names, properties);
                        registry.add(registered);
                        fire(ServiceEvent.REGISTERED, registered.reference);
                        onRegistered.run();
                        yield registered;
                    }
                    case "addServiceListener" -> {
                        // only the Mediator's listener, which takes every event; a tracker's
                        // filtered one (the log's) is told of nothing here
                        if (arguments.length == 1) {
                            listeners.add((ServiceListener) arguments[0]);
                        }
                        yield null;
                    }
                    case "removeServiceListener" -> {
                        listeners.remove(arguments[0]);
                        yield null;
                    }
                    case "getAllServiceReferences" -> registry.stream().filter(s -> s.registered).map(s -> s.reference)
                            .toArray(ServiceReference<?>[]::new);
                    case "getServiceReferences" -> LoggerFactory.class.getName().equals(arguments[0])
                            ? new ServiceReference<?>[] {loggerReference}
                            : null;
                    case "getService" -> {
                        if (arguments[0] == loggerReference) {
                            yield loggerFactory;
                        }
                        onGetService.run();
                        yield get(runtime, (ServiceReference<?>) arguments[0]);
                    }
                    case "ungetService" -> unget(runtime, (ServiceReference<?>) arguments[0]);
                    case "equals" -> proxy == arguments[0];
                    case "hashCode" -> System.identityHashCode(proxy);
                    case "toString" -> "context of " + runtime;
                    default -> throw new UnsupportedOperationException("BundleContext." + method.getName());
                });
    }

    /** @return the context of an application bundle: it gets and ungets services */
    private BundleContext context(Bundle bundle) {
        return (BundleContext) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {BundleContext.class},
                (proxy, method, arguments) -> switch (method.getName()) {
                    case "getBundle" -> bundle;
                    case "getService" -> get(bundle, (ServiceReference<?>) arguments[0]);
                    case "ungetService" -> unget(bundle, (ServiceReference<?>) arguments[0]);
                    case "equals" -> proxy == arguments[0];
                    case "hashCode" -> System.identityHashCode(proxy);
                    case "toString" -> "context of " + bundle;
                    default -> throw new UnsupportedOperationException("BundleContext." + method.getName());
                });
    }

    /** @return the object the bundle gets for the service, as the framework would hand it out; null if none */
    private Object get(Bundle bundle, ServiceReference<?> reference) {
        for (Service service : registry) {
            if (service.reference == reference && service.registered) {
                return service.get(bundle);
            }
        }
        return null;
    }

    private boolean unget(Bundle bundle, ServiceReference<?> reference) {
        for (Service service : registry) {
            if (service.reference == reference) {
                return service.unget(bundle);
            }
        }
        return false;
    }

    /** A LoggerFactory whose every logger adds "LEVEL message" to {@link #logged}. */
    private Object logger() {
        ClassLoader loader = getClass().getClassLoader();
        Object logger = Proxy.newProxyInstance(loader, new Class<?>[] {org.osgi.service.log.Logger.class},
                (proxy, method, arguments) -> {
                    logged.add(method.getName().toUpperCase(java.util.Locale.ROOT) + " " + arguments[0]);
                    return null;
                });
        return Proxy.newProxyInstance(loader, new Class<?>[] {LoggerFactory.class},
                (proxy, method, arguments) -> method.getName().equals("getLogger") ? logger : null);
    }

    /** One registration: its reference, its properties, and whether it is still registered. */
    private final class Service implements ServiceRegistration<Object> {
        final Bundle bundle;
        final Object service;
        final Map<String, Object> properties = new ConcurrentHashMap<>();
        final ServiceReference<?> reference;
        /**
         * Per bundle that got it: the object it got and how often, less how often it gave it back.
         * Changed under the lock, which a get holds while a factory makes the object; read without
         * it, as Felix answers who uses a service without waiting for a factory under way.
         */
        private final Map<Bundle, Map.Entry<Object, Integer>> uses = new ConcurrentHashMap<>();
        volatile boolean registered = true;

        Service(Bundle bundle, Object service, String[] objectClass, Map<String, Object> given) {
            this.bundle = bundle;
            this.service = service;
            properties.put(Constants.SERVICE_SCOPE, Constants.SCOPE_SINGLETON);
            properties.putAll(given);
            properties.put(Constants.OBJECTCLASS, objectClass);
            properties.put(Constants.SERVICE_ID, ids.incrementAndGet());
            properties.put(Constants.SERVICE_BUNDLEID, bundle.getBundleId());
            this.reference = (ServiceReference<?>) Proxy.newProxyInstance(FakeFramework.class.getClassLoader(),
                    new Class<?>[] {ServiceReference.class}, (proxy, method, arguments) -> switch (method.getName()) {
                        case "getBundle" -> registered ? bundle : null;
                        case "getProperty" -> properties.get((String) arguments[0]);
                        case "getPropertyKeys" -> properties.keySet().toArray(String[]::new);
                        case "getUsingBundles" -> {
                            onUsingBundles.run();
                            yield using();
                        }
                        case "equals" -> proxy == arguments[0];
                        case "hashCode" -> System.identityHashCode(proxy);
                        case "toString" -> "reference to " + String.join(",", objectClass) + " of " + bundle;
                        default -> throw new UnsupportedOperationException("ServiceReference." + method.getName());
                    });
        }

        /** Gets the service for a bundle; a factory makes the bundle's object on its first get. */
        @SuppressWarnings({"unchecked", "rawtypes"})
        synchronized Object get(Bundle user) {
            Map.Entry<Object, Integer> use = uses.get(user);
            if (use == null) {
                Object made = service instanceof ServiceFactory factory ? factory.getService(user, this) : service;
                if (made == null) {
                    return null;
                }
                use = Map.entry(made, 0);
            }
            uses.put(user, Map.entry(use.getKey(), use.getValue() + 1));
            return use.getKey();
        }

        /** Gives the service back for a bundle; a factory is told when the bundle's last use goes. */
        @SuppressWarnings({"unchecked", "rawtypes"})
        synchronized boolean unget(Bundle user) {
            Map.Entry<Object, Integer> use = uses.remove(user);
            if (use == null) {
                return false;
            }
            if (use.getValue() > 1) {
                uses.put(user, Map.entry(use.getKey(), use.getValue() - 1));
            } else if (service instanceof ServiceFactory factory) {
                factory.ungetService(user, this, use.getKey());
            }
            return true;
        }

        private Bundle[] using() {
            return uses.isEmpty() ? null : uses.keySet().toArray(Bundle[]::new);
        }

        @Override
        @SuppressWarnings("unchecked")
        public ServiceReference<Object> getReference() {
            return (ServiceReference<Object>) reference;
        }

        @Override
        public void setProperties(Dictionary<String, ?> changed) {
            for (Object key : java.util.Collections.list(changed.keys())) {
                properties.put((String) key, changed.get(key));
            }
            fire(ServiceEvent.MODIFIED, reference);
        }

        @Override
        public void unregister() {
            if (!registered) {
                throw new IllegalStateException("already unregistered");
            }
            fire(ServiceEvent.UNREGISTERING, reference);
            registered = false;
        }
    }
}
