package hotfix.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertNotSame;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertSame;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.BundleException;
import org.osgi.framework.Constants;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.framework.ServiceEvent;
import org.osgi.framework.ServiceListener;
import org.osgi.framework.ServiceObjects;
import org.osgi.framework.ServiceReference;
import org.osgi.framework.startlevel.BundleStartLevel;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.util.tracker.ServiceTracker;

import hotfix.itests.fixture.conformance.api.Announcer;
import hotfix.itests.fixture.conformance.api.Greeter;
import hotfix.itests.fixture.conformance.api.Ledger;
import hotfix.itests.fixture.conformance.api.Relay;

/**
 * The conformance suite's applications, one per shape of OSGi application, and what each must see
 * as it would on a framework without the hotfix runtime: {@link ConformanceWithoutRuntimeIT} runs
 * these checks where there is no runtime, which shows they are Felix's own behaviour, and
 * {@link ConformanceIT} runs them with the runtime installed as it ships. Each check installs and
 * starts its bundles as a user installs an application into a running server, and leaves them
 * running; {@link #uninstall()} removes them.
 * <p>
 * A consumer is a real bundle: a DS consumer of the suite, the test's own probe bundle, or, where
 * a check needs a second consumer bundle, the API bundle's context, through which the check gets
 * services as that bundle, exactly as SCR gets services for the components of a bundle.
 */
final class Shapes {

    static final String API = "fixture.conformance-api";
    static final String DELAYED = "fixture.conformance-delayed";
    static final String IMMEDIATE = "fixture.conformance-immediate";
    static final String FACTORY = "fixture.conformance-factory";
    static final String PROTOTYPE = "fixture.conformance-prototype";
    static final String CLASS_NAME = "fixture.conformance-class-name";
    static final String NON_PUBLIC = "fixture.conformance-non-public";
    static final String RANKED = "fixture.conformance-ranked";
    static final String NULL_FACTORY = "fixture.conformance-null-factory";
    static final String SERVLET = "fixture.conformance-servlet";
    static final String GOGO = "fixture.gogo-command";
    static final String STATIC_CONSUMER = "fixture.conformance-static-consumer";
    static final String GREEDY_CONSUMER = "fixture.conformance-greedy-consumer";
    static final String MULTIPLE_CONSUMER = "fixture.conformance-multiple-consumer";
    /** The PID of the ranked bundle's configured component. */
    static final String TUNABLE = "hotfix.itests.fixture.conformance.ranked.Tunable";
    static final String WHISPER = "hotfix.itests.fixture.conformance.nonpublic.Whisper";
    static final String SERVLET_PATH = "/conformance/hello";
    /** Where shared.bnd starts application bundles ({@code *;startlevel=10}): after the runtime. */
    static final int APPLICATION = 10;
    /** Every wait here ends by then, or the test fails. */
    static final long WAIT_SECONDS = 30;
    /** The property SCR (DS 1.5) gives every component's service. */
    static final String CONDITION = "osgi.ds.satisfying.condition.target";
    static final String TRUE = "(osgi.condition.id=true)";
    /** The property the runtime adds to a proxy (Mediator.PROXY_OF): documented, so not a difference. */
    static final String PROXY_OF = "hotfix.proxy.of";

    private final BundleContext context;

    Shapes(BundleContext context) {
        this.context = context;
    }

    // ---------------------------------------------------------------- the checks, one per shape

