package hotfix.runtime.internal.mediation;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNotSame;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertSame;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.concurrent.BrokenBarrierException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.junit.After;
import org.junit.Before;
import org.junit.Rule;
import org.junit.Test;
import org.osgi.framework.Bundle;
import org.osgi.framework.Constants;
import org.osgi.framework.ServiceEvent;
import org.osgi.framework.ServiceFactory;
import org.osgi.framework.ServiceReference;
import org.osgi.framework.ServiceRegistration;

import hotfix.runtime.internal.TestThreads;
import hotfix.runtime.internal.gate.Gate;
import hotfix.runtime.internal.log.RuntimeLog;

/**
 * Which services the mediator hides behind proxies, decided before any consumer hears of them:
 * a service it cannot replace is never hidden, since nothing could announce it again.
 */
public class MediatorTest {

    /** An interface a proxy can implement. */
    public interface Greeter {
        String greet(String name);
    }

    /** Not public: a proxy, defined in a class loader of its own, cannot implement it. */
    interface Internal {
        void run();
    }

    /** What the application registers. */
    static final class Greeting implements Greeter, Internal {
        @Override
        public String greet(String name) {
            return "hello, " + name;
        }

        @Override
        public void run() {
            // nothing to do
        }
    }

    /** How long a racing thread waits for the other at the point where both would mediate. */
    private static final long RACE_SECONDS = 2;

    @Rule
    public final TestThreads threads = new TestThreads(() -> {
    });

    private final FakeFramework framework = new FakeFramework();
    private final Bundle application = framework.bundle(10, "example.webapp.economy", Greeter.class,
            Internal.class, Object.class);
    private final RuntimeLog log = new RuntimeLog(framework.context);
    private final Gate gate = new Gate();
    private final Mediator mediator = new Mediator(framework.context, gate, new Hotfixable(null, null),
            new ProxyFactory(), log);

    @Before
    public void open() {
        mediator.open();
    }

    @After
    public void close() {
        mediator.close();
        log.close();
    }

    @Test
    public void aServiceOfAPublicInterfaceIsHiddenBehindAProxy() {
        ServiceReference<?> original = framework.register(application, new Greeting(), Map.of(), Greeter.class.getName());

        assertFalse(framework.consumerHeardOf(original));
        assertFalse(framework.consumerFinds(original));
        assertTrue(mediator.mediates(original));
        List<ServiceReference<?>> proxies = framework.proxies();
        assertEquals(1, proxies.size());
        assertTrue(framework.consumerFinds(proxies.get(0)));
        assertEquals("hello, proxy", ((Greeter) framework.serviceOf(proxies.get(0))).greet("proxy"));
        assertEquals(List.of(), framework.logged);
    }

    @Test
    public void aServiceRegisteredUnderAClassNameIsNeverHidden() {
        ServiceReference<?> original = framework.register(application, new Greeting(), Map.of(), Object.class.getName());

        assertLeftAlone(original, "class java.lang.Object is not an interface");
    }

    @Test
    public void aServiceOfANonPublicInterfaceIsNeverHidden() {
        ServiceReference<?> original = framework.register(application, new Greeting(), Map.of(), Internal.class.getName());

        assertLeftAlone(original, "interface " + Internal.class.getName() + " is not public");
    }

    @Test
    public void aServiceWhoseInterfaceItsBundleCannotLoadIsNeverHidden() {
        ServiceReference<?> original = framework.register(application, new Greeting(), Map.of(), "com.example.Missing");

        assertLeftAlone(original, "its interface com.example.Missing cannot be loaded from example.webapp.economy [10]");
    }

    @Test
    public void oneObjectClassNoProxyCanImplementLeavesTheWholeServiceAlone() {
        ServiceReference<?> original = framework.register(application, new Greeting(), Map.of(),
                Greeter.class.getName(), Object.class.getName());

        assertLeftAlone(original, "class java.lang.Object is not an interface");
    }

