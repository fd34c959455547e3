package hotfix.runtime.internal.mediation;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Dictionary;
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
import hotfix.runtime.internal.gate.Lineage;
import hotfix.runtime.internal.log.RuntimeLog;

/**
 * Puts a proxy in front of every service of a hotfixable bundle that a proxy can stand for, and
 * hides the original from every bundle but the runtime and the framework, so consumers only ever
 * hold proxies.
 * <p>
 * Whether a service is mediated is decided once, when it registers (or when the runtime starts,
 * for those already there), BEFORE any consumer is told of it, and remembered until it
 * unregisters: a service that cannot be replaced behind a proxy must never be hidden, since
 * nothing could announce it again. Mediated: singleton- and bundle-scoped services of
 * {@link Hotfixable} bundles whose every {@code objectClass} is a public interface the registering
 * bundle can load and a proxy can implement. Their scope and laziness are kept (see
 * {@link Mediated}): a singleton is got once and shared, a bundle-scoped service (every DS
 * component) is got for each consumer bundle when it gets the proxy, not before. Left as they are, visible, and re-registered by a hotfix
 * of their bundle: prototype-scoped services, HTTP Whiteboard services (the whiteboard manages
 * their life cycle, which a proxy would hide from it), Gogo commands (called by reflection on the
 * object's own class), and services registered under a class name or an interface no proxy can
 * implement. Each is logged once, with the reason.
 * <p>
 * The hooks must be registered before any consumer gets a service, so the runtime starts at a
 * lower start level than the application. An original is never hidden from a bundle that
 * already uses it: hiding its UNREGISTERING event would leave that bundle holding a dead service.
 * A bundle that uses an original only because the runtime got it for the bundle's proxy does
 * not count: the original stays hidden from it. A bundle that does use an original itself (it
 * got it while the runtime was stopped) is not shown the proxy as well, so it never sees the
 * service twice; it alone is told of the proxy once that original is gone.
 * <p>
 * While a hotfix stages a new version, every service of that bundle is hidden, those left alone
 * too (an HTTP Whiteboard servlet must not serve before the commit, nor at all if the hotfix is
 * refused), and those left alone are announced again at the commit. When the runtime stops, the
 * hooks go first, every hidden original is announced again, and only then the proxies go: a
 * consumer that tracks its services moves to the original without ever being unbound, and a
 * bundle-scoped original keeps the very object its consumer had (see {@link Reannouncer}).
 */
public final class Mediator implements FindHook, EventListenerHook, ServiceListener {

    /** Property on every proxy registration: the service id of the original it stands for. */
    public static final String PROXY_OF = "hotfix.proxy.of";

    /** Gogo's property that makes a service a shell command (CommandProcessor.COMMAND_SCOPE). */
    static final String COMMAND_SCOPE = "osgi.command.scope";
    /**
     * How long a commit waits for the gets of a moved service begun before the move, before it
     * tells listeners of the move: a get asks one object of a factory, and the old version's is
     * not held by anything of the hotfix.
     */
    static final Duration GETS_BEFORE_MOVE = Duration.ofSeconds(1);