    /**
     * A delayed component is not activated by its registration, nor by anything but a consumer
     * getting it; then once, whoever gets it; and deactivated once its last consumer lets it go.
     * Its consumers see its own properties and its scope.
     */
    void delayedComponent() throws Exception {
        Ledger.forget("delayed");
        start(DELAYED);
        ServiceReference<Greeter> reference = awaitOne(Greeter.class, "delayed");
        assertEquals("activated with no consumer: a delayed component must wait for one", List.of(),
                Ledger.of("delayed"));
        assertProperties(reference, Map.of(Greeter.SHAPE, "delayed", "greeting.language", "en",
                "component.name", "hotfix.itests.fixture.conformance.delayed.DelayedGreeter",
                Constants.SERVICE_SCOPE, Constants.SCOPE_BUNDLE, CONDITION, TRUE), "component.id");

        Bundle consumer = start(STATIC_CONSUMER);
        Relay relay = relay("static");
        assertEquals("delayed, as shipped", relay.relay());
        assertEquals("activations once the static consumer got it", 1, Ledger.count("delayed", "activate"));

        ServiceTracker<Greeter, Greeter> tracker = new ServiceTracker<>(context,
                context.createFilter(filter(Greeter.class, "delayed")), null);
        tracker.open();
        try {
            assertEquals("services the tracker sees", 1, tracker.size());
            assertEquals("delayed, as shipped", tracker.getService().greet());
        } finally {
            tracker.close();
        }
        assertEquals("activations after a second consumer got it", 1, Ledger.count("delayed", "activate"));
        assertEquals("deactivated while the static consumer holds it", 0, Ledger.count("delayed", "deactivate"));

        consumer.stop();
        awaitTrue("the delayed component deactivated once no consumer holds it",
                () -> Ledger.count("delayed", "deactivate") == 1);
        assertEquals("activations", 1, Ledger.count("delayed", "activate"));
        consumer.start();
        assertEquals("delayed, as shipped", relay("static").relay());
        assertEquals("activations after a consumer came back", 2, Ledger.count("delayed", "activate"));
    }

    /** An immediate component is activated as its bundle starts, once, consumer or not. */
    void immediateComponent() throws Exception {
        Ledger.forget("immediate");
        Bundle provider = start(IMMEDIATE);
        ServiceReference<Greeter> reference = awaitOne(Greeter.class, "immediate");
        awaitTrue("the immediate component activated", () -> Ledger.count("immediate", "activate") > 0);
        assertEquals("activated once, by its bundle's start",
                List.of(new Ledger.Entry("immediate", "activate", provider.getBundleId())), Ledger.of("immediate"));
        assertProperties(reference, Map.of(Greeter.SHAPE, "immediate",
                "component.name", "hotfix.itests.fixture.conformance.immediate.ImmediateGreeter",
                Constants.SERVICE_SCOPE, Constants.SCOPE_BUNDLE, CONDITION, TRUE), "component.id");
        Greeter greeter = context.getService(reference);
        assertEquals("immediate, as shipped", greeter.greet());
        context.ungetService(reference);
        assertEquals("activations", 1, Ledger.count("immediate", "activate"));
    }

    /**
     * A dynamic, greedy consumer binds the immediate component once and calls it; and, when a
     * better ranked one comes, it rebinds without being deactivated.
     */
    void greedyConsumer() throws Exception {
        Ledger.forget("greedy-consumer");
        Ledger.forget("immediate");
        start(IMMEDIATE);
        awaitOne(Greeter.class, "immediate");
        start(GREEDY_CONSUMER);
        assertEquals("immediate, as shipped", relay("greedy").relay());
        assertEquals(List.of("activate", "bind immediate"), whats("greedy-consumer"));
    }

    /**
     * A consumer of every Greeter sees each once, never an original and a proxy of it, even when
     * it binds them before and after the runtime could have put itself in between.
     */
    void multipleConsumer() throws Exception {
        Ledger.forget("multiple-consumer");
        start(IMMEDIATE);
        start(MULTIPLE_CONSUMER);
        start(DELAYED);
        awaitOne(Greeter.class, "delayed");
        awaitTrue("the consumer bound both", () -> Ledger.count("multiple-consumer", "bind delayed") > 0);
        assertEquals("delayed, as shipped; immediate, as shipped", relay("multiple").relay());
        assertEquals("what the multiple consumer saw", Set.of("activate", "bind immediate", "bind delayed"),
                Set.copyOf(whats("multiple-consumer")));
        assertEquals("what the multiple consumer saw", 3, whats("multiple-consumer").size());
    }

