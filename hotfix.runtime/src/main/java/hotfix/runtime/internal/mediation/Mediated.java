package hotfix.runtime.internal.mediation;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.framework.FrameworkUtil;
import org.osgi.framework.ServiceFactory;
import org.osgi.framework.ServiceReference;
import org.osgi.framework.ServiceRegistration;

import hotfix.runtime.api.StateTransfer;
import hotfix.runtime.internal.gate.Gate;
import hotfix.runtime.internal.gate.Lineage;

/**
 * One mediated service: the hidden original, the proxy registered in its place, and the
 * bindings that join them, each a slot its consumer's calls go through.
 * <p>
 * A singleton original is got once, by the runtime, when it is mediated (getting a plain
 * object has no side effect), and every consumer shares one proxy. A bundle-scoped original
 * (a {@link ServiceFactory}, as every DS component with a service is) keeps its semantics: the
 * proxy is a service factory too, and the original is got for a consumer bundle only when that
 * bundle gets the proxy, through the consumer's own context, so a delayed component stays
 * delayed, each consumer bundle gets the object the original's factory makes for it, and the
 * factory sees each consumer's {@code ungetService}. A hotfix moves every binding, and this
 * record, to the new version's service.
 */
public final class Mediated {

    /** What a get returns when the service moved meanwhile: ask the new original. */
    private static final Object MOVED = new Object();

    private final Gate gate;
    /** The versions of the bundle that registered the original, which every hotfix of it moves on. */
    private final Lineage lineage;
    private final ProxyFactory proxies;
    private final List<Class<?>> interfaces;
    private final Uses uses;
    /**
     * By the proxy object each consumer was given: a consumer's proxy may be let go of and a new
     * one got on two threads at once, and the release must end the binding it was given for.
     */
    private final Map<Object, Binding> bindings = new IdentityHashMap<>(); // guarded by this
    private volatile ServiceReference<?> original;
    /** Set when the runtime stops: bindings let go of are released only by {@link #releaseAll()}. */
    private boolean detached; // guarded by this
    private final List<Binding> released = new ArrayList<>(); // guarded by this
    /** Consumer bundles whose calls through their proxies are watched, also those they bind later. */
    private final Map<Bundle, Outgoing> watched = new LinkedHashMap<>(); // guarded by this
    /** The new version's objects got for bundles that use an original themselves, until they move to the proxy. */
    private final List<Binding> awaitingMove = new ArrayList<>(); // guarded by this
    private volatile ServiceRegistration<?> proxy;
    /** The gets under way, by the original each asks: see {@link #awaitGetsBeforeMove}. */
    private final Map<ServiceReference<?>, Integer> asking = new HashMap<>(); // guarded by this

    /** What a consumer bundle holds: the proxy it was given, and the original's object behind it. */
    private static final class Binding {

        final Bundle consumer;
        final BundleContext context;
        final ProxySlot slot;
        final Object proxy;
        ServiceReference<?> from; // guarded by the Mediated
        Object service; // guarded by the Mediated

        Binding(Bundle consumer, BundleContext context, ProxySlot slot, Object proxy, ServiceReference<?> from,
                Object service) {
            this.consumer = consumer;
            this.context = context;
            this.slot = slot;
            this.proxy = proxy;
            this.from = from;
            this.service = service;
        }
    }

    /**
     * The consumers the runtime got an original for, through their own contexts: those bundles
     * use the original only through their proxy, and it stays hidden from them.
     */
    interface Uses {

        void add(ServiceReference<?> original, Bundle consumer);

        void remove(ServiceReference<?> original, Bundle consumer);

        /** @return whether the runtime got the original for the consumer's proxy */
        boolean has(ServiceReference<?> original, Bundle consumer);
    }

    Mediated(ServiceReference<?> original, List<Class<?>> interfaces, Gate gate, ProxyFactory proxies, Uses uses) {
        this.original = original;
        this.interfaces = List.copyOf(interfaces);
        this.gate = gate;
        Bundle registrant = original.getBundle();
        this.lineage = gate.lineage(registrant == null ? "" : registrant.getSymbolicName());
        this.proxies = proxies;
        this.uses = uses;
    }