    private final BundleContext context;
    private final Gate gate;
    private final Hotfixable hotfixable;
    private final ProxyFactory proxies;
    private final RuntimeLog log;
    private final Map<ServiceReference<?>, Mediated> byOriginal = new ConcurrentHashMap<>();
    private final Map<ServiceReference<?>, Decision> decisions = new ConcurrentHashMap<>();
    /** The originals a proxy is made (or was made) for: each one's mediation runs once. */
    private final Set<ServiceReference<?>> claimed = ConcurrentHashMap.newKeySet();
    private final Set<Long> staging = ConcurrentHashMap.newKeySet();
    /** Symbolic names of bundles a hotfix is replacing: two versions of each are installed. */
    private final Set<String> replacing = ConcurrentHashMap.newKeySet();
    /**
     * For each original, the consumer bundles the runtime got it for, behind their proxies, with
     * how many gets are not given back yet: counted, since a consumer's proxy may be let go of
     * and got again on two threads at once, and a set would lose the second get to the first's
     * release, showing the consumer the original it holds.
     */
    private final Map<ServiceReference<?>, Map<Bundle, Integer>> behalf = new ConcurrentHashMap<>();
    /**
     * For each original, how many gets the runtime ever began for each consumer bundle: a get
     * begun while {@link #usedBy} looks must not pass for the consumer's own (see there).
     */
    private final Map<ServiceReference<?>, Map<Bundle, Long>> begun = new ConcurrentHashMap<>();
    private final Mediated.Uses uses = new Mediated.Uses() {
        @Override
        public void add(ServiceReference<?> original, Bundle consumer) {
            behalf.compute(original, (key, consumers) -> {
                Map<Bundle, Integer> counted = consumers != null ? consumers : new ConcurrentHashMap<>();
                counted.merge(consumer, 1, Integer::sum);
                return counted;
            });
            // counted after: has() may read a map the last release emptied and dropped just before
            begun.computeIfAbsent(original, key -> new ConcurrentHashMap<>()).merge(consumer, 1L, Long::sum);
        }

        @Override
        public boolean has(ServiceReference<?> original, Bundle consumer) {
            Map<Bundle, Integer> consumers = behalf.get(original);
            return consumers != null && consumers.containsKey(consumer);
        }

        @Override
        public void remove(ServiceReference<?> original, Bundle consumer) {
            behalf.computeIfPresent(original, (key, consumers) -> {
                consumers.computeIfPresent(consumer, (bundle, count) -> count > 1 ? count - 1 : null);
                return consumers.isEmpty() ? null : consumers;
            });
        }
    };
    private final Reannouncer reannouncer = new Reannouncer();
    /** The originals that have a proxy, by service id: what a proxy's {@link #PROXY_OF} names. */
    private final Map<Object, ServiceReference<?>> originalsById = new ConcurrentHashMap<>();
    /**
     * For each original a bundle uses itself, its proxy and the bundles it was hidden from: told
     * to them, and only to them, once the original is gone.
     */
    private final Map<ServiceReference<?>, Unshown> usedDirectly = new ConcurrentHashMap<>();
    /** The proxy this thread tells again, and to whom alone (see {@link #retired()}). */
    private final ThreadLocal<Unshown> announcing = new ThreadLocal<>();
    private ServiceRegistration<?> hooks;

    /** A proxy hidden from the bundles that use its original themselves. */
    private record Unshown(ServiceReference<?> proxy, Set<Bundle> bundles) {
    }