    /**
     * A bundle-scoped ServiceFactory gives each consumer bundle an object of its own, the same one
     * each time it asks, and is told when a bundle lets its object go.
     */
    void bundleScopedFactory() throws Exception {
        Ledger.forget("factory");
        start(FACTORY);
        ServiceReference<Greeter> reference = awaitOne(Greeter.class, "factory");
        assertProperties(reference, Map.of(Greeter.SHAPE, "factory", Constants.SERVICE_SCOPE, Constants.SCOPE_BUNDLE));
        long probe = context.getBundle().getBundleId();
        BundleContext other = installed(API).getBundleContext();
        long otherId = installed(API).getBundleId();

        Greeter mine = context.getService(reference);
        Greeter again = context.getService(reference);
        Greeter theirs = other.getService(reference);
        try {
            assertSame("one bundle asking twice gets the same object", mine, again);
            assertNotSame("two bundles get an object each", mine, theirs);
            assertEquals("factory, as shipped, for " + probe, mine.greet());
            assertEquals("factory, as shipped, for " + otherId, theirs.greet());
            assertEquals("what the factory was asked",
                    new TreeSet<>(List.of("get for " + probe, "get for " + otherId)), new TreeSet<>(whats("factory")));
        } finally {
            context.ungetService(reference);
            context.ungetService(reference);
            other.ungetService(reference);
        }
        assertEquals("what the factory was told, once both bundles let their objects go",
                new TreeSet<>(List.of("get for " + probe, "get for " + otherId, "unget for " + probe,
                        "unget for " + otherId)), new TreeSet<>(whats("factory")));
        assertEquals("entries of the factory", 4, whats("factory").size());
    }

    /**
     * A prototype-scoped service gives every getService of ServiceObjects a new instance, whoever
     * asks, and deactivates each as it is given back.
     */
    void prototypeScoped() throws Exception {
        Ledger.forget("prototype");
        start(PROTOTYPE);
        ServiceReference<Greeter> reference = awaitOne(Greeter.class, "prototype");
        assertProperties(reference, Map.of(Greeter.SHAPE, "prototype",
                "component.name", "hotfix.itests.fixture.conformance.prototype.PrototypeGreeter",
                Constants.SERVICE_SCOPE, Constants.SCOPE_PROTOTYPE, CONDITION, TRUE), "component.id");
        ServiceObjects<Greeter> mine = context.getServiceObjects(reference);
        ServiceObjects<Greeter> theirs = installed(API).getBundleContext().getServiceObjects(reference);
        Greeter first = mine.getService();
        Greeter second = mine.getService();
        Greeter third = theirs.getService();
        assertNotSame("two getService of one consumer", first, second);
        assertNotSame("two consumers", first, third);
        assertNotSame("two consumers", second, third);
        assertEquals("prototype, as shipped", third.greet());
        assertEquals("instances activated", 3, Ledger.count("prototype", "activate"));
        mine.ungetService(first);
        mine.ungetService(second);
        theirs.ungetService(third);
        assertEquals("instances deactivated as each was given back", 3, Ledger.count("prototype", "deactivate"));
    }

    /** A service registered under a class name is found under it, as the object registered. */
    void registeredUnderAClassName() throws Exception {
        start(CLASS_NAME);
        ServiceReference<Announcer> reference = awaitService(Announcer.class, "(shape=class-name)");
        assertArrayEquals(new String[] {Announcer.class.getName()}, reference.getProperty(Constants.OBJECTCLASS));
        Announcer announcer = context.getService(reference);
        try {
            assertEquals("the object registered", "hotfix.itests.fixture.conformance.classname.LoudAnnouncer",
                    announcer.getClass().getName());
            assertEquals("class-name, as shipped", announcer.announce());
        } finally {
            context.ungetService(reference);
        }
    }

    /**
     * A service registered under a non-public interface of its bundle is there for every bundle to
     * see, and its own bundle finds and uses it.
     */
    void registeredUnderANonPublicInterface() throws Exception {
        Bundle provider = start(NON_PUBLIC);
        ServiceReference<Greeter> greeter = awaitOne(Greeter.class, "non-public");
        ServiceReference<?>[] whispers = context.getAllServiceReferences(WHISPER, null);
        assertNotNull("the service under a non-public interface is hidden", whispers);
        assertEquals(1, whispers.length);
        assertEquals("registered by", provider, whispers[0].getBundle());
        assertEquals("non-public, as shipped", context.getService(greeter).greet());
        context.ungetService(greeter);
    }