    @Test
    public void aGogoCommandIsNeverHiddenWhateverItIsRegisteredUnder() {
        // Gogo calls greet() by reflection on the object's class: a proxy of Greeter would do,
        // but a command's methods are often not in the interface it is registered under
        ServiceReference<?> original = framework.register(application, new Greeting(),
                Map.of("osgi.command.scope", "demo", "osgi.command.function", new String[] {"greet", "run"}),
                Greeter.class.getName());

        assertLeftAlone(original, "it is a Gogo command (osgi.command.scope)");
    }

    @Test
    public void servicesOfInfrastructureAreNeitherHiddenNorLogged() {
        Bundle platform = framework.bundle(3, "org.apache.felix.scr", Greeter.class);

        ServiceReference<?> original = framework.register(platform, new Greeting(), Map.of(), Greeter.class.getName());

        assertTrue(framework.consumerHeardOf(original));
        assertTrue(framework.consumerFinds(original));
        assertEquals(List.of(), framework.proxies());
        assertEquals(List.of(), framework.logged);
        assertEquals(List.of(), mediator.unmediated(platform));
    }

    @Test
    public void whetherAServiceIsMediatedIsDecidedOnceAndLoggedOnce() {
        ServiceReference<?> original = framework.register(application, new Greeting(), Map.of(), Object.class.getName());

        for (int i = 0; i < 10; i++) {
            assertTrue(framework.consumerFinds(original));
            assertFalse(mediator.mediates(original));
        }

        assertEquals("classes loaded to decide", 1, framework.loadsFrom(application));
        assertEquals(framework.logged.toString(), 1, framework.logged.size());
    }

    @Test
    public void theDecisionIsForgottenWhenTheServiceUnregisters() {
        ServiceReference<?> mediated = framework.register(application, new Greeting(), Map.of(), Greeter.class.getName());
        ServiceReference<?> leftAlone = framework.register(application, new Greeting(), Map.of(), Object.class.getName());
        assertEquals(2, mediator.remembered());

        framework.unregister(mediated);
        framework.unregister(leftAlone);

        assertEquals(0, mediator.remembered());
        assertEquals(List.of(), framework.proxies());
    }

    @Test
    public void servicesRegisteredBeforeTheRuntimeStartedAreDecidedOnAsItOpens() {
        FakeFramework earlier = new FakeFramework();
        Bundle bundle = earlier.bundle(10, "example.webapp.economy", Greeter.class, Object.class);
        ServiceReference<?> greeter = earlier.register(bundle, new Greeting(), Map.of(), Greeter.class.getName());
        ServiceReference<?> object = earlier.register(bundle, new Greeting(), Map.of(), Object.class.getName());
        RuntimeLog earlierLog = new RuntimeLog(earlier.context);
        Gate lateGate = new Gate();
        Mediator late = new Mediator(earlier.context, lateGate, new Hotfixable(null, null), new ProxyFactory(),
                earlierLog);

        late.open();
        try {
            assertFalse(earlier.consumerFinds(greeter));
            assertEquals(1, earlier.proxies().size());
            assertTrue(earlier.consumerFinds(object));
            assertEquals(earlier.logged.toString(), 1, earlier.logged.size());
        } finally {
            late.close();
            earlierLog.close();
        }
    }

    @Test
    public void listsTheServicesOfABundleItLeavesAloneWithTheReason() {
        framework.register(application, new Greeting(), Map.of(), Greeter.class.getName());
        ServiceReference<?> leftAlone = framework.register(application, new Greeting(), Map.of(), Object.class.getName());

        List<Mediator.Unmediated> unmediated = mediator.unmediated(application);

        assertEquals(1, unmediated.size());
        assertEquals(leftAlone, unmediated.get(0).reference());
        assertTrue(unmediated.get(0).why(), unmediated.get(0).why().contains("java.lang.Object is not an interface"));
    }