    /** A service that stays as it registered, and why. */
    public record Unmediated(ServiceReference<?> reference, String why) {
    }

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
                    // a service registering now is also told to serviceChanged: mediate() claims it once
                    if (decide(reference).mediable()) {
                        mediate(reference);
                    }
                }
            }
        } catch (InvalidSyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Unregisters the hooks, announces the hidden originals again, and unregisters every proxy:
     * consumers move to the originals. When the whole framework is stopping, its bundles are
     * stopped already, and nothing is announced.
     */
    public void close() {
        context.removeServiceListener(this);
        List<Mediated> all = List.copyOf(byOriginal.values());
        all.forEach(Mediated::detach);
        if (hooks != null) {
            hooks.unregister();
            hooks = null;
        }
        Bundle framework = context.getBundle(0);
        if (framework != null && (framework.getState() & (Bundle.STOPPING | Bundle.RESOLVED)) == 0) {
            List<String> silent = new ArrayList<>();
            for (ServiceReference<?> original : List.copyOf(byOriginal.keySet())) {
                if (!reannouncer.reannounce(original)) {
                    silent.add(names(original) + " of " + original.getBundle());
                }
            }
            if (!silent.isEmpty()) {
                log.warn("The hotfix runtime stops, and the framework gives no way to announce these services "
                        + "again to the consumers that were shown only their proxies: {}. Bundles that track them "
                        + "find them again when their bundles restart", silent);
            }
        }
        all.forEach(this::unregister);
        // consumers have moved to the originals: the runtime's uses for them end now
        all.forEach(Mediated::releaseAll);
    }

    /** @return whether the service is hidden behind a proxy (or would be, once registered) */
    public boolean mediates(ServiceReference<?> reference) {
        return decision(reference).mediable();
    }

    /**
     * @return the services of a bundle that are not mediated, each with the reason: a hotfix of
     *         the bundle re-registers them
     */
    public List<Unmediated> unmediated(Bundle bundle) {
        List<Unmediated> services = new ArrayList<>();
        ServiceReference<?>[] registered = bundle.getRegisteredServices();
        if (registered != null) {
            for (ServiceReference<?> reference : registered) {
                Decision decision = decision(reference);
                if (decision.leftAlone()) {
                    services.add(new Unmediated(reference, decision.why()));
                }
            }
        }
        return services;
    }

    /** @return how many services the mediator has decided for and remembers; for tests */
    int remembered() {
        return decisions.size();
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
        replacing.add(bundle.getSymbolicName());
        staging.add(bundle.getBundleId());
    }

    /**
     * After a hotfix retired the old version: its bundle has one version again, and the proxies
     * are told again to bundles that used an old original themselves and were not shown the
     * proxy while they did, and to no other bundle. Those that track the proxy already must not
     * hear of it again: Event Admin, told that an event handler is modified, drops it from its
     * handlers, gives it back and takes it again, and events sent meanwhile reach no handler
     * (EventAdminIT lost sendEvent calls so).
     *
     * @param newVersion the version that serves now
     */
    public void retired(Bundle newVersion) {
        replacing.remove(newVersion.getSymbolicName());
        for (Map.Entry<ServiceReference<?>, Unshown> used : usedDirectly.entrySet()) {
            if (used.getKey().getBundle() == null && usedDirectly.remove(used.getKey(), used.getValue())) {
                announceAgain(used.getValue());
            }
        }
        // those that moved got the new objects for themselves: the runtime's uses for them end
        byOriginal.values().forEach(Mediated::moved);
    }

    /** Fires a MODIFIED event for a proxy, its properties unchanged, heard only by the bundles it was hidden from. */
    private void announceAgain(Unshown unshown) {
        for (Mediated mediated : byOriginal.values()) {
            ServiceRegistration<?> proxy = mediated.proxy();
            try {
                if (proxy != null && proxy.getReference().equals(unshown.proxy())) {
                    announcing.set(unshown);
                    try {
                        proxy.setProperties(Reannouncer.properties(unshown.proxy()));
                    } finally {
                        announcing.remove();
                    }
                }
            } catch (IllegalStateException e) {
                // unregistered meanwhile
            }
        }
    }

    /**
     * Watches the calls a bundle makes through the proxies of the bundle-scoped services mediated
     * now, those it got and those it gets later, until {@link #unwatch(Bundle)}: whether a version
     * being retired still works.
     *
     * @return the calls, counted from now on
     */
    public Outgoing watch(Bundle bundle) {
        Outgoing calls = new Outgoing();
        byOriginal.values().forEach(mediated -> mediated.watch(bundle, calls));
        return calls;
    }

    /** Stops watching the calls of a bundle. */
    public void unwatch(Bundle bundle) {
        byOriginal.values().forEach(mediated -> mediated.unwatch(bundle));
    }

    /** Ends staging without a commit: the staged bundle is about to go away. */
    public void unstage(Bundle bundle) {
        replacing.remove(bundle.getSymbolicName());
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
     * Moves a proxy to a staged service as the target of {@code generation}: one volatile write
     * per consumer's slot. After {@link Mediated.Move#complete()}; the lineage advances to the
     * generation once every proxy of the hotfix has it.
     */
    public void retarget(Mediated mediated, Mediated.Move move, int generation) {
        claimed.add(move.to());
        originalsById.put(move.to().getProperty(Constants.SERVICE_ID), move.to());
        byOriginal.remove(mediated.original());
        move.publish(generation);
        byOriginal.put(move.to(), mediated);
    }

    /** @return the versions of a bundle, as the units of work that call into it see them */
    public Lineage lineage(Bundle bundle) {
        return gate.lineage(bundle.getSymbolicName());
    }

    /**
     * Forgets the old targets of every proxy of a bundle's versions: its old version retires, and
     * units of work still pinned to it move on to the new one.
     */
    public void forgetOlder(Lineage lineage) {
        byOriginal.values().stream().filter(mediated -> mediated.lineage() == lineage).forEach(Mediated::forgetOlder);
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
                mediated.awaitGetsBeforeMove(GETS_BEFORE_MOVE);
                mediated.proxy().setProperties(proxyProperties(reference));
            }
        }
        for (Unmediated service : unmediated(bundle)) {
            reannouncer.reannounce(service.reference());
        }
    }

    @Override
    public void find(BundleContext finder, String name, String filter, boolean allServices,
            Collection<ServiceReference<?>> references) {
        Bundle bundle = finder.getBundle();
        if (sees(bundle)) {
            return;
        }
        // A service unregistered since Felix collected it is dropped too: it is of no use to anyone,
        // and its owner is unknown by now, so otherVersion() cannot hide it. Felix lets it through
        // its assignability check (with no service object left, it takes the finder for one using
        // reflection), and a bundle would get its retired version's service, registered under a
        // private interface of the same name and with a lower id, in place of its own: a null
        // object (ConformanceIT's non-public shape, #12).
        references.removeIf(reference -> reference.getBundle() == null
                || hiddenFrom(reference, decision(reference), bundle));
    }

    @Override
    public void event(ServiceEvent event, Map<BundleContext, Collection<ListenerInfo>> listeners) {
        ServiceReference<?> reference = event.getServiceReference();
        // The first the runtime hears of a service: decide before anyone else is told of it.
        Decision decision = event.getType() == ServiceEvent.REGISTERED ? decide(reference) : decision(reference);
        if (!decision.mediable() && !staged(reference) && reference.getProperty(PROXY_OF) == null
                && !replaced(reference)) {
            return;
        }
        Unshown announced = announcing.get();
        boolean again = announced != null && announced.proxy().equals(reference);
        listeners.keySet().removeIf(listener -> {
            Bundle bundle;
            try {
                bundle = listener.getBundle();
            } catch (IllegalStateException e) {
                return false;
            }
            return !sees(bundle) && (again ? !announced.bundles().contains(bundle)
                    : hiddenFrom(reference, decision, bundle));
        });
    }

    /**
     * Whether a bundle (neither the framework nor the runtime) is kept from seeing a service: an
     * original behind a proxy, or any service of a bundle being staged, unless the bundle uses it
     * itself; a proxy, from a bundle that uses its original itself.
     */
    private boolean hiddenFrom(ServiceReference<?> reference, Decision decision, Bundle bundle) {
        if (otherVersion(reference, bundle)) {
            return true;
        }
        if (decision.mediable()) {
            return !usedBy(reference, bundle);
        }
        if (staged(reference)) {
            // a staged version finds its own services, as it would without the runtime
            return !bundle.equals(reference.getBundle()) && !usedBy(reference, bundle);
        }
        Object of = reference.getProperty(PROXY_OF);
        if (of == null || !context.getBundle().equals(reference.getBundle())) {
            return false;
        }
        ServiceReference<?> original = originalsById.get(of);
        if (original != null && usedBy(original, bundle)) {
            usedDirectly.computeIfAbsent(original, key -> new Unshown(reference, ConcurrentHashMap.newKeySet()))
                    .bundles().add(bundle);
            return true;
        }
        return false;
    }

    /** @return whether the service is of a bundle a hotfix is replacing, which has two versions installed */
    private boolean replaced(ServiceReference<?> reference) {
        Bundle owner = reference.getBundle();
        return owner != null && replacing.contains(owner.getSymbolicName());
    }

    /**
     * @return whether the service is of another version of the bundle, while a hotfix has two
     *         installed: without the runtime a bundle never sees a service of another version of
     *         itself, and one registered under a private class would even pass for its own
     */
    private boolean otherVersion(ServiceReference<?> reference, Bundle bundle) {
        Bundle owner = reference.getBundle();
        return owner != null && !owner.equals(bundle) && replacing.contains(owner.getSymbolicName())
                && owner.getSymbolicName().equals(bundle.getSymbolicName());
    }

    /**
     * @return whether the service is of a bundle a hotfix is staging, and would have to be
     *         announced again at the commit, which the framework allows
     */
    private boolean staged(ServiceReference<?> reference) {
        Bundle bundle = reference.getBundle();
        return bundle != null && staging.contains(bundle.getBundleId()) && reannouncer.available(reference);
    }

    @Override
    public void serviceChanged(ServiceEvent event) {
        ServiceReference<?> reference = event.getServiceReference();
        switch (event.getType()) {
            case ServiceEvent.REGISTERED -> {
                Bundle bundle = reference.getBundle();
                if (bundle != null && !staging.contains(bundle.getBundleId()) && decide(reference).mediable()) {
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
                decisions.remove(reference);
                // before looking for its proxy: a mediate() under way sees the claim gone
                claimed.remove(reference);
                Mediated mediated = byOriginal.get(reference);
                if (mediated != null) {
                    forget(mediated);
                }
                behalf.remove(reference);
                begun.remove(reference);
                originalsById.remove(reference.getProperty(Constants.SERVICE_ID), reference);
            }
            default -> {
                // MODIFIED_ENDMATCH concerns filtered listeners only
            }
        }
    }

    private boolean sees(Bundle bundle) {
        return bundle.getBundleId() == 0 || bundle.equals(context.getBundle());
    }

    /**
     * @return whether the bundle uses the original itself, not only through a proxy the runtime got
     *         it for. A get the runtime begins for the bundle while this looks shows the bundle
     *         among the framework's users, and {@code has()} may miss it (it may read the map that
     *         the last release emptied and dropped): the count of gets begun, unchanged across the
     *         looks, tells such a use from the bundle's own. Taken for the bundle's own, it hid the
     *         proxy and the original both from a bundle whose threads got and released their proxy
     *         at each call (ConformanceIT's null factory, #12): its lookups found nothing, and its
     *         tracker missed the MODIFIED event that announced the fix.
     */
    private boolean usedBy(ServiceReference<?> reference, Bundle bundle) {
        long before = begun(reference, bundle);
        if (uses.has(reference, bundle)) {
            return false;
        }
        Bundle[] users = reference.getUsingBundles();
        if (users != null) {
            for (Bundle user : users) {
                if (user.equals(bundle)) {
                    return begun(reference, bundle) == before;
                }
            }
        }
        return false;
    }

    /** @return how many gets of the original the runtime began for the consumer bundle, ever */
    private long begun(ServiceReference<?> original, Bundle consumer) {
        Map<Bundle, Long> consumers = begun.get(original);
        Long count = consumers == null ? null : consumers.get(consumer);
        return count == null ? 0 : count;
    }

    /**
     * Decides for a service that registers, or that was there when the runtime started, and
     * remembers the decision until it unregisters; logs once why a service is left alone.
     */
    private Decision decide(ServiceReference<?> reference) {
        Decision decided = decisions.get(reference);
        if (decided != null) {
            return decided;
        }
        Decision fresh = judge(reference);
        if (!fresh.remembered()) {
            return fresh;
        }
        // Not computeIfAbsent: loading an interface may start a lazy bundle, whose services
        // register on this thread and are decided on, into this map, before this one is.
        decided = decisions.putIfAbsent(reference, fresh);
        if (decided != null) {
            return decided;
        }
        if (reference.getBundle() == null) {
            // unregistered meanwhile: its UNREGISTERING event may have come and gone
            decisions.remove(reference, fresh);
            return Decision.GONE;
        }
        if (fresh.leftAlone()) {
            log.info("Service {} of {} is not mediated: {}. It stays visible to consumers as it registered; a hotfix "
                    + "of its bundle re-registers it (the new version registers its own as it starts, and this one "
                    + "goes when the old version is retired)", names(reference), reference.getBundle(), fresh.why());
        }
        return fresh;
    }

    /**
     * @return the decision remembered for the service, or, for one the runtime has not seen
     *         register (it is unregistering, or registering on another thread right now), the
     *         same decision made afresh and not remembered
     */
    private Decision decision(ServiceReference<?> reference) {
        Decision decided = decisions.get(reference);
        return decided != null ? decided : judge(reference);
    }

    private Decision judge(ServiceReference<?> reference) {
        Bundle bundle = reference.getBundle();
        if (bundle == null) {
            return Decision.GONE;
        }
        if (bundle.equals(context.getBundle())) {
            return Decision.OWN;
        }
        if (!hotfixable.test(bundle)) {
            return Decision.INFRASTRUCTURE;
        }
        // SCR registers every delayed component as a ServiceFactory, so DS's default (one
        // instance) shows as bundle scope; only prototype scope cannot be shared through a proxy.
        if (Constants.SCOPE_PROTOTYPE.equals(reference.getProperty(Constants.SERVICE_SCOPE))) {
            return Decision.not("it is prototype-scoped: one proxy cannot hand each consumer an object of its own");
        }
        if (reference.getProperty(COMMAND_SCOPE) != null) {
            return Decision.not("it is a Gogo command (" + COMMAND_SCOPE + "): Gogo calls the command's methods by "
                    + "reflection on the service object's own class, which a proxy of its interfaces does not have");
        }
        for (String key : reference.getPropertyKeys()) {
            if (key.startsWith("osgi.http.whiteboard.")) {
                return Decision.not("it is an HTTP Whiteboard service (" + key + "): the whiteboard manages its "
                        + "life cycle, which a proxy would hide from it");
            }
        }
        try {
            proxies.check(interfaces(reference, bundle));
        } catch (ProxyException e) {
            return Decision.not(e.getMessage());
        }
        return Decision.MEDIATED;
    }

    /** @return the classes of the service's objectClass, as the bundle that registered it sees them */
    private static List<Class<?>> interfaces(ServiceReference<?> reference, Bundle bundle) throws ProxyException {
        List<Class<?>> interfaces = new ArrayList<>();
        for (String name : (String[]) reference.getProperty(Constants.OBJECTCLASS)) {
            try {
                interfaces.add(bundle.loadClass(name));
            } catch (ClassNotFoundException | IllegalStateException | LinkageError e) {
                throw new ProxyException("its interface " + name + " cannot be loaded from " + bundle + ": " + e, e);
            }
        }
        return interfaces;
    }

    /**
     * Makes the proxy of a mediable service and registers it, once per service: the scan in
     * {@link #open()} and the service's REGISTERED event may both get here, on two threads.
     */
    private void mediate(ServiceReference<?> reference) {
        Bundle bundle = reference.getBundle();
        if (bundle == null || !claimed.add(reference)) {
            return; // unregistered meanwhile, or mediated by another thread
        }
        List<Class<?>> interfaces;
        try {
            interfaces = interfaces(reference, bundle);
        } catch (ProxyException e) {
            leaveUnmediated(reference, e.getMessage());
            return;
        }
        Mediated mediated = new Mediated(reference, interfaces, gate, proxies, uses);
        try {
            Object registered;
            if (Constants.SCOPE_BUNDLE.equals(reference.getProperty(Constants.SERVICE_SCOPE))) {
                // got for each consumer bundle as it gets its proxy
                registered = proxies.factory(interfaces, mediated.perConsumer());
            } else {
                registered = mediated.shared(context);
                if (registered == null) {
                    leaveUnmediated(reference, "the registering bundle returned no service object");
                    return;
                }
            }
            String[] names = (String[]) reference.getProperty(Constants.OBJECTCLASS);
            originalsById.put(reference.getProperty(Constants.SERVICE_ID), reference);
            mediated.registered(context.registerService(names, registered, proxyProperties(reference)));
            byOriginal.put(reference, mediated);
            if (!claimed.contains(reference)) {
                // it unregistered while the proxy was being made: its UNREGISTERING event may
                // have looked for the proxy before it was there
                forget(mediated);
            }
        } catch (ProxyException | RuntimeException e) {
            mediated.releaseAll();
            leaveUnmediated(reference, e.getMessage());
        }
    }

    /**
     * The rare service found mediable but that then cannot be: its registration was hidden from
     * listeners, and nothing can tell them again; from now on it is visible to lookups.
     */
    private void leaveUnmediated(ServiceReference<?> reference, String why) {
        // only while it is registered: an UNREGISTERING event forgets it for good
        decisions.computeIfPresent(reference, (key, mediable) -> Decision.not(why));
        log.warn("Service {} of {} was hidden but cannot be mediated: {}. Bundles that look it up see it from now "
                + "on; listeners that were not told of its registration are not told now", names(reference),
                reference.getBundle(), why);
    }

    private static String names(ServiceReference<?> reference) {
        return reference.getProperty(Constants.OBJECTCLASS) instanceof String[] names ? String.join(",", names) : "?";
    }

    private void forget(Mediated mediated) {
        if (unregister(mediated)) {
            mediated.releaseAll();
        }
    }

    /** @return whether this thread took the proxy away; the framework gives back each consumer's proxy */
    private boolean unregister(Mediated mediated) {
        if (!byOriginal.remove(mediated.original(), mediated)) {
            return false; // forgotten already, by the thread that saw the original go
        }
        try {
            mediated.proxy().unregister();
        } catch (IllegalStateException e) {
            // already unregistered
        }
        return true;
    }

    private static Dictionary<String, Object> proxyProperties(ServiceReference<?> original) {
        Dictionary<String, Object> properties = Reannouncer.properties(original);
        properties.put(PROXY_OF, original.getProperty(Constants.SERVICE_ID));
        return properties;
    }

    /**
     * Whether a service is mediated and, if not, why.
     *
     * @param why        why not; {@code null} if it is mediated
     * @param remembered whether it is kept until the service unregisters: all but the decisions
     *                   for the runtime's own services and for unregistered ones
     * @param leftAlone  whether it is a service of a hotfixable bundle that stays as it is, which
     *                   is logged, and which a hotfix of its bundle re-registers
     */
    private record Decision(String why, boolean remembered, boolean leftAlone) {

        static final Decision MEDIATED = new Decision(null, true, false);
        static final Decision INFRASTRUCTURE = new Decision("its bundle is not hotfixable", true, false);
        static final Decision OWN = new Decision("it is the runtime's own", false, false);
        static final Decision GONE = new Decision("it is unregistered", false, false);

        static Decision not(String why) {
            return new Decision(why, true, true);
        }

        boolean mediable() {
            return why == null;
        }
    }
}