    /**
     * A provider that changes its service's properties (here SCR, for a component whose
     * configuration changed) changes what consumers see: the new properties, a MODIFIED event, and
     * the order of ranking.
     */
    void modifiedProperties() throws Exception {
        Ledger.forget("ranked");
        deleteConfiguration(TUNABLE);
        start(RANKED);
        awaitTrue("both Greeters of the ranked bundle registered", () -> count(Greeter.class, "ranked") == 2);
        assertEquals("the best ranked", "steady", best("ranked").getProperty("name"));
        ServiceReference<Greeter> tunable = awaitService(Greeter.class, "(&(shape=ranked)(name=tunable))");
        assertProperties(tunable, Map.of(Greeter.SHAPE, "ranked", "name", "tunable", Constants.SERVICE_RANKING, 0,
                "component.name", TUNABLE, Constants.SERVICE_SCOPE, Constants.SCOPE_BUNDLE, CONDITION, TRUE), "component.id");
        assertEquals("steady, as shipped", greetBest("ranked"));

        // a consumer holds it, so that SCR hands the configuration to the live component
        Greeter held = context.getService(tunable);
        try {
            assertEquals("tunable, as shipped", held.greet());
            List<Object> modified = rankTunable(10);
            assertEquals("MODIFIED events the consumer's listener got, with the ranking each showed", List.of(10),
                    modified);
            ServiceReference<Greeter> best = best("ranked");
            assertEquals("the best ranked, once the tunable one is ranked 10", "tunable", best.getProperty("name"));
            assertEquals(10, best.getProperty(Constants.SERVICE_RANKING));
            assertEquals("tunable, as shipped", greetBest("ranked"));
        } finally {
            context.ungetService(tunable);
        }
        assertEquals("its life while held: configured anew, SCR modified it and never reactivated it",
                List.of("activate", "modified 10"), whats("ranked").subList(0, 2));
    }

    /**
     * A ServiceFactory that returns null: its service is registered all the same, listeners are
     * told, and a consumer that gets it gets null, from the factory itself.
     */
    void factoryReturningNull() throws Exception {
        Ledger.forget("null-factory");
        List<String> events = new CopyOnWriteArrayList<>();
        ServiceListener listener = event -> events.add(type(event.getType()));
        context.addServiceListener(listener, filter(Greeter.class, "null-factory"));
        try {
            start(NULL_FACTORY);
            awaitTrue("the service is registered", () -> count(Greeter.class, "null-factory") == 1);
            assertEquals("what a listener of the service was told", List.of("REGISTERED"), events);
            ServiceReference<Greeter> reference = awaitOne(Greeter.class, "null-factory");
            assertNull("the object the factory made", context.getService(reference));
            assertEquals("what the factory was asked", List.of("get for " + context.getBundle().getBundleId()),
                    whats("null-factory"));
        } finally {
            context.removeServiceListener(listener);
        }
    }

    /** A Gogo command of an application answers, and its service is there as registered. */
    void gogoCommand(Shell shell) throws Exception {
        Bundle provider = start(GOGO);
        assertEquals("hello from 1.0.0", shell.execute("demo:hello"));
        ServiceReference<?>[] commands = context.getServiceReferences((String) null, "(osgi.command.function=hello)");
        assertNotNull(commands);
        assertEquals(1, commands.length);
        assertEquals("registered by", provider, commands[0].getBundle());
    }

    /** An HTTP Whiteboard servlet answers at its path, and its service is there as registered. */
    void whiteboardServlet(URI base) throws Exception {
        Bundle provider = start(SERVLET);
        assertEquals("servlet, as shipped", awaitGet(base.resolve(SERVLET_PATH)));
        ServiceReference<?>[] servlets = context.getServiceReferences("jakarta.servlet.Servlet",
                "(osgi.http.whiteboard.servlet.pattern=" + SERVLET_PATH + ")");
        assertNotNull(servlets);
        assertEquals(1, servlets.length);
        assertEquals("registered by", provider, servlets[0].getBundle());
    }

    /** Runs a Gogo command line and returns its answer. */
    interface Shell {
        String execute(String line) throws Exception;
    }

    // ---------------------------------------------------------------- what the checks use

    /** Installs an application bundle built by this build, at the application's start level, and starts it. */
    Bundle start(String artifactId) throws BundleException {
        Bundle bundle = context.installBundle(HotfixTestSupport.jar(artifactId).toURI().toString());
        bundle.adapt(BundleStartLevel.class).setStartLevel(APPLICATION);
        bundle.start();
        return bundle;
    }

    /** Uninstalls every application bundle of the suite, and its configuration: the next test starts from nothing. */
    void uninstall() throws Exception {
        deleteConfiguration(TUNABLE);
        for (Bundle bundle : context.getBundles()) {
            String name = bundle.getSymbolicName();
            if (name != null && bundle.getState() != Bundle.UNINSTALLED && !name.equals(API)
                    && (name.startsWith("fixture.conformance-") || name.equals(GOGO))) {
                bundle.uninstall();
            }
        }
    }

