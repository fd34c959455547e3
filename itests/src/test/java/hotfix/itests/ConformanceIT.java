package hotfix.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.function.Consumer;

import javax.inject.Inject;

import org.apache.felix.service.command.CommandProcessor;
import org.apache.felix.service.command.CommandSession;
import org.junit.After;
import org.junit.Before;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.OptionUtils;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.framework.ServiceObjects;
import org.osgi.framework.ServiceReference;
import org.osgi.util.tracker.ServiceTracker;

import hotfix.itests.fixture.conformance.api.Announcer;
import hotfix.itests.fixture.conformance.api.Greeter;
import hotfix.itests.fixture.conformance.api.Ledger;
import hotfix.itests.fixture.conformance.api.Relay;
import hotfix.runtime.api.HotfixOptions;
import hotfix.runtime.api.HotfixReport;
import hotfix.runtime.api.Outcome;

/**
 * The conformance suite: applications written without the hotfix runtime in mind, one bundle per
 * shape of OSGi application ({@link Shapes}), installed into the server as it ships. For each
 * shape, (a) installing the runtime changes nothing: the checks {@link ConformanceWithoutRuntimeIT}
 * passes without the runtime pass here too; and (b) a hotfix of the provider, made by
 * hotfix-tool.jar from the changed source file, and then its rollback, while several threads call
 * it: no call fails, every caller reaches the new behaviour and then the old one again, never
 * back and forth, nothing is seen twice, and the provider's and consumers' activations are those
 * a user expects, as each test states.
 * <p>
 * Which shapes are swapped behind their proxies and which are re-registered is DESIGN.md's
 * "Service mediation": DS components and services registered under public interfaces are
 * swapped; prototype-scoped services, services under a class name or a non-public interface,
 * Gogo commands and HTTP Whiteboard services are re-registered, and the plan says so.
 * <p>
 * Each test installs what it needs and leaves the framework as it found it, so they share one.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class ConformanceIT extends HotfixTestSupport {

    /** How long the calls go on in each phase: before the hotfix, with it, after its rollback. */
    static final long PHASE_MILLIS = 300;
    static final int THREADS = 3;

    @Inject
    CommandProcessor processor;

    private Shapes shapes;
    /** The hotfixes in place when the test started: the test rolls back the others. */
    private final List<Long> before = new ArrayList<>();

    @Configuration
    @Override
    public Option[] config() {
        return OptionUtils.combine(super.config(), file(Shapes.API).startLevel(Shapes.APPLICATION));
    }

    private Shapes shapes() {
        if (shapes == null) {
            shapes = new Shapes(context);
        }
        return shapes;
    }

    @Before
    public void remember() {
        manager.list().forEach(report -> before.add(report.id()));
    }

    /** Rolls back what a failed test left applied, and uninstalls the suite's bundles. */
    @After
    public void cleanUp() throws Exception {
        List<HotfixReport> applied = new ArrayList<>(manager.list());
        applied.removeIf(report -> before.contains(report.id()));
        java.util.Collections.reverse(applied);
        List<String> refused = new ArrayList<>();
        for (HotfixReport report : applied) {
            HotfixReport rolledBack = manager.rollback(report.id(), HotfixOptions.defaults());
            if (rolledBack.outcome() != Outcome.ROLLED_BACK) {
                refused.add(report.target() + ": " + rolledBack.outcome() + " " + rolledBack.message());
            }
        }
        shapes().uninstall();
        assertEquals("hotfixes a test left applied that could not be rolled back", List.of(), refused);
    }

    // ------------------------------------------------------------- (a) as without the runtime

    @Test
    public void aDelayedComponentIsActivatedByItsFirstConsumerOnly() throws Exception {
        shapes().delayedComponent();
    }

    @Test
    public void anImmediateComponentIsActivatedOnceAsItsBundleStarts() throws Exception {
        shapes().immediateComponent();
    }

    @Test
    public void aDynamicGreedyConsumerBindsOnce() throws Exception {
        shapes().greedyConsumer();
    }

    @Test
    public void aMultipleConsumerSeesEachServiceOnce() throws Exception {
        shapes().multipleConsumer();
    }

    @Test
    public void aBundleScopedFactoryGivesEachConsumerBundleItsOwnObject() throws Exception {
        shapes().bundleScopedFactory();
    }

    @Test
    public void aPrototypeScopedServiceGivesEveryGetServiceANewInstance() throws Exception {
        shapes().prototypeScoped();
    }

    @Test
    public void aServiceUnderAClassNameIsTheObjectRegistered() throws Exception {
        shapes().registeredUnderAClassName();
    }

    @Test
    public void aServiceUnderANonPublicInterfaceIsSeenAndUsedByItsBundle() throws Exception {
        shapes().registeredUnderANonPublicInterface();
    }

    @Test
    public void modifiedPropertiesReachConsumersAndReorderTheRanking() throws Exception {
        shapes().modifiedProperties();
    }

    @Test
    public void aFactoryReturningNullIsRegisteredAndGivesNull() throws Exception {
        shapes().factoryReturningNull();
    }

    @Test
    public void aGogoCommandAnswers() throws Exception {
        shapes().gogoCommand(this::execute);
    }

    @Test
    public void aWhiteboardServletAnswers() throws Exception {
        shapes().whiteboardServlet(base());
    }

    // ------------------------------------------------------------- (b) a hotfix under load, and back

    /**
     * Swapped behind its proxy. The old version was activated by the static consumer and is
     * deactivated as it retires; the hotfix is activated once, to take over, and deactivated when
     * rolled back; the version rolled back to is activated once. The static consumer never sees
     * its service go, so SCR never deactivates it.
     */
    @Test
    public void aDelayedComponentIsSwappedUnderLoadAndItsStaticConsumerNeverNotices() throws Exception {
        Ledger.forget("delayed");
        Ledger.forget("static-consumer");
        Bundle old = shapes().start(Shapes.DELAYED);
        Bundle consumer = shapes().start(Shapes.STATIC_CONSUMER);
        Relay relay = shapes().relay("static");
        long[] versions;
        try (Calls calls = new Calls("static-relay", THREADS, relay::relay)) {
            versions = hotfixAndRollBack("fixture.conformance-delayed-fix", calls, "delayed, as shipped", "delayed, fixed",
                    plan -> assertPlanned(plan, Greeter.class.getName() + " (component "
                            + "hotfix.itests.fixture.conformance.delayed.DelayedGreeter, no state): swapped"));
            calls.close();
            calls.assertEveryThreadSaw("delayed, as shipped", "delayed, fixed", "delayed, as shipped");
        }
        assertEquals(old.getBundleId(), versions[0]);
        assertEquals("activations and deactivations of each version", Map.of(
                versions[0], List.of("activate", "deactivate"),
                versions[1], List.of("activate", "deactivate"),
                versions[2], List.of("activate")), lives("delayed"));
        assertEquals("the static consumer's life: never deactivated",
                Map.of(consumer.getBundleId(), List.of("activate")), lives("static-consumer"));
    }

    /**
     * Swapped behind its proxy. Each version of the immediate component is activated as it starts
     * and deactivated as it retires; the greedy consumer bound it once and never rebinds: no
     * unbind, no second bind.
     */
    @Test
    public void anImmediateComponentIsSwappedUnderLoadAndItsGreedyConsumerKeepsItsBinding() throws Exception {
        Ledger.forget("immediate");
        Ledger.forget("greedy-consumer");
        shapes().start(Shapes.IMMEDIATE);
        Bundle consumer = shapes().start(Shapes.GREEDY_CONSUMER);
        Relay relay = shapes().relay("greedy");
        long[] versions;
        try (Calls calls = new Calls("greedy-relay", THREADS, relay::relay)) {
            versions = hotfixAndRollBack("fixture.conformance-immediate-fix", calls, "immediate, as shipped",
                    "immediate, fixed", plan -> assertPlanned(plan, Greeter.class.getName() + " (component "
                            + "hotfix.itests.fixture.conformance.immediate.ImmediateGreeter, no state): swapped"));
            calls.close();
            calls.assertEveryThreadSaw("immediate, as shipped", "immediate, fixed", "immediate, as shipped");
        }
        assertEquals("activations and deactivations of each version", Map.of(
                versions[0], List.of("activate", "deactivate"),
                versions[1], List.of("activate", "deactivate"),
                versions[2], List.of("activate")), lives("immediate"));
        assertEquals("the greedy consumer's life: bound once, never unbound",
                Map.of(consumer.getBundleId(), List.of("activate", "bind immediate")), lives("greedy-consumer"));
    }

    /** A consumer of every Greeter holds each once, before, during and after a hotfix of one of them. */
    @Test
    public void aMultipleConsumerSeesEachServiceOnceThroughAHotfix() throws Exception {
        Ledger.forget("multiple-consumer");
        shapes().start(Shapes.IMMEDIATE);
        shapes().start(Shapes.DELAYED);
        Bundle consumer = shapes().start(Shapes.MULTIPLE_CONSUMER);
        Relay relay = shapes().relay("multiple");
        try (Calls calls = new Calls("multiple-relay", THREADS, relay::relay)) {
            hotfixAndRollBack("fixture.conformance-delayed-fix", calls, "delayed, as shipped; immediate, as shipped",
                    "delayed, fixed; immediate, as shipped", plan -> assertPlanned(plan, Greeter.class.getName()
                            + " (component hotfix.itests.fixture.conformance.delayed.DelayedGreeter, no state): swapped"));
            calls.close();
            calls.assertEveryThreadSaw("delayed, as shipped; immediate, as shipped", "delayed, fixed; immediate, as shipped",
                    "delayed, as shipped; immediate, as shipped");
        }
        List<String> life = lives("multiple-consumer").get(consumer.getBundleId());
        assertEquals("the multiple consumer's life: each Greeter bound once, none unbound, none twice",
                List.of("activate", "bind delayed", "bind immediate"), life.stream().sorted().toList());
    }

    /**
     * Swapped behind its proxy, per consumer bundle: each consumer bundle keeps calling the object
     * it got, and reaches the hotfix's object for that bundle, then the rolled-back version's. The
     * factory of each version is asked once per consumer bundle, and told once per consumer bundle
     * when that version retires.
     */
    @Test
    public void aBundleScopedFactoryIsSwappedPerConsumerBundle() throws Exception {
        Ledger.forget("factory");
        shapes().start(Shapes.FACTORY);
        ServiceReference<Greeter> reference = shapes().awaitOne(Greeter.class, "factory");
        long probe = context.getBundle().getBundleId();
        BundleContext other = installed(Shapes.API).getBundleContext();
        long otherId = installed(Shapes.API).getBundleId();
        Greeter mine = context.getService(reference);
        Greeter theirs = other.getService(reference);
        long[] versions;
        // both calls in one unit of work, so they see one version: two calls outside any unit are
        // two units, and a hotfix may come between them
        try (Calls calls = new Calls("factory", THREADS, () -> {
            gate.enter();
            try {
                return mine.greet() + " | " + theirs.greet();
            } finally {
                gate.leave();
            }
        })) {
            versions = hotfixAndRollBack("fixture.conformance-factory-fix", calls,
                    "factory, as shipped, for " + probe + " | factory, as shipped, for " + otherId,
                    "factory, fixed, for " + probe + " | factory, fixed, for " + otherId,
                    report -> assertStaged(report, Greeter.class.getName() + " (interfaces " + Greeter.class.getName()
                            + ", no state): swapped"));
            calls.close();
            calls.assertEveryThreadSaw("factory, as shipped, for " + probe + " | factory, as shipped, for " + otherId,
                    "factory, fixed, for " + probe + " | factory, fixed, for " + otherId,
                    "factory, as shipped, for " + probe + " | factory, as shipped, for " + otherId);
        } finally {
            context.ungetService(reference);
            other.ungetService(reference);
        }
        List<String> retired = List.of("get for " + otherId, "get for " + probe, "unget for " + otherId,
                "unget for " + probe);
        assertEquals("what each version's factory was asked and told", Map.of(versions[0], retired, versions[1], retired,
                versions[2], retired), sorted(lives("factory")));
    }

    /**
     * Re-registered: no proxy stands for a prototype-scoped service. Callers that look it up
     * and take an instance at each call move to the hotfix and back; every instance of every
     * version that was taken is given back, and deactivated.
     */
    @Test
    public void aPrototypeScopedServiceIsReRegisteredUnderLoad() throws Exception {
        Ledger.forget("prototype");
        shapes().start(Shapes.PROTOTYPE);
        shapes().awaitOne(Greeter.class, "prototype");
        long[] versions;
        try (Calls calls = new Calls("prototype", THREADS, lookingUp(() -> {
            ServiceReference<Greeter> reference = shapes().best("prototype");
            ServiceObjects<Greeter> objects = context.getServiceObjects(reference);
            Greeter greeter = objects == null ? null : objects.getService();
            if (greeter == null) {
                return null; // unregistered since it was looked up
            }
            try {
                return greeter.greet();
            } finally {
                objects.ungetService(greeter);
            }
        }))) {
            versions = hotfixAndRollBack("fixture.conformance-prototype-fix", calls, "prototype, as shipped",
                    "prototype, fixed", plan -> assertReRegistered(plan, Greeter.class.getName(), "prototype-scoped"));
            calls.close();
            calls.assertEveryThreadSaw("prototype, as shipped", "prototype, fixed", "prototype, as shipped");
        }
        // Every instance the calls took from the version serving now they gave back, and SCR
        // deactivated. (For the retired versions, SCR's own races between a give-back and the
        // bundle's stop, which a plain bundle update under load has too, can miss or repeat one.)
        Map<Long, List<String>> lives = lives("prototype");
        List<String> counts = new ArrayList<>();
        for (long version : versions) {
            counts.add(version + ": activated " + count(lives, version, "activate") + ", deactivated "
                    + count(lives, version, "deactivate"));
        }
        assertEquals("instances of the version rolled back to activated and deactivated; by version: " + counts,
                count(lives, versions[2], "activate"), count(lives, versions[2], "deactivate"));
    }

    /** Re-registered: no proxy can be an instance of a class. A tracker's callers move over. */
    @Test
    public void aServiceUnderAClassNameIsReRegisteredUnderLoad() throws Exception {
        shapes().start(Shapes.CLASS_NAME);
        ServiceTracker<Announcer, Announcer> tracker = new ServiceTracker<>(context, Announcer.class, null);
        tracker.open();
        try (Calls calls = new Calls("class-name", THREADS, () -> {
            Announcer announcer = tracker.getService();
            return announcer == null ? null : announcer.announce();
        })) {
            shapes().awaitService(Announcer.class, "(shape=class-name)");
            hotfixAndRollBack("fixture.conformance-class-name-fix", calls, "class-name, as shipped", "class-name, fixed",
                    plan -> assertReRegistered(plan, Announcer.class.getName(), ""));
            calls.close();
            calls.assertEveryThreadSaw("class-name, as shipped", "class-name, fixed", "class-name, as shipped");
        } finally {
            tracker.close();
        }
    }

    /**
     * The Greeter is swapped; the service under the non-public interface, which no proxy can
     * implement, is re-registered; and each version of the bundle keeps finding its own.
     */
    @Test
    public void aServiceUnderANonPublicInterfaceIsReRegisteredAndItsBundleKeepsFindingIt() throws Exception {
        shapes().start(Shapes.NON_PUBLIC);
        ServiceReference<Greeter> reference = shapes().awaitOne(Greeter.class, "non-public");
        Greeter greeter = context.getService(reference);
        List<String> zombies = new java.util.concurrent.CopyOnWriteArrayList<>();
        // the Greeter looks its Whisper up at each call: as the version it replaces retires, so may Felix fail
        try (Calls calls = new Calls("non-public", THREADS, askingAgainIfFelixFails(zombies, greeter::greet))) {
            HotfixReport applied = hotfixReport("fixture.conformance-non-public-fix", calls, "non-public, as shipped",
                    "non-public, fixed", report -> {
                        assertStaged(report, Greeter.class.getName() + " (interfaces " + Greeter.class.getName()
                                + ", no state): swapped");
                        assertReRegistered(report, Shapes.WHISPER, "not public");
                    });
            assertTrue(applied.message(), applied.message().contains("1 service(s) swapped, 1 re-registered"));
            calls.close();
            calls.assertEveryThreadSaw("non-public, as shipped", "non-public, fixed", "non-public, as shipped");
        } finally {
            context.ungetService(reference);
        }
        System.out.println("ConformanceIT non-public: lookups Felix failed with " + FELIX_ZOMBIE + ": " + zombies.size());
    }

    /**
     * What Felix's NullPointerException says when a lookup checks a service whose bundle was
     * uninstalled since the lookup collected it: it has no revision left.
     */
    private static final String FELIX_ZOMBIE = "\"br\" is null";

    /**
     * Whether Felix's own lookup failed on a service whose bundle went since the lookup collected
     * it: with no revision left ({@link #FELIX_ZOMBIE}), or with a revision whose wiring is gone,
     * as it checks whether the caller sees the service's package. Plain Felix fails the same way
     * when a bundle is uninstalled under lookups, without the runtime.
     */
    private static boolean felixLookedAtAGoneBundle(NullPointerException e) {
        StackTraceElement[] stack = e.getStackTrace();
        String message = String.valueOf(e.getMessage());
        return stack.length > 0 && stack[0].getClassName().startsWith("org.apache.felix.framework.")
                && (message.contains(FELIX_ZOMBIE) || message.contains("getWiring()\" is null"));
    }

    /**
     * Both Greeters of the ranked bundle are swapped. The tunable one, configured to rank first,
     * still ranks first with the hotfix (the new version takes the same configuration), and after
     * the rollback a change of its configuration still reaches consumers and the ranking.
     */

    @Test
    public void modifiedPropertiesAndTheRankingHoldThroughAHotfix() throws Exception {
        Ledger.forget("ranked");
        shapes().start(Shapes.RANKED);
        Shapes.awaitTrue("both Greeters of the ranked bundle", () -> shapes().count(Greeter.class, "ranked") == 2);
        shapes().rankTunable(10);
        List<Object> rankingsWhileFixed = new ArrayList<>();
        long[] versions;
        List<String> zombies = new java.util.concurrent.CopyOnWriteArrayList<>();
        try (Calls calls = new Calls("ranked", THREADS,
                lookingUp(askingAgainIfFelixFails(zombies, () -> shapes().greetBest("ranked"))))) {
            versions = hotfixAndRollBack("fixture.conformance-ranked-fix", calls, "tunable, as shipped", "tunable, fixed",
                    plan -> {
                        assertPlanned(plan, Greeter.class.getName() + " (component " + Shapes.TUNABLE
                                + ", no state): swapped");
                        assertPlanned(plan, Greeter.class.getName() + " (component "
                                + "hotfix.itests.fixture.conformance.ranked.Steady, no state): swapped");
                    }, () -> rankingsWhileFixed.add(shapes().best("ranked").getProperty(Constants.SERVICE_RANKING)));
            calls.close();
            calls.assertEveryThreadSaw("tunable, as shipped", "tunable, fixed", "tunable, as shipped");
        }
        assertEquals("the best ranking while the hotfix served", List.of(10), rankingsWhileFixed);
        System.out.println("ConformanceIT ranked: lookups Felix failed with " + FELIX_ZOMBIE + ": " + zombies.size());

        assertEquals("MODIFIED events after the rollback", List.of(1), shapes().rankTunable(1));
        assertEquals("the best ranked once the tunable one is ranked 1", "steady",
                shapes().best("ranked").getProperty("name"));
        // Each get and unget of a delayed component by a caller with no other holder activates and
        // deactivates it: the count of either is the callers' business; that a retired version
        // leaves no instance active is the runtime's.
        Map<Long, List<String>> lives = lives("ranked");
        for (long retired : new long[] {versions[0], versions[1]}) {
            assertEquals("activations less deactivations of retired version " + retired + ": " + lives.get(retired), 0,
                    count(lives, retired, "activate") - count(lives, retired, "deactivate"));
        }
    }

    /**
     * The hotfix fixes a factory that returned null. A consumer that tracks the service, as DS and
     * ServiceTracker do, through the events its listener is told, gets the hotfix's Greeter;
     * callers that look it up at each call see null, then the fix. A rollback while a consumer
     * holds the fix is refused (START_FAILED, naming the consumer): the version rolled back to
     * would give it no object, and a proxy it holds cannot be taken from it. Once every holder
     * lets go, the rollback goes through, and a consumer gets null again. (That each consumer
     * bundle gets its own object is the bundle-scoped factory's test.)
     */
    @Test
    public void aFactoryReturningNullIsFixedByAHotfixWhoseRollbackWaitsForItsHoldersToLetGo() throws Exception {
        ServiceTracker<Greeter, Greeter> tracker = new ServiceTracker<>(context,
                context.createFilter(shapes().filter(Greeter.class, "null-factory")), null);
        tracker.open();
        try {
            shapes().start(Shapes.NULL_FACTORY);
            Shapes.awaitTrue("the service registered", () -> shapes().count(Greeter.class, "null-factory") == 1);
            assertNull("what the tracking consumer has before the hotfix", tracker.getService());
            List<String> zombies = new java.util.concurrent.CopyOnWriteArrayList<>();
            try (Calls calls = new Calls("null-factory", THREADS, askingAgainIfFelixFails(zombies, () -> {
                ServiceReference<Greeter> reference = shapes().best("null-factory");
                Greeter greeter = context.getService(reference);
                try {
                    return greeter == null ? "null" : greeter.greet();
                } finally {
                    context.ungetService(reference);
                }
            }))) {
                HotfixReport applied = apply("fixture.conformance-null-factory-fix", calls, "null",
                        "null-factory, fixed", plan -> assertTrue(plan.services().toString(), plan.services().stream()
                                .anyMatch(line -> line.startsWith(Greeter.class.getName() + " ("))));
                Shapes.awaitTrue("the tracker got the fixed Greeter", () -> tracker.getService() != null);
                assertEquals("null-factory, fixed", tracker.getService().greet());

                // every holder lets go: the tracker, and the callers, which hold it during each call
                tracker.close();
                calls.close();
                calls.assertEveryThreadSaw("null", "null-factory, fixed");
                System.out.println("ConformanceIT null-factory: lookups Felix failed with " + FELIX_ZOMBIE + ": "
                        + zombies.size());
                HotfixReport rolledBack = manager.rollback(applied.id(), HotfixOptions.defaults());
                assertEquals(rolledBack.message(), Outcome.ROLLED_BACK, rolledBack.outcome());
                ServiceReference<Greeter> reference = shapes().best("null-factory");
                try {
                    assertNull("what a consumer gets after the rollback", context.getService(reference));
                } finally {
                    context.ungetService(reference);
                }
            }
        } finally {
            tracker.close();
        }
    }

    /** Re-registered: Gogo calls a command by reflection on the object's own class. */
    @Test
    public void aGogoCommandIsReRegisteredUnderLoad() throws Exception {
        shapes().start(Shapes.GOGO);
        try (Calls calls = new Calls("gogo", THREADS, () -> execute("demo:hello"))) {
            hotfixAndRollBack("fixture.gogo-command-fix", calls, "hello from 1.0.0", "hello from the hotfix",
                    plan -> assertReRegistered(plan, "java.lang.Object", "Gogo command"));
            calls.close();
            calls.assertEveryThreadSaw("hello from 1.0.0", "hello from the hotfix", "hello from 1.0.0");
        }
    }

    /** Re-registered: the whiteboard calls the servlet and manages its life. No request fails. */
    @Test
    public void aWhiteboardServletIsReRegisteredUnderLoadWithNoFailedRequest() throws Exception {
        shapes().start(Shapes.SERVLET);
        Shapes.awaitGet(base().resolve(Shapes.SERVLET_PATH));
        try (Calls calls = new Calls("http", 2, () -> Shapes.get(base().resolve(Shapes.SERVLET_PATH)))) {
            hotfixAndRollBack("fixture.conformance-servlet-fix", calls, "servlet, as shipped", "servlet, fixed",
                    plan -> assertReRegistered(plan, "jakarta.servlet.Servlet", "HTTP Whiteboard"));
            calls.close();
            calls.assertEveryThreadSaw("servlet, as shipped", "servlet, fixed", "servlet, as shipped");
        }
    }

    // ------------------------------------------------------------- how

    private long[] hotfixAndRollBack(String fix, Calls calls, String before, String after,
            Consumer<HotfixReport> plan) throws Exception {
        return hotfixAndRollBack(fix, calls, before, after, plan, () -> {
        });
    }

    /**
     * Plans the hotfix, applies it and rolls it back while the calls go on, each phase long
     * enough for every thread to come to the answer of the version serving.
     *
     * @param plan      what to assert of the plan and of the applied hotfix's report
     * @param whileFixed what to do while the hotfix serves
     * @return the ids of the target bundle: as shipped, the hotfix, the version rolled back to
     */
    private long[] hotfixAndRollBack(String fix, Calls calls, String before, String after, Consumer<HotfixReport> plan,
            Check whileFixed) throws Exception {
        String target = fix.equals("fixture.gogo-command-fix") ? Shapes.GOGO : fix.substring(0, fix.length() - "-fix".length());
        long[] versions = new long[3];
        versions[0] = installed(target).getBundleId();
        HotfixReport applied = apply(fix, calls, before, after, plan);
        versions[1] = installed(target).getBundleId();
        whileFixed.run();
        HotfixReport rolledBack = manager.rollback(applied.id(), HotfixOptions.defaults());
        assertEquals(rolledBack.message(), Outcome.ROLLED_BACK, rolledBack.outcome());
        calls.awaitEveryThreadAt(before, PHASE_MILLIS);
        versions[2] = installed(target).getBundleId();
        return versions;
    }

    private HotfixReport hotfixReport(String fix, Calls calls, String before, String after, Consumer<HotfixReport> plan)
            throws Exception {
        HotfixReport applied = apply(fix, calls, before, after, plan);
        HotfixReport rolledBack = manager.rollback(applied.id(), HotfixOptions.defaults());
        assertEquals(rolledBack.message(), Outcome.ROLLED_BACK, rolledBack.outcome());
        calls.awaitEveryThreadAt(before, PHASE_MILLIS);
        return applied;
    }

    private HotfixReport apply(String fix, Calls calls, String before, String after, Consumer<HotfixReport> plan)
            throws Exception {
        calls.awaitEveryThreadAt(before, PHASE_MILLIS);
        HotfixReport planned = manager.verify(jar(fix).toURI());
        assertEquals(planned.message(), Outcome.PLANNED, planned.outcome());
        plan.accept(planned);
        HotfixReport applied = manager.install(jar(fix).toURI(), HotfixOptions.defaults());
        assertEquals(applied.message(), Outcome.APPLIED, applied.outcome());
        plan.accept(applied);
        calls.awaitEveryThreadAt(after, PHASE_MILLIS);
        return applied;
    }

    /** Something to do, that may throw. */
    interface Check {
        void run() throws Exception;
    }

    /**
     * A call that looks its service up each time, as a consumer without a tracker does: a service
     * unregistered between the look-up and the get answers null, and such a consumer asks again.
     * Asking again a bounded number of times is what it does; no answer after that is a failure.
     */
    private static Callable<String> lookingUp(Callable<String> call) {
        return () -> {
            for (int attempt = 0; attempt < 100; attempt++) {
                String answer = call.call();
                if (answer != null) {
                    return answer;
                }
            }
            return null;
        };
    }

    /**
     * A call that asks again, as a caller would, when Felix's own lookup fails with
     * {@link #FELIX_ZOMBIE}, and counts it; any other failure is the call's. Felix 7.0.5 throws it
     * to a lookup that collected a service of a bundle stopped and uninstalled before the lookup
     * checked it, and a retirement uninstalls the old version while the calls go on. It is
     * Felix's alone: without the runtime, 500 stops and uninstalls of a provider while three
     * threads look its service up made about 200 of its lookups throw; 500 updates, none (#12).
     */
    private static Callable<String> askingAgainIfFelixFails(List<String> zombies, Callable<String> call) {
        return () -> {
            for (int attempt = 0; attempt < 100; attempt++) {
                try {
                    return call.call();
                } catch (NullPointerException e) {
                    if (!felixLookedAtAGoneBundle(e)) {
                        throw e;
                    }
                    zombies.add(e.getMessage());
                }
            }
            throw new IllegalStateException("Felix's lookup failed 100 times in a row with " + FELIX_ZOMBIE);
        };
    }

    /**
     * Asserts the line in the report of the applied hotfix only: a dry run plans from the jar's
     * component descriptors, and only staging shows the services an activator registers.
     */
    private static void assertStaged(HotfixReport report, String line) {
        if (report.outcome() == Outcome.APPLIED) {
            assertPlanned(report, line);
        }
    }

    private static void assertPlanned(HotfixReport report, String line) {
        assertTrue("the report should list '" + line + "': " + report.services(), report.services().contains(line));
    }

    private static void assertReRegistered(HotfixReport report, String objectClass, String why) {
        assertTrue("the report should say " + objectClass + " is re-registered because " + why + ": "
                + report.services(), report.services().stream().anyMatch(line -> line.startsWith(objectClass + " (")
                        && line.contains(": re-registered: ") && line.contains(why)));
    }

    /** @return what happened to bundles of the shape, by bundle id, in order */
    private static Map<Long, List<String>> lives(String shape) {
        Map<Long, List<String>> lives = new TreeMap<>();
        for (Ledger.Entry entry : Ledger.of(shape)) {
            lives.computeIfAbsent(entry.bundle(), id -> new ArrayList<>()).add(entry.what());
        }
        return lives;
    }

    private static Map<Long, List<String>> sorted(Map<Long, List<String>> lives) {
        Map<Long, List<String>> sorted = new TreeMap<>();
        lives.forEach((id, life) -> sorted.put(id, life.stream().sorted().toList()));
        return sorted;
    }

    private static long count(Map<Long, List<String>> lives, long bundle, String what) {
        return lives.getOrDefault(bundle, List.of()).stream().filter(what::equals).count();
    }

    private String execute(String line) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (CommandSession session = processor.createSession(new ByteArrayInputStream(new byte[0]), out, out)) {
            return String.valueOf(session.execute(line));
        }
    }
}