    @Test
    public void aServiceThatRegistersWhileTheRuntimeOpensGetsOneProxy() throws Exception {
        FakeFramework racing = new FakeFramework();
        Bundle bundle = racing.bundle(10, "example.webapp.economy", Greeter.class);
        // In the registry before open() scans it, and told to the runtime's listener as well: the
        // scan and the REGISTERED event both find it not yet mediated.
        ServiceReference<?> original = racing.register(bundle, new Greeting(), Map.of(), Greeter.class.getName());
        CyclicBarrier bothMediating = new CyclicBarrier(2);
        racing.onGetService = () -> {
            try {
                bothMediating.await(RACE_SECONDS, TimeUnit.SECONDS);
            } catch (TimeoutException | BrokenBarrierException e) {
                // one thread only got this far: the other saw the service claimed
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        };
        RuntimeLog racingLog = new RuntimeLog(racing.context);
        Mediator racer = new Mediator(racing.context, new Gate(), new Hotfixable(null, null), new ProxyFactory(),
                racingLog);
        try {
            Thread opening = threads.start("opening", racer::open);
            Thread hearing = threads.start("hearing",
                    () -> racer.serviceChanged(new ServiceEvent(ServiceEvent.REGISTERED, original)));
            opening.join(TimeUnit.SECONDS.toMillis(TestThreads.WAIT_SECONDS));
            hearing.join(TimeUnit.SECONDS.toMillis(TestThreads.WAIT_SECONDS));

            assertFalse(opening.isAlive() || hearing.isAlive());
            assertEquals(1, racing.proxiesEverRegisteredFor(original));
            assertEquals(1, racing.proxies().size());
        } finally {
            racer.close();
            racingLog.close();
        }
    }

    @Test
    public void aServiceThatUnregistersWhileItsProxyIsMadeLeavesNoProxyBehind() {
        Bundle bundle = framework.bundle(11, "example.webapp.shop", Greeter.class);
        // the original goes, as if on another thread, once the runtime has registered its proxy
        // and before it has recorded it
        framework.onRegistered = () -> List.of(bundle.getRegisteredServices()).forEach(framework::unregister);

        ServiceReference<?> original = framework.register(bundle, new Greeting(), Map.of(), Greeter.class.getName());

        assertEquals(1, framework.proxiesEverRegisteredFor(original));
        assertEquals("a proxy outlived its original", List.of(), framework.proxies());
        assertEquals(0, mediator.remembered());
    }

    @Test
    public void aSingletonIsGotOnceAndEveryConsumerSharesItsProxy() {
        framework.register(application, new Greeting(), Map.of(), Greeter.class.getName());
        ServiceReference<?> proxy = framework.proxies().get(0);

        Object first = framework.consumer.getBundleContext().getService(proxy);
        Object second = framework.bundle(21, "example.webapp.admin").getBundleContext().getService(proxy);

        assertSame(first, second);
        assertEquals("hello, proxy", ((Greeter) first).greet("proxy"));
    }

    @Test
    public void aBundleScopedServiceIsGotForEachConsumerBundleOnlyWhenItGetsTheProxy() {
        Factory factory = new Factory("old");
        ServiceReference<?> original = framework.register(application, factory,
                Map.of(Constants.SERVICE_SCOPE, Constants.SCOPE_BUNDLE), Greeter.class.getName());
        ServiceReference<?> proxy = framework.proxies().get(0);
        assertEquals("a delayed component stays delayed while no consumer gets it", List.of(), factory.got);

        Bundle other = framework.bundle(21, "example.webapp.admin");
        Greeter first = (Greeter) framework.consumer.getBundleContext().getService(proxy);
        Greeter second = (Greeter) other.getBundleContext().getService(proxy);

        assertEquals("each consumer bundle, once, through its own context", List.of(framework.consumer, other),
                factory.got);
        assertEquals("hello, a, from old's object for example.webapp.web", first.greet("a"));
        assertEquals("hello, b, from old's object for example.webapp.admin", second.greet("b"));
        assertFalse("a bundle the runtime got the original for still does not find it",
                framework.consumerFinds(original));

        framework.consumer.getBundleContext().ungetService(proxy);

        assertEquals("the consumer's unget reaches the original's factory", List.of(framework.consumer),
                factory.ungot);
    }

    /**
     * Felix 7.0.5 can skip a factory's ungetService when a get comes as the bundle's last use goes,
     * and then asks the factory again: the binding of the skipped use must not be held for good.
     */
    @Test
    public void aBundleAskedForAgainWithoutItsUngetKeepsOnlyItsNewBinding() {
        Factory factory = new Factory("old");
        framework.register(application, factory, Map.of(Constants.SERVICE_SCOPE, Constants.SCOPE_BUNDLE),
                Greeter.class.getName());
        @SuppressWarnings("unchecked")
        ServiceFactory<Object> proxies = (ServiceFactory<Object>) framework.serviceOf(framework.proxies().get(0));

        Object skipped = proxies.getService(framework.consumer, null);
        Object asked = proxies.getService(framework.consumer, null);
        assertNotSame(skipped, asked);
        assertEquals("hello, a, from old's object for example.webapp.web", ((Greeter) asked).greet("a"));
        proxies.ungetService(framework.consumer, null, asked);

        assertEquals("no binding is left: the original's factory is told the bundle let go", List.of(framework.consumer),
                factory.ungot);
    }

    @Test
    public void aBundleScopedServiceThatGivesNoObjectGivesTheConsumerNone() {
        Factory factory = new Factory(null);
        framework.register(application, factory, Map.of(Constants.SERVICE_SCOPE, Constants.SCOPE_BUNDLE),
                Greeter.class.getName());
        ServiceReference<?> proxy = framework.proxies().get(0);

        assertNull(framework.consumer.getBundleContext().getService(proxy));
        assertEquals(List.of(framework.consumer), factory.got);
        assertEquals(List.of(), framework.logged);
    }

    /**
     * A consumer bundle whose threads get and release its proxy at each call: a get the runtime
     * begins for it while one of its lookups is filtered is the runtime's use of the original,
     * not the consumer's own, and hides neither the proxy nor the original from it.
     */
    @Test
    public void aGetBegunForAConsumerWhileItLooksUpHidesNothingFromIt() {
        ServiceReference<?> original = framework.register(application, new Factory("old"),
                Map.of(Constants.SERVICE_SCOPE, Constants.SCOPE_BUNDLE), Greeter.class.getName());
        ServiceReference<?> proxy = framework.proxies().get(0);
        // another thread of the consumer gets its proxy as the lookup asks who uses the original
        framework.onUsingBundles = () -> {
            framework.onUsingBundles = () -> {
            };
            framework.consumer.getBundleContext().getService(proxy);
        };

        assertEquals(List.of(proxy), framework.found(framework.consumer, proxy, original));
        assertEquals("and after", List.of(proxy), framework.found(framework.consumer, proxy, original));
    }

    /**
     * A factory that gives no object, fixed by a hotfix that commits while a consumer's get is
     * under way on the old version: the consumer gets the fix's object, not the old version's
     * null, which a listener told of the fix would take for the fix's answer, and not ask again.
     */
    @Test
    public void aGetTheOldVersionAnswersWithNothingAsTheFixCommitsGetsTheFix() {
        Bundle staged = framework.bundle(12, "example.webapp.economy", Greeter.class);
        Mediated[] mediated = new Mediated[1];
        ServiceReference<?>[] replacement = new ServiceReference<?>[1];
        framework.register(application, new ServiceFactory<Greeter>() {
            @Override
            public Greeter getService(Bundle bundle, ServiceRegistration<Greeter> registration) {
                try {
                    Mediated.Move move = mediated[0].prepare(replacement[0]);
                    move.complete();
                    mediator.retarget(mediated[0], move, 1);
                    gate.advance(mediated[0].lineage(), 1);
                    mediator.commit(staged);
                } catch (ProxyException e) {
                    throw new AssertionError(e);
                }
                return null;
            }

            @Override
            public void ungetService(Bundle bundle, ServiceRegistration<Greeter> registration, Greeter service) {
                // it gave nothing
            }
        }, Map.of(Constants.SERVICE_SCOPE, Constants.SCOPE_BUNDLE), Greeter.class.getName());
        mediated[0] = mediator.servicesOf(application).get(0);
        mediator.stage(staged);
        replacement[0] = framework.register(staged, new Factory("new"),
                Map.of(Constants.SERVICE_SCOPE, Constants.SCOPE_BUNDLE), Greeter.class.getName());

        Greeter got = (Greeter) framework.consumer.getBundleContext().getService(framework.proxies().get(0));

        assertEquals("hello, a, from new's object for example.webapp.web", got == null ? null : got.greet("a"));
    }

    /**
     * The same, with the commit on another thread: the framework hands the answer of a factory
     * call under way to the other threads of the bundle that ask meanwhile, so a tracker told of
     * the fix by the commit's MODIFIED event while the old version's get is under way would be
     * handed its null, and stop asking. The event waits until that get has returned.
     */
    @Test
    public void theCommitTellsOfTheFixOnlyOnceAGetOfTheOldVersionUnderWayReturned() throws Exception {
        Bundle staged = framework.bundle(12, "example.webapp.economy", Greeter.class);
        List<String> order = new CopyOnWriteArrayList<>();
        CountDownLatch asking = new CountDownLatch(1);
        CountDownLatch answer = new CountDownLatch(1);
        framework.register(application, new ServiceFactory<Greeter>() {
            @Override
            public Greeter getService(Bundle bundle, ServiceRegistration<Greeter> registration) {
                asking.countDown();
                try {
                    answer.await(TestThreads.WAIT_SECONDS, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                order.add("the old version gave null");
                return null;
            }

            @Override
            public void ungetService(Bundle bundle, ServiceRegistration<Greeter> registration, Greeter service) {
                // it gave nothing
            }
        }, Map.of(Constants.SERVICE_SCOPE, Constants.SCOPE_BUNDLE), Greeter.class.getName());
        Mediated mediated = mediator.servicesOf(application).get(0);
        ServiceReference<?> proxy = framework.proxies().get(0);
        mediator.stage(staged);
        ServiceReference<?> replacement = framework.register(staged, new Factory("new"),
                Map.of(Constants.SERVICE_SCOPE, Constants.SCOPE_BUNDLE), Greeter.class.getName());
        Greeter[] got = new Greeter[1];
        Thread getting = threads.start("getting", () -> got[0] = (Greeter) framework.consumerContext.getService(proxy));
        assertTrue("the get began", asking.await(TestThreads.WAIT_SECONDS, TimeUnit.SECONDS));
        Mediated.Move move = mediated.prepare(replacement);
        move.complete();
        mediator.retarget(mediated, move, 1);
        String modified = "MODIFIED " + proxy.getProperty(Constants.SERVICE_ID);
        Thread committing = threads.start("committing", () -> {
            mediator.commit(staged);
            order.add("the commit told of the fix");
        });
        // long enough for a commit that does not wait to tell of the fix before the get returns
        TestThreads.awaitTrue(() -> framework.told.get(framework.consumer).contains(modified)
                || committing.getState() == Thread.State.TIMED_WAITING, "the commit told of the fix, or waits");
        answer.countDown();
        getting.join(TimeUnit.SECONDS.toMillis(TestThreads.WAIT_SECONDS));
        committing.join(TimeUnit.SECONDS.toMillis(TestThreads.WAIT_SECONDS));

        assertEquals(List.of("the old version gave null", "the commit told of the fix"), order);
        assertEquals("hello, a, from new's object for example.webapp.web", got[0] == null ? null : got[0].greet("a"));
    }

    @Test
    public void aMoveGivesEachConsumerTheNewVersionsObjectForItAndLaterConsumersToo() throws Exception {
        Factory old = new Factory("old");
        framework.register(application, old, Map.of(Constants.SERVICE_SCOPE, Constants.SCOPE_BUNDLE),
                Greeter.class.getName());
        ServiceReference<?> proxy = framework.proxies().get(0);
        Greeter bound = (Greeter) framework.consumer.getBundleContext().getService(proxy);
        Mediated mediated = mediator.servicesOf(application).get(0);
        Bundle staged = framework.bundle(12, "example.webapp.economy", Greeter.class);
        mediator.stage(staged);
        Factory fresh = new Factory("new");
        ServiceReference<?> replacement = framework.register(staged, fresh,
                Map.of(Constants.SERVICE_SCOPE, Constants.SCOPE_BUNDLE), Greeter.class.getName());

        Mediated.Move move = mediated.prepare(replacement);
        assertEquals("got for the bound consumer only", List.of(framework.consumer), fresh.got);
        assertEquals("hello, a, from old's object for example.webapp.web", bound.greet("a"));
        move.complete();
        mediator.retarget(mediated, move, 1);
        gate.advance(mediated.lineage(), 1);
        mediator.commit(staged);

        assertEquals("hello, a, from new's object for example.webapp.web", bound.greet("a"));
        Greeter later = (Greeter) framework.bundle(21, "example.webapp.admin").getBundleContext().getService(proxy);
        assertEquals("hello, b, from new's object for example.webapp.admin", later.greet("b"));
        assertEquals(List.of(), old.ungot);
        assertEquals("one proxy, moved", 1, framework.proxies().size());
    }

    @Test
    public void anUndoneMoveGivesTheNewObjectsBack() throws Exception {
        framework.register(application, new Factory("old"), Map.of(Constants.SERVICE_SCOPE, Constants.SCOPE_BUNDLE),
                Greeter.class.getName());
        Greeter bound = (Greeter) framework.consumer.getBundleContext().getService(framework.proxies().get(0));
        Bundle staged = framework.bundle(12, "example.webapp.economy", Greeter.class);
        mediator.stage(staged);
        Factory fresh = new Factory("new");
        ServiceReference<?> replacement = framework.register(staged, fresh,
                Map.of(Constants.SERVICE_SCOPE, Constants.SCOPE_BUNDLE), Greeter.class.getName());

        mediator.servicesOf(application).get(0).prepare(replacement).release();

        assertEquals(List.of(framework.consumer), fresh.ungot);
        assertEquals("hello, a, from old's object for example.webapp.web", bound.greet("a"));
    }

    @Test
    public void aMoveToAVersionThatGivesABoundConsumerNoObjectIsRefusedAndLeavesItOnTheOld() {
        framework.register(application, new Factory("old"), Map.of(Constants.SERVICE_SCOPE, Constants.SCOPE_BUNDLE),
                Greeter.class.getName());
        ServiceReference<?> proxy = framework.proxies().get(0);
        Greeter bound = (Greeter) framework.consumer.getBundleContext().getService(proxy);
        Greeter other = (Greeter) framework.bundle(21, "example.webapp.admin").getBundleContext().getService(proxy);
        Bundle staged = framework.bundle(12, "example.webapp.economy", Greeter.class);
        mediator.stage(staged);
        Factory none = new Factory(null);
        ServiceReference<?> replacement = framework.register(staged, none,
                Map.of(Constants.SERVICE_SCOPE, Constants.SCOPE_BUNDLE), Greeter.class.getName());

        ProxyException refused = assertThrows(ProxyException.class,
                () -> mediator.servicesOf(application).get(0).prepare(replacement));

        assertTrue(refused.getMessage(), refused.getMessage().endsWith("gave no service object to example.webapp.web 1.0.0")
                || refused.getMessage().endsWith("gave no service object to example.webapp.admin 1.0.0"));
        assertEquals("hello, a, from old's object for example.webapp.web", bound.greet("a"));
        assertEquals("hello, b, from old's object for example.webapp.admin", other.greet("b"));
    }

    /**
     * A service no proxy stands for, under an interface private to its bundle: each version
     * registers its own, and the old one is unregistered as that version stops. A lookup that
     * collected the old one before and is filtered after (Felix passes an unregistered service as
     * assignable to anyone) must not give the new version its old version's service, whose owner
     * is unknown by then, and which would win on its lower id: it would get no object.
     */
    @Test
    public void aNewVersionNeverFindsTheServiceItsOldVersionUnregisteredAsItStopped() {
        ServiceReference<?> old = framework.register(application, new Greeting(), Map.of(), Internal.class.getName());
        Bundle staged = framework.bundle(12, "example.webapp.economy", Internal.class);
        mediator.stage(staged);
        ServiceReference<?> own = framework.register(staged, new Greeting(), Map.of(), Internal.class.getName());
        mediator.commit(staged);
        assertEquals("while both are registered", List.of(own), framework.found(staged, old, own));

        framework.unregister(old); // the old version stops; uninstalled next, then retired()

        assertEquals("once the old one is unregistered", List.of(own), framework.found(staged, old, own));
        mediator.retired(staged);
        assertEquals("once the old version is retired", List.of(own), framework.found(staged, old, own));
    }

    @Test
    public void aProxyIsToldAgainOnlyToTheBundleThatUsedItsRetiredOriginalItself() throws Exception {
        FakeFramework earlier = new FakeFramework();
        Bundle bundle = earlier.bundle(10, "example.webapp.economy", Greeter.class);
        Bundle other = earlier.bundle(11, "example.webapp.shop", Greeter.class);
        ServiceReference<?> original = earlier.register(bundle, new Greeting(), Map.of(), Greeter.class.getName());
        earlier.register(other, new Greeting(), Map.of(), Greeter.class.getName());
        // the platform bundle got it before the runtime started, as Metatype gets Event Admin's
        // MetaTypeProvider when both start before it
        earlier.platform.getBundleContext().getService(original);
        RuntimeLog earlierLog = new RuntimeLog(earlier.context);
        Gate lateGate = new Gate();
        Mediator late = new Mediator(earlier.context, lateGate, new Hotfixable(null, null), new ProxyFactory(),
                earlierLog);
        try {
            late.open();
            ServiceReference<?> proxy = earlier.proxies().stream()
                    .filter(p -> original.getProperty(Constants.SERVICE_ID).equals(p.getProperty(Mediator.PROXY_OF)))
                    .findFirst().orElseThrow();
            Object id = proxy.getProperty(Constants.SERVICE_ID);
            assertFalse("shown the proxy as well as the original it uses",
                    earlier.told.get(earlier.platform).contains("REGISTERED " + id));
            Bundle staged = earlier.bundle(12, "example.webapp.economy", Greeter.class);
            late.stage(staged);
            ServiceReference<?> replacement = earlier.register(staged, new Greeting(), Map.of(),
                    Greeter.class.getName());
            Mediated mediated = late.servicesOf(bundle).get(0);
            Mediated.Move move = mediated.prepare(replacement);
            move.complete();
            late.retarget(mediated, move, 1);
            lateGate.advance(mediated.lineage(), 1);
            late.commit(staged);
            earlier.told.values().forEach(List::clear);

            earlier.unregister(original); // the old version stops
            late.retired(staged);

            assertEquals("told of the proxy once the original it used is gone",
                    List.of("UNREGISTERING " + original.getProperty(Constants.SERVICE_ID), "MODIFIED " + id),
                    earlier.told.get(earlier.platform));
            assertEquals("a consumer that tracks the proxies is told nothing", List.of(),
                    earlier.told.get(earlier.consumer));
        } finally {
            late.close();
            earlierLog.close();
        }
    }

    @Test
    public void theCallsAWatchedBundleMakesThroughItsProxiesAreCountedAndSeenUnderWay() throws Exception {
        CountDownLatch inside = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        framework.register(application, new Blocking(inside, release),
                Map.of(Constants.SERVICE_SCOPE, Constants.SCOPE_BUNDLE), Greeter.class.getName());
        Greeter proxy = (Greeter) framework.consumer.getBundleContext().getService(framework.proxies().get(0));
        Outgoing calls = mediator.watch(framework.consumer);
        try {
            assertEquals(0, calls.calls());
            assertFalse(calls.busy());

            Thread caller = threads.start("caller", () -> proxy.greet("a"));
            assertTrue(inside.await(TestThreads.WAIT_SECONDS, TimeUnit.SECONDS));
            assertTrue("busy while a call is under way", calls.busy());
            release.countDown();
            caller.join(TimeUnit.SECONDS.toMillis(TestThreads.WAIT_SECONDS));

            assertFalse("no longer busy once the call left", calls.busy());
            assertEquals(1, calls.calls());
        } finally {
            release.countDown();
            mediator.unwatch(framework.consumer);
        }
        proxy.greet("b");
        assertEquals("counted no more", 1, calls.calls());
    }

    @Test
    public void aCallBegunBeforeTheWatchIsNotCountedWhenItEnds() throws Exception {
        CountDownLatch inside = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        framework.register(application, new Blocking(inside, release),
                Map.of(Constants.SERVICE_SCOPE, Constants.SCOPE_BUNDLE), Greeter.class.getName());
        Greeter proxy = (Greeter) framework.consumer.getBundleContext().getService(framework.proxies().get(0));
        Thread caller = threads.start("caller", () -> proxy.greet("a"));
        try {
            assertTrue(inside.await(TestThreads.WAIT_SECONDS, TimeUnit.SECONDS));
            Outgoing calls = mediator.watch(framework.consumer);
            release.countDown();
            caller.join(TimeUnit.SECONDS.toMillis(TestThreads.WAIT_SECONDS));
            proxy.greet("b"); // on this thread, which is in no counted call

            assertEquals(1, calls.calls());
            assertFalse("a call that left uncounted leaves none counted under way", calls.busy());
        } finally {
            release.countDown();
            mediator.unwatch(framework.consumer);
        }
    }

    @Test
    public void aProxyAWatchedBundleGetsLaterIsWatchedToo() {
        framework.register(application, new Factory("old"), Map.of(Constants.SERVICE_SCOPE, Constants.SCOPE_BUNDLE),
                Greeter.class.getName());
        ServiceReference<?> reference = framework.proxies().get(0);
        Outgoing calls = mediator.watch(framework.consumer);
        try {
            ((Greeter) framework.consumer.getBundleContext().getService(reference)).greet("a");

            assertEquals(1, calls.calls());
        } finally {
            mediator.unwatch(framework.consumer);
        }
    }

    /** A bundle-scoped service whose objects wait in each call until released. */
    static final class Blocking implements ServiceFactory<Greeter> {
        final CountDownLatch inside;
        final CountDownLatch release;

        Blocking(CountDownLatch inside, CountDownLatch release) {
            this.inside = inside;
            this.release = release;
        }

        @Override
        public Greeter getService(Bundle bundle, ServiceRegistration<Greeter> registration) {
            return greeted -> {
                inside.countDown();
                try {
                    release.await(TestThreads.WAIT_SECONDS, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                return "hello, " + greeted;
            };
        }

        @Override
        public void ungetService(Bundle bundle, ServiceRegistration<Greeter> registration, Greeter service) {
            // nothing held
        }
    }

    /** A bundle-scoped service, as DS registers a component's: records whom it made objects for. */
    static final class Factory implements ServiceFactory<Greeter> {
        final String name;
        final List<Bundle> got = new CopyOnWriteArrayList<>();
        final List<Bundle> ungot = new CopyOnWriteArrayList<>();

        /** @param name names the objects it makes; {@code null} for a factory that makes none */
        Factory(String name) {
            this.name = name;
        }

        @Override
        public Greeter getService(Bundle bundle, ServiceRegistration<Greeter> registration) {
            got.add(bundle);
            String made = name + "'s object for " + bundle.getSymbolicName();
            return name == null ? null : greeted -> "hello, " + greeted + ", from " + made;
        }

        @Override
        public void ungetService(Bundle bundle, ServiceRegistration<Greeter> registration, Greeter service) {
            ungot.add(bundle);
        }
    }

    /** The service stays as it registered: heard of, found, no proxy; logged once, saying why and what a hotfix does. */
    private void assertLeftAlone(ServiceReference<?> original, String why) {
        assertTrue("the consumer's listener was not told of it", framework.consumerHeardOf(original));
        assertTrue("the consumer cannot find it", framework.consumerFinds(original));
        assertFalse(mediator.mediates(original));
        assertEquals(List.of(), framework.proxies());
        assertEquals(framework.logged.toString(), 1, framework.logged.size());
        String logged = framework.logged.get(0);
        assertTrue(logged, logged.startsWith("INFO Service "));
        assertTrue(logged, logged.contains(" of example.webapp.economy [10] is not mediated: " + why));
        assertTrue(logged, logged.contains("a hotfix of its bundle re-registers it"));
    }
}