    /** @return the one installed bundle with that symbolic name */
    Bundle installed(String symbolicName) {
        Bundle found = null;
        for (Bundle bundle : context.getBundles()) {
            if (symbolicName.equals(bundle.getSymbolicName()) && bundle.getState() != Bundle.UNINSTALLED) {
                assertNull("two bundles are named " + symbolicName, found);
                found = bundle;
            }
        }
        assertNotNull("no bundle is named " + symbolicName, found);
        return found;
    }

    /** @return the Relay of a consumer bundle, as the probe gets it */
    Relay relay(String consumer) throws Exception {
        ServiceReference<Relay> reference = awaitService(Relay.class, "(consumer=" + consumer + ")");
        return context.getService(reference);
    }

    /** Waits for exactly one service of the shape, and returns it. */
    <T> ServiceReference<T> awaitOne(Class<T> type, String shape) throws Exception {
        ServiceReference<T> reference = awaitService(type, "(" + Greeter.SHAPE + "=" + shape + ")");
        assertEquals("services of the shape " + shape + " that consumers see", 1, count(type, shape));
        return reference;
    }

    /**
     * Waits for a service within {@value #WAIT_SECONDS} s, looking it up without getting it: a
     * tracker's default customizer would get it, and so activate a delayed component, or find
     * nothing for a factory that returns null.
     */
    <T> ServiceReference<T> awaitService(Class<T> type, String filter) throws Exception {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_SECONDS);
        while (true) {
            var found = context.getServiceReferences(type, filter.isEmpty() ? null : filter);
            if (!found.isEmpty()) {
                return found.stream().max(ServiceReference::compareTo).orElseThrow();
            }
            if (System.nanoTime() - end >= 0) {
                fail("no " + type.getSimpleName() + " " + filter + " within " + WAIT_SECONDS + " s");
            }
            Thread.sleep(5);
        }
    }

    /** @return how many services of the type and shape consumers see */
    int count(Class<?> type, String shape) {
        try {
            ServiceReference<?>[] found = context.getServiceReferences(type.getName(), "(" + Greeter.SHAPE + "=" + shape + ")");
            return found == null ? 0 : found.length;
        } catch (InvalidSyntaxException e) {
            throw new IllegalArgumentException(e);
        }
    }

    /** @return the service of the shape a consumer gets when it asks for one: the best ranked */
    ServiceReference<Greeter> best(String shape) throws InvalidSyntaxException {
        var references = context.getServiceReferences(Greeter.class, "(" + Greeter.SHAPE + "=" + shape + ")");
        assertFalse("no Greeter of the shape " + shape, references.isEmpty());
        // as getServiceReference picks, which takes no filter: the highest ranking, then the lowest id
        return references.stream().max(ServiceReference::compareTo).orElseThrow();
    }

    /** Asks the best ranked Greeter of the shape, as a consumer that looks it up at each call does. */
    String greetBest(String shape) throws InvalidSyntaxException {
        ServiceReference<Greeter> reference = best(shape);
        Greeter greeter = context.getService(reference);
        if (greeter == null) {
            return null; // unregistered since it was looked up: the caller asks again
        }
        try {
            return greeter.greet();
        } finally {
            context.ungetService(reference);
        }
    }

    /**
     * Configures the tunable component with a ranking and waits for the MODIFIED event that tells a
     * consumer's listener of it.
     *
     * @return the rankings the listener saw in the MODIFIED events of the tunable Greeter
     */
    List<Object> rankTunable(int ranking) throws Exception {
        List<Object> modified = new CopyOnWriteArrayList<>();
        ServiceListener listener = event -> {
            if (event.getType() == ServiceEvent.MODIFIED) {
                modified.add(event.getServiceReference().getProperty(Constants.SERVICE_RANKING));
            }
        };
        context.addServiceListener(listener, "(&(shape=ranked)(name=tunable))");
        try {
            ServiceTracker<ConfigurationAdmin, ConfigurationAdmin> admin = new ServiceTracker<>(context,
                    ConfigurationAdmin.class, null);
            admin.open();
            try {
                ConfigurationAdmin configurations = admin.waitForService(TimeUnit.SECONDS.toMillis(WAIT_SECONDS));
                assertNotNull("no ConfigurationAdmin", configurations);
                Configuration configuration = configurations.getConfiguration(TUNABLE, "?");
                Dictionary<String, Object> properties = new Hashtable<>();
                properties.put(Constants.SERVICE_RANKING, ranking);
                configuration.update(properties);
            } finally {
                admin.close();
            }
            awaitTrue("a MODIFIED event with ranking " + ranking, () -> modified.contains(ranking));
            return List.copyOf(modified);
        } finally {
            context.removeServiceListener(listener);
        }
    }

    private void deleteConfiguration(String pid) throws IOException {
        ServiceReference<ConfigurationAdmin> reference = context.getServiceReference(ConfigurationAdmin.class);
        if (reference == null) {
            return;
        }
        ConfigurationAdmin admin = context.getService(reference);
        try {
            org.osgi.service.cm.Configuration[] found = admin.listConfigurations("(service.pid=" + pid + ")");
            if (found != null) {
                for (org.osgi.service.cm.Configuration configuration : found) {
                    configuration.delete();
                }
            }
        } catch (InvalidSyntaxException e) {
            throw new IllegalArgumentException(e);
        } finally {
            context.ungetService(reference);
        }
    }

    /** @return what happened to bundles of the shape, without the bundle ids */
    static List<String> whats(String shape) {
        return Ledger.of(shape).stream().map(Ledger.Entry::what).toList();
    }

    /**
     * Asserts that consumers see the service with exactly these properties, plus the service id
     * and bundle id the framework gives every registration, the property the runtime documents on
     * a proxy, and the ones named as present whatever their value.
     */
    static void assertProperties(ServiceReference<?> reference, Map<String, Object> expected, String... present) {
        Map<String, Object> seen = new TreeMap<>();
        for (String key : reference.getPropertyKeys()) {
            if (!Set.of(Constants.SERVICE_ID, Constants.SERVICE_BUNDLEID, Constants.OBJECTCLASS, PROXY_OF).contains(key)) {
                seen.put(key, reference.getProperty(key));
            }
        }
        Map<String, Object> wanted = new TreeMap<>(expected);
        for (String key : present) {
            assertTrue("no " + key + " among " + seen, seen.containsKey(key));
            wanted.put(key, seen.get(key));
        }
        assertEquals("the service's properties, as consumers see them", wanted, seen);
    }

    static void assertArrayEquals(String[] expected, Object actual) {
        assertTrue("not a String[]: " + actual, actual instanceof String[]);
        assertEquals(List.of(expected), List.of((String[]) actual));
    }

    String filter(Class<?> type, String shape) {
        return "(&(" + Constants.OBJECTCLASS + "=" + type.getName() + ")(" + Greeter.SHAPE + "=" + shape + "))";
    }

    /** Polls a condition every few milliseconds until it holds, within {@value #WAIT_SECONDS} s. */
    static void awaitTrue(String what, BooleanSupplier condition) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_SECONDS);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - end >= 0) {
                fail("not within " + WAIT_SECONDS + " s: " + what);
            }
            Thread.sleep(5);
        }
    }

    static String type(int type) {
        return switch (type) {
            case ServiceEvent.REGISTERED -> "REGISTERED";
            case ServiceEvent.MODIFIED -> "MODIFIED";
            case ServiceEvent.UNREGISTERING -> "UNREGISTERING";
            default -> "MODIFIED_ENDMATCH";
        };
    }

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    /** @return the body of a GET that answers 200; throws for any other answer */
    static String get(URI uri) throws IOException, InterruptedException {
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new IOException("GET " + uri + ": HTTP " + response.statusCode() + " " + response.body());
        }
        return response.body();
    }

    /** GETs until it answers 200, within {@value #WAIT_SECONDS} s: the whiteboard registers servlets asynchronously. */
    static String awaitGet(URI uri) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_SECONDS);
        List<String> last = new ArrayList<>();
        while (System.nanoTime() - end < 0) {
            try {
                return get(uri);
            } catch (IOException e) {
                last.add(e.getMessage());
            }
            Thread.sleep(20);
        }
        fail("GET " + uri + " did not answer 200 within " + WAIT_SECONDS + " s: " + last.get(last.size() - 1));
        return null;
    }
}