    /**
     * Binds the runtime itself, for a singleton original: every consumer is given the proxy this
     * returns.
     *
     * @return the shared proxy, or {@code null} if the original gave no service object
     */
    Object shared(BundleContext runtime) throws ProxyException {
        return bind(runtime.getBundle(), runtime);
    }

    /** @return the service factory to register for a bundle-scoped original: a binding per consumer bundle */
    ServiceFactory<Object> perConsumer() {
        return new ServiceFactory<>() {
            @Override
            public Object getService(Bundle consumer, ServiceRegistration<Object> registration) {
                try {
                    Object made = bind(consumer, consumer.getBundleContext());
                    if (made != null) {
                        supersede(consumer, made);
                    }
                    return made;
                } catch (ProxyException e) {
                    // the framework logs it and the consumer gets null, as from a failing factory
                    throw new IllegalStateException(e.getMessage(), e);
                }
            }

            @Override
            public void ungetService(Bundle consumer, ServiceRegistration<Object> registration, Object service) {
                unbind(service);
            }
        };
    }

    void registered(ServiceRegistration<?> registration) {
        proxy = registration;
    }

    /**
     * Gets the original for a consumer through the given context and puts a proxy in front of it.
     * The lock is not held while the original is got (a DS component may activate, and get other
     * services): if a hotfix moved this service meanwhile, the object is given back and the new
     * original is got instead.
     */
    private Object bind(Bundle consumer, BundleContext context) throws ProxyException {
        while (true) {
            ServiceReference<?> from;
            synchronized (this) {
                from = original;
                asking.merge(from, 1, Integer::sum);
            }
            Object made;
            try {
                made = bind(consumer, context, from);
            } finally {
                asked(from);
            }
            if (made != MOVED) {
                return made;
            }
        }
    }

    /** @return the proxy bound to the original's object, null if it gave none, or {@link #MOVED} */
    private Object bind(Bundle consumer, BundleContext context, ServiceReference<?> from) throws ProxyException {
        uses.add(from, consumer);
        Object service = context.getService(from);
        if (service == null) {
            uses.remove(from, consumer);
            // a hotfix moved the service meanwhile, and may fix a factory that gave nothing: a
            // null now would reach a listener told of the fix, which would not ask again
            return from == original ? null : MOVED;
        }
        ProxySlot slot = new ProxySlot(gate, lineage, service);
        Object made;
        try {
            made = proxies.create(interfaces, slot);
        } catch (ProxyException | RuntimeException e) {
            giveBack(context, from, consumer);
            throw e;
        }
        synchronized (this) {
            if (from == original) {
                slot.watch(watched.get(consumer));
                bindings.put(made, new Binding(consumer, context, slot, made, from, service));
                return made;
            }
        }
        giveBack(context, from, consumer);
        return MOVED;
    }

    private synchronized void asked(ServiceReference<?> from) {
        if (asking.merge(from, -1, Integer::sum) == 0) {
            asking.remove(from);
            notifyAll();
        }
    }

    /**
     * Waits, at most the given time, for the gets of this service begun before it moved to
     * return. The framework hands the answer of a factory call under way to the other threads of
     * its bundle that ask meanwhile: a listener told of the move while a get of the old version
     * is under way, as a tracker is by the commit's MODIFIED event, would be given that get's
     * answer, and a null one from a factory the move fixes would make it stop asking. Once those
     * gets returned, every get asks the new version. Restores the interrupt if interrupted.
     */
    public synchronized void awaitGetsBeforeMove(Duration bound) {
        long deadline = System.nanoTime() + bound.toNanos();
        while (asking.keySet().stream().anyMatch(from -> from != original)) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return;
            }
            try {
                TimeUnit.NANOSECONDS.timedWait(this, left);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /**
     * Ends a consumer's bindings other than the one just made for it. The framework asks a
     * bundle-scoped factory again only once the bundle's last use ended; Felix may then skip the
     * factory's {@code ungetService} for that last use, when another get raises the count as the
     * object is let go of, and the binding it was for would be held for good.
     */
    private void supersede(Bundle consumer, Object kept) {
        List<Object> stale = new ArrayList<>();
        synchronized (this) {
            bindings.forEach((proxy, binding) -> {
                if (proxy != kept && binding.consumer.equals(consumer)) {
                    stale.add(proxy);
                }
            });
        }
        stale.forEach(this::unbind);
    }

    private void unbind(Object proxy) {
        Binding binding;
        synchronized (this) {
            binding = bindings.remove(proxy);
            if (binding != null && detached) {
                released.add(binding);
                return;
            }
        }
        if (binding != null) {
            giveBack(binding.context, binding.from, binding.consumer);
        }
    }

    /**
     * From now on, a consumer that lets go of its proxy keeps its use of the original until
     * {@link #releaseAll()}: when the runtime stops, a consumer moving from the proxy to the
     * original gets it again before the runtime's use for it ends, so a bundle-scoped original
     * (a delayed DS component) is never disposed of on the way, and keeps its state.
     */
    synchronized void detach() {
        detached = true;
    }

    /** Releases every binding; the proxy is unregistered, or was never registered. */
    void releaseAll() {
        List<Binding> all;
        synchronized (this) {
            all = new ArrayList<>(released);
            all.addAll(bindings.values());
            released.clear();
            bindings.clear();
        }
        all.forEach(binding -> giveBack(binding.context, binding.from, binding.consumer));
    }

    private void giveBack(BundleContext context, ServiceReference<?> from, Bundle consumer) {
        try {
            context.ungetService(from);
        } catch (IllegalStateException e) {
            // the consumer (or the runtime) is stopping: the framework releases what it used
        }
        uses.remove(from, consumer);
    }

    /** @return the hidden original service's reference */
    public ServiceReference<?> original() {
        return original;
    }

    /** @return the original's objects the proxies call now, each once; empty if no consumer got it yet */
    public List<Object> services() {
        Map<Object, Boolean> distinct = new IdentityHashMap<>();
        synchronized (this) {
            bindings.values().forEach(binding -> distinct.put(binding.service, true));
        }
        return List.copyOf(distinct.keySet());
    }

    /**
     * @return whether the service hands its state over to its successor: it is registered as a
     *         {@link StateTransfer}, or an object the proxies call now is one
     */
    public boolean handsOverState() {
        return registeredAs(original, StateTransfer.class)
                || services().stream().anyMatch(service -> service instanceof StateTransfer);
    }

    /** @return whether the service is registered under the name of the type */
    public static boolean registeredAs(ServiceReference<?> reference, Class<?> type) {
        return reference.getProperty(Constants.OBJECTCLASS) instanceof String[] names
                && List.of(names).contains(type.getName());
    }

    /** @return the proxy's registration */
    public ServiceRegistration<?> proxy() {
        return proxy;
    }

    /** @return the versions of the bundle that registered this service */
    public Lineage lineage() {
        return lineage;
    }

    /**
     * Forgets the targets of the generations before the current one: the old version retires, and
     * a unit of work still pinned to it moves on to the new one at its next call.
     */
    public synchronized void forgetOlder() {
        bindings.values().forEach(binding -> binding.slot.forgetOlder());
    }

    /**
     * Counts the calls a consumer bundle makes through its proxy of this service, from now on and
     * through the proxies it gets later, until {@link #unwatch(Bundle)}. Nothing to count for a
     * singleton: its one proxy is shared by every consumer.
     */
    synchronized void watch(Bundle consumer, Outgoing calls) {
        watched.put(consumer, calls);
        bindings.values().stream().filter(binding -> binding.consumer.equals(consumer))
                .forEach(binding -> binding.slot.watch(calls));
    }

    /** Stops counting the calls of a consumer bundle. */
    synchronized void unwatch(Bundle consumer) {
        watched.remove(consumer);
        bindings.values().stream().filter(binding -> binding.consumer.equals(consumer))
                .forEach(binding -> binding.slot.watch(null));
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
        String[] classes = (String[]) reference.getProperty(Constants.OBJECTCLASS);
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

    /**
     * Whether a registered service can stand behind a proxy of the interfaces, judged by the
     * classes it is registered under, without getting it: it must be registered under each, and
     * its bundle must see each as the same class the proxy implements.
     *
     * @param interfaces  the proxy's interfaces
     * @param replacement the service that would take the current one's place
     * @return why it cannot, naming the interface and where each class comes from; empty if it can
     */
    public static Optional<String> misfit(List<Class<?>> interfaces, ServiceReference<?> replacement) {
        Bundle bundle = replacement.getBundle();
        if (bundle == null) {
            return Optional.of("it is unregistered");
        }
        List<String> names = List.of((String[]) replacement.getProperty(Constants.OBJECTCLASS));
        for (Class<?> proxied : interfaces) {
            String name = proxied.getName();
            if (!names.contains(name)) {
                return Optional.of("it is not registered as " + name + " of " + origin(proxied)
                        + ", which the proxy exposes to consumers: provide it again, and list it in "
                        + "@Component(service = ...) if the component names its services");
            }
            Class<?> seen;
            try {
                seen = bundle.loadClass(name);
            } catch (ClassNotFoundException | IllegalStateException | LinkageError e) {
                return Optional.of("its bundle cannot load " + name + ", which the proxy exposes to consumers: " + e);
            }
            if (seen != proxied) {
                return Optional.of("the service it registers implements " + name + " of " + origin(seen)
                        + ", another class than the " + name + " of " + origin(proxied) + " that the proxy exposes "
                        + "to consumers: the new version has its own copy of " + proxied.getPackageName()
                        + "; import the package from the bundle that exports it instead of embedding it");
            }
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

    /**
     * Gets the new original's objects for every consumer bound now, each through the context
     * that got the current one: the first half of moving this service to a new version.
     *
     * @param to the new version's service
     * @return the move, whose objects {@link Move#release()} gives back if the hotfix is undone
     * @throws ProxyException if the new original gives a consumer no object; what was got is given back
     */
    public Move prepare(ServiceReference<?> to) throws ProxyException {
        Move move = new Move(to);
        List<Binding> now;
        synchronized (this) {
            now = List.copyOf(bindings.values());
        }
        for (Binding binding : now) {
            move.get(binding);
        }
        for (Binding user : directUsers(now)) {
            move.direct.add(user);
            move.get(user);
        }
        return move;
    }

    /**
     * @return for each bundle that uses the original itself, not through a proxy (it got it while
     *         the runtime was stopped), its object, got again through its context: a stateful
     *         one hands its state over too, or it would be lost when its user moves to the proxy
     */
    private List<Binding> directUsers(List<Binding> bound) {
        ServiceReference<?> from = original;
        Bundle[] users = from.getUsingBundles();
        List<Binding> direct = new ArrayList<>();
        if (users == null || !handsOverState()) {
            return direct;
        }
        for (Bundle user : users) {
            BundleContext context = user.getBundleContext();
            if (context == null || uses.has(from, user) || bound.stream().anyMatch(b -> b.consumer.equals(user))) {
                continue;
            }
            Object service = context.getService(from);
            if (service != null) {
                direct.add(new Binding(user, context, null, null, from, service));
            }
        }
        return direct;
    }

    /**
     * Gives back the new version's objects got for bundles that used an old original
     * themselves: called once the old version is gone and they got their proxies.
     */
    void moved() {
        List<Binding> done;
        synchronized (this) {
            done = List.copyOf(awaitingMove);
            awaitingMove.clear();
        }
        done.forEach(binding -> giveBack(binding.context, binding.from, binding.consumer));
    }

    /**
     * The move of one mediated service to a new original: the new objects, one per binding, got
     * before the window so the window only publishes them.
     */
    public final class Move {

        private final ServiceReference<?> to;
        private final Map<Binding, Object> objects = new LinkedHashMap<>();
        /** Bundles that use the old original themselves: their objects hand state over, nothing is retargeted. */
        private final List<Binding> direct = new ArrayList<>();

        private Move(ServiceReference<?> to) {
            this.to = to;
        }

        private void get(Binding binding) throws ProxyException {
            uses.add(to, binding.consumer);
            Object service = binding.context.getService(to);
            if (service == null) {
                uses.remove(to, binding.consumer);
                release();
                throw new ProxyException("the new " + matchKey(to) + " gave no service object to "
                        + binding.consumer.getSymbolicName() + " " + binding.consumer.getVersion());
            }
            objects.put(binding, service);
        }

        /** @return the new version's service */
        public ServiceReference<?> to() {
            return to;
        }

        /** @return each consumer's current object and the new one that takes its place, each pair once */
        public List<Map.Entry<Object, Object>> pairs() {
            Map<Object, Map<Object, Boolean>> seen = new IdentityHashMap<>();
            List<Map.Entry<Object, Object>> pairs = new ArrayList<>();
            synchronized (Mediated.this) {
                objects.forEach((binding, after) -> {
                    if (seen.computeIfAbsent(binding.service, k -> new IdentityHashMap<>()).put(after, true) == null) {
                        pairs.add(Map.entry(binding.service, after));
                    }
                });
            }
            return pairs;
        }

        /**
         * Gets the new object for every consumer that bound since {@link #prepare}; in the window,
         * before anything is published.
         */
        public void complete() throws ProxyException {
            List<Binding> missing = new ArrayList<>();
            synchronized (Mediated.this) {
                bindings.values().stream().filter(binding -> !objects.containsKey(binding)).forEach(missing::add);
            }
            missing.removeIf(binding -> direct.stream().anyMatch(user -> user.consumer.equals(binding.consumer)));
            for (Binding binding : missing) {
                get(binding);
            }
        }

        /**
         * Publishes the move: every binding's slot has its new object as the target of
         * {@code generation} (one write each), and consumers that bind from now on get the new
         * original. Units of work pinned to the generation before go on calling the old objects,
         * which are released when the old version stops. After {@link #complete()}.
         */
        public void publish(int generation) {
            List<Binding> stale = new ArrayList<>();
            synchronized (Mediated.this) {
                original = to;
                for (Map.Entry<Binding, Object> moved : objects.entrySet()) {
                    Binding binding = moved.getKey();
                    if (direct.contains(binding)) {
                        // the new object is kept for it until it moves to the proxy (see moved())
                        awaitingMove.add(new Binding(binding.consumer, binding.context, null, null, to,
                                moved.getValue()));
                    } else if (bindings.get(binding.proxy) == binding) {
                        binding.slot.publish(moved.getValue(), generation);
                        binding.from = to;
                        binding.service = moved.getValue();
                    } else {
                        stale.add(binding); // let go of its proxy since the move was prepared
                    }
                }
            }
            stale.forEach(binding -> giveBack(binding.context, to, binding.consumer));
            // the old objects got again for direct users: they hold their own
            direct.forEach(user -> giveBack(user.context, user.from, user.consumer));
        }

        /** Gives back the new objects: the hotfix is undone before it was published. */
        public void release() {
            objects.forEach((binding, service) -> giveBack(binding.context, to, binding.consumer));
            objects.clear();
            direct.forEach(user -> giveBack(user.context, user.from, user.consumer));
            direct.clear();
        }
    }

    @Override
    public String toString() {
        ServiceReference<?> now = original;
        Bundle bundle = now.getBundle();
        return String.join(",", interfaces()) + " of "
                + (bundle == null ? "an unregistered service" : bundle.getSymbolicName() + " " + bundle.getVersion());
    }
}
