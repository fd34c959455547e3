package hotfix.runtime.internal.pipeline;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.osgi.framework.Bundle;
import org.osgi.framework.BundleException;
import org.osgi.framework.Constants;
import org.osgi.framework.FrameworkEvent;
import org.osgi.framework.ServiceReference;
import org.osgi.framework.Version;
import org.osgi.framework.startlevel.BundleStartLevel;
import org.osgi.framework.wiring.BundleWire;
import org.osgi.framework.wiring.BundleWiring;
import org.osgi.framework.wiring.FrameworkWiring;

import hotfix.runtime.api.Reason;
import hotfix.runtime.api.StateTransfer;
import hotfix.runtime.internal.gate.Lineage;
import hotfix.runtime.internal.inspect.InspectedJar;
import hotfix.runtime.internal.inspect.JarBytes;
import hotfix.runtime.internal.inspect.Refusal;
import hotfix.runtime.internal.mediation.Mediated;
import hotfix.runtime.internal.mediation.Outgoing;
import hotfix.runtime.internal.mediation.ProxyException;

/**
 * A swap-mode hotfix: the new version of the bundle is installed beside the old one, its
 * services take the place of the old ones behind their proxies, the old version's state is
 * handed over, and the old version is retired.
 */
final class SwapMode implements Stages {

    /** How long staged components may take to come up before the hotfix is refused. */
    static final long COMPONENT_WAIT_MILLIS = 5_000;
    static final long REFRESH_WAIT_SECONDS = 30;
    /**
     * How long the old version may go on calling the services it uses after the commit, working
     * off what it took before it (Event Admin delivering the events posted to it), before it is
     * retired anyway.
     */
    static final Duration RETIRE_GRACE = Duration.ofSeconds(5);
    /**
     * How long the retire waits, before the hotfix returns, for units of work still in the old
     * version: a request that was under way at the commit is done by then. One that stays longer
     * (a long poll, a stream) keeps the old version until it finishes, and the rest of the retire
     * goes on in the background.
     */
    static final Duration RETIRE_AT_ONCE = Duration.ofMillis(200);
    /**
     * How long the old version must have begun no call, and be in none, to count as done. Event
     * Admin 1.6 draining a thousand posted events paused up to 39 ms between two deliveries here
     * (EventAdminIT, 14 retires, 2 busy cores), and 56 ms counting pauses of the whole JVM; with
     * no drain before the commit its backlog is longer, and with other builds on the two cores a
     * 100 ms quiet once let it be stopped with events queued. A quiet that the retire did not
     * watch throughout (it looked less often than every quarter of this: the JVM paused, or the
     * machine gave it no time) does not count.
     */
    static final Duration DONE_AFTER = Duration.ofMillis(300);
    /**
     * How long the old version stays installed once stopped. A lookup that found its services
     * before they went is still filtering them in Felix 7.0.5, which fails with its own
     * NullPointerException ("br" is null, or "getWiring()" is null) once their bundle has no
     * revision or wiring left. Plain Felix fails the same way when a bundle is uninstalled under
     * lookups: three threads looking up a bundle's service as it is stopped and uninstalled, 500
     * times, met the NPE about 200 times, and none with 200 ms between stop and uninstall.
     */
    static final Duration LOOKUPS_END = Duration.ofMillis(100);
    /** How often the retire looks at the old version's calls. */
    static final Duration LOOKS = Duration.ofMillis(5);

    private final Pipeline.Parts parts;
    private final InspectedJar jar;
    private final long undoes;
    private final List<String> services = new ArrayList<>();
    private final List<String> classes = new ArrayList<>();
    /** Written by the retire too, which may finish in the background. */
    private final List<String> notes = new CopyOnWriteArrayList<>();
    private final Map<Mediated, ServiceReference<?>> matches = new LinkedHashMap<>();
    private final Map<Mediated, Mediated.Move> moves = new LinkedHashMap<>();
    /** How many of {@link #services} are re-registered, not swapped. */
    private int leftAlone;

    private Bundle old;
    private String previousLocation;
    private int startLevel;
    private ExportedClasses exported;
    private Bundle staged;
    /** The versions of the target, and the generation the old version serves. */
    private Lineage lineage;
    private int from;
    /** Set when calls into the target are held: the state is copied, or classes redefined. */
    private Window window;
    private Duration drainTimeout;
    /** The calls the old version makes through its proxies, from the quiesce on. */
    private Outgoing outgoing;

    /** @param undoes the id of the hotfix a rollback undoes, 0 for a hotfix */
    SwapMode(Pipeline.Parts parts, InspectedJar jar, long undoes) {
        this.parts = parts;
        this.jar = jar;
        this.undoes = undoes;
    }

    @Override
    public Version inspect() throws Refusal {
        old = TargetLookup.find(parts.context(), parts.hotfixable(), jar);
        // the target runs its redefinitions too, which a swap's own classes would undo
        EarlierRedefinitions redefinitions = EarlierRedefinitions.of(parts, old);
        if (undoes == 0) {
            redefinitions.check(jar);
            notes.addAll(redefinitions.notes());
        } else {
            notes.addAll(EarlierRedefinitions.restored(parts, jar));
        }
        previousLocation = old.getLocation();
        BundleStartLevel level = old.adapt(BundleStartLevel.class);
        startLevel = level == null ? 0 : level.getStartLevel();
        // a rollback puts back exactly what the hotfix redefined in old exporters; a hotfix plans
        // against every revision importers may still be wired to
        exported = undoes != 0
                ? ExportedClasses.rollback(ExportingRevision.running(old, parts), jar,
                        parts.redefinitions().exported(undoes))
                : ExportedClasses.plan(ExportingRevision.all(old, parts), jar);
        classes.addAll(exported.classes());
        notes.addAll(exported.notes());
        return redefinitions.running();
    }

    /**
     * Plan: which services will be swapped, from the new jar's component descriptors, and which
     * re-registered because no proxy stands for them.
     */
    @Override
    public void plan() throws Refusal {
        SwapPlan plan = SwapPlan.plan(jar, new SwapTarget(old, parts.mediator()));
        services.addAll(plan.services());
        classes.addAll(plan.classes());
        leftAlone = plan.leftAlone();
    }

    @Override
    public Payload payload(String location) {
        return new Payload(undoes != 0 ? null : JarBytes.repack(old), null, previousLocation, startLevel, location);
    }

    /** Stage: installs the new version beside the old, starts it hidden, gets its services. */
    @Override
    public void stage(String location, Undo undo) throws Refusal {
        // installBundle returns the bundle already at a location: staging it would put a live
        // bundle on the undo stack
        Bundle occupant = parts.context().getBundle(location);
        if (occupant != null) {
            throw new Refusal(Reason.FAILED, "cannot install " + named() + " at " + location + ": "
                    + occupant.getSymbolicName() + " " + occupant.getVersion() + " is installed there");
        }
        Bundle bundle;
        try {
            bundle = parts.context().installBundle(location, jar.open());
        } catch (BundleException | RuntimeException e) {
            throw new Refusal(Reason.FAILED, "cannot install " + named() + " beside the old version: "
                    + e.getMessage());
        }
        staged = bundle;
        parts.mediator().stage(bundle);
        // staged until it is gone: its services' UNREGISTERING events stay hidden with it
        undo.push(() -> {
            try {
                discard(bundle);
            } finally {
                parts.mediator().unstage(bundle);
            }
        });
        if (startLevel > 0) {
            bundle.adapt(BundleStartLevel.class).setStartLevel(startLevel);
        }
        FrameworkWiring framework = parts.context().getBundle(0).adapt(FrameworkWiring.class);
        if (!framework.resolveBundles(List.of(bundle))) {
            String why;
            try {
                bundle.start(Bundle.START_TRANSIENT);
                why = "the framework did not say why";
            } catch (BundleException e) {
                why = e.getMessage();
            }
            throw new Refusal(Reason.UNRESOLVED, named() + " does not resolve: " + why);
        }
        try {
            bundle.start();
        } catch (BundleException | RuntimeException e) {
            Throwable cause = e.getCause() != null ? e.getCause() : e;
            throw new Refusal(Reason.START_FAILED, named() + " failed to start: " + cause);
        }
        awaitComponents(bundle);
        match(bundle, undo);
    }

    private void awaitComponents(Bundle bundle) throws Refusal {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(COMPONENT_WAIT_MILLIS);
        List<String> problems = parts.diagnostics().problems(bundle);
        while (!problems.isEmpty() && System.nanoTime() - deadline < 0) {
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
            problems = parts.diagnostics().problems(bundle);
        }
        if (!problems.isEmpty()) {
            throw new Refusal(Reason.START_FAILED, named() + " did not come up: " + String.join("; ", problems));
        }
    }

    private void match(Bundle bundle, Undo undo) throws Refusal {
        Map<String, ServiceReference<?>> byKey = new LinkedHashMap<>();
        for (ServiceReference<?> reference : parts.mediator().staged(bundle)) {
            if (byKey.put(Mediated.matchKey(reference), reference) != null) {
                throw new Refusal(Reason.AMBIGUOUS_SERVICES, named() + " registers two services with "
                        + Mediated.matchKey(reference) + ": cannot tell which replaces which");
            }
        }
        services.clear();
        for (Mediated mediated : parts.mediator().servicesOf(old)) {
            ServiceReference<?> replacement = byKey.remove(mediated.matchKey());
            SwapPlan.Service service = SwapTarget.service(mediated);
            if (replacement != null) {
                matches.put(mediated, replacement);
                services.add(SwapPlan.swapped(mediated.interfaces(), service));
            } else {
                SwapPlan.checkNothingDropped(service, old.getSymbolicName() + " " + old.getVersion(), named());
                services.add(SwapPlan.removed(service));
            }
        }
        byKey.forEach((key, reference) -> services.add(key + ": new"));
        List<String> alone = SwapPlan.leftAlone(SwapTarget.leftAlone(parts.mediator().unmediated(old)),
                SwapTarget.leftAlone(parts.mediator().unmediated(bundle)));
        leftAlone = alone.size();
        services.addAll(alone);
        awaitConfigurations();
        // The new objects, for the consumers bound now (a service no consumer got yet is not
        // activated now either: it stays as lazy as the application made it).
        for (Map.Entry<Mediated, ServiceReference<?>> match : matches.entrySet()) {
            Mediated.Move move = prepare(match.getKey(), match.getValue(), bundle);
            undo.push(move::release);
            moves.put(match.getKey(), move);
            checkFits(match.getKey(), move);
        }
        // the plan says how each state goes over, now that both versions' objects are known
        for (Map.Entry<Mediated, Mediated.Move> move : moves.entrySet()) {
            Mediated mediated = move.getKey();
            List<Map.Entry<Object, Object>> pairs = move.getValue().pairs();
            if (mediated.handsOverState() && !pairs.isEmpty()) {
                boolean shared = pairs.stream().allMatch(pair -> shares(pair.getKey()) && shares(pair.getValue()));
                SwapPlan.Service service = SwapTarget.service(mediated);
                services.replaceAll(line -> line.equals(SwapPlan.swapped(mediated.interfaces(), service))
                        ? SwapPlan.swapped(mediated.interfaces(), service,
                                shared ? "state shared, no call held" : "state copied, new calls into it held")
                        : line);
            }
        }
    }

    /**
     * Waits, a bounded time, until each new service that replaces a configured one (its old
     * service carries a {@code service.pid}) has its configuration too: Configuration Admin
     * delivers it asynchronously, and the proxy takes the new service's properties at the commit,
     * so a ranking or a filter property set by configuration would otherwise drop for a moment.
     */
    private void awaitConfigurations() {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(COMPONENT_WAIT_MILLIS);
        for (Map.Entry<Mediated, ServiceReference<?>> match : matches.entrySet()) {
            Object pid = match.getKey().original().getProperty(Constants.SERVICE_PID);
            while (pid != null && !pid.equals(match.getValue().getProperty(Constants.SERVICE_PID))) {
                if (System.nanoTime() - deadline > 0) {
                    notes.add("the new " + match.getKey().matchKey() + " had not received its configuration (" + pid
                            + ") by the commit: its proxy takes its properties when it does");
                    break;
                }
                try {
                    Thread.sleep(10);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }

    private Mediated.Move prepare(Mediated mediated, ServiceReference<?> replacement, Bundle bundle) throws Refusal {
        try {
            return mediated.prepare(replacement);
        } catch (ProxyException e) {
            throw notUp(bundle, e);
        }
    }

    private Refusal notUp(Bundle bundle, ProxyException e) {
        List<String> problems = parts.diagnostics().problems(bundle);
        return new Refusal(Reason.START_FAILED, named() + " did not come up: "
                + (problems.isEmpty() ? e.getMessage() : String.join("; ", problems)));
    }

    /**
     * Refuses, before anything changes, a new service that cannot take the old one's place: one
     * that would drop the old one's state, or that is not an instance of every interface of the
     * proxy, as the proxy's consumers will cast it.
     */
    private void checkFits(Mediated mediated, Mediated.Move move) throws Refusal {
        // state first: a new service that dropped StateTransfer also no longer provides it
        if (mediated.handsOverState() && !Mediated.registeredAs(move.to(), StateTransfer.class)
                && move.pairs().stream().noneMatch(pair -> pair.getValue() instanceof StateTransfer)) {
            throw new Refusal(Reason.STATE_TRANSFER_FAILED, "the old " + mediated.matchKey()
                    + " hands over state but the new one does not implement StateTransfer: "
                    + "the state would be lost, so the old version keeps serving");
        }
        // by the classes it is registered under, whether or not a consumer got it yet
        Optional<String> unfit = Mediated.misfit(mediated.interfaceClasses(), move.to());
        if (unfit.isPresent()) {
            throw incompatible(move, unfit.get());
        }
        for (Map.Entry<Object, Object> pair : move.pairs()) {
            if (pair.getKey() instanceof StateTransfer && !(pair.getValue() instanceof StateTransfer)) {
                throw new Refusal(Reason.STATE_TRANSFER_FAILED, "the old " + mediated.matchKey()
                        + " hands over state but the new one does not implement StateTransfer: "
                        + "the state would be lost, so the old version keeps serving");
            }
            Optional<String> misfit = Mediated.misfit(mediated.interfaceClasses(), pair.getValue());
            if (misfit.isPresent()) {
                throw incompatible(move, misfit.get());
            }
        }
    }

    private Refusal incompatible(Mediated.Move move, String why) {
        return new Refusal(Reason.INCOMPATIBLE_SERVICE, "the new " + Mediated.matchKey(move.to()) + " of " + named()
                + " cannot take the old one's place behind its proxy, as every call through the proxy would fail "
                + "with a ClassCastException: " + why + "; nothing was changed");
    }

    /**
     * Quiesce, only if state is copied or classes of old exporters are redefined: then new calls
     * into the target wait while the units of work in it finish. A swap whose state is shared, or
     * that has none, holds nothing: units pinned to the old version finish there.
     */
    @Override
    public boolean quiesce(Duration timeout, Undo undo) throws Refusal {
        // from now on, every call the old version makes through its proxies is counted
        outgoing = parts.mediator().watch(old);
        undo.push(() -> parts.mediator().unwatch(old));
        lineage = parts.mediator().lineage(old);
        from = lineage.generation();
        drainTimeout = timeout;
        complete();
        if (!copies()) {
            return false;
        }
        hold(undo);
        return true;
    }

    private void hold(Undo undo) throws Refusal {
        window = new Window(parts.gate(), lineage);
        window.close(drainTimeout, undo).ifPresent(notes::add);
    }

    /** Gets the new objects for the consumers that got a proxy since stage. */
    private void complete() throws Refusal {
        for (Map.Entry<Mediated, Mediated.Move> move : moves.entrySet()) {
            try {
                move.getValue().complete();
            } catch (ProxyException e) {
                throw notUp(staged, e);
            }
            checkFits(move.getKey(), move.getValue());
        }
    }

    /**
     * @return whether the swap must hold new calls into the target: it redefines classes of old
     *         exporters, or an old object hands over state that it and its new object do not both
     *         share
     */
    private boolean copies() {
        if (!exported.classes().isEmpty()) {
            return true;
        }
        for (Mediated.Move move : moves.values()) {
            for (Map.Entry<Object, Object> pair : move.pairs()) {
                if (pair.getKey() instanceof StateTransfer before && !(shares(before) && shares(pair.getValue()))) {
                    return true;
                }
            }
        }
        return false;
    }

    /** Whether an object says it shares its state; one that cannot say (it throws) copies it. */
    private static boolean shares(Object service) {
        try {
            return service instanceof StateTransfer transfer && transfer.sharesState();
        } catch (Exception | LinkageError e) {
            return false;
        }
    }

    /**
     * Commit: hands state over, then makes every proxy's new target that of the next generation,
     * and moves new units of work to it. Units pinned to the old version finish there.
     */
    @Override
    public void commit(Undo undo) throws Refusal {
        complete(); // consumers that got the proxy since the quiesce
        if (window == null && copies()) {
            // one of them copies state: rare, but the copy must miss nothing
            hold(undo);
            notes.add("calls into " + old.getSymbolicName() + " were held from the commit: a consumer bound since "
                    + "the quiesce copies state");
        }
        for (Map.Entry<Mediated, Mediated.Move> move : moves.entrySet()) {
            for (Map.Entry<Object, Object> pair : move.getValue().pairs()) {
                handOver(move.getKey(), pair.getKey(), pair.getValue());
            }
        }
        exported.redefine(parts.instrumentation(), undo);
        int next = from + 1;
        for (Map.Entry<Mediated, Mediated.Move> move : moves.entrySet()) {
            parts.mediator().retarget(move.getKey(), move.getValue(), next);
        }
        parts.gate().advance(lineage, next);
    }

    /** Hands one old object's state to the new object that takes its place; checkFits made sure it can. */
    private static void handOver(Mediated mediated, Object before, Object after) throws Refusal {
        if (!(before instanceof StateTransfer exporter && after instanceof StateTransfer importer)) {
            return;
        }
        // Exception, not RuntimeException: a checked exception thrown sneakily must undo too
        Object state;
        try {
            state = exporter.exportState();
        } catch (Exception | LinkageError e) {
            throw new Refusal(Reason.STATE_TRANSFER_FAILED, "the old " + mediated.matchKey()
                    + " could not export its state: " + e + "; it keeps its state and keeps serving");
        }
        try {
            importer.importState(state);
        } catch (Exception | LinkageError e) {
            throw new Refusal(Reason.STATE_TRANSFER_FAILED, "the new " + mediated.matchKey()
                    + " refused the old version's state: " + e + "; the old version keeps its state and keeps serving");
        }
    }

    @Override
    public int held() {
        return window == null ? 0 : window.held();
    }

    /** Resume: lets held calls go on, if any were; the new version's services are visible from here on. */
    @Override
    public long resume() {
        long opened = window != null ? window.open() : System.nanoTime();
        parts.mediator().commit(staged);
        return opened;
    }

    /**
     * Retire: once the old version has done what it took on before the commit (bounded), stops
     * and uninstalls it, and refreshes it alone when nothing else is wired to it. Never undone:
     * by now the new version serves.
     */
    @Override
    public Optional<Runnable> retire() {
        List<String> staying = parts.gate().awaitUnpinned(lineage, from, RETIRE_AT_ONCE);
        if (staying.isEmpty()) {
            retireNow();
            return Optional.empty();
        }
        notes.add("the old version " + old.getSymbolicName() + " " + old.getVersion() + " retires in the background "
                + "once the units of work still in it finish (" + RETIRE_GRACE.toSeconds() + " s at most; "
                + "hotfix:status names them): " + String.join("; ", staying));
        return Optional.of(this::retireNow);
    }

    private void retireNow() {
        try {
            awaitUnitsDone();
            awaitOldVersionDone();
        } finally {
            parts.mediator().unwatch(old);
        }
        BundleWiring wiring = old.adapt(BundleWiring.class);
        Set<String> importers = new TreeSet<>();
        if (wiring != null) {
            for (BundleWire wire : wiring.getProvidedWires(null)) {
                Bundle requirer = wire.getRequirer().getBundle();
                if (!requirer.equals(old)) {
                    importers.add(requirer.getSymbolicName() + " " + requirer.getVersion());
                }
            }
        }
        try {
            old.stop();
            lookupsEnd();
            old.uninstall();
        } catch (BundleException | RuntimeException e) {
            notes.add("the old version " + old.getSymbolicName() + " " + old.getVersion()
                    + " could not be uninstalled: " + e.getMessage());
            return;
        }
        parts.mediator().retired(staged);
        if (importers.isEmpty()) {
            refresh(old);
        } else {
            notes.add("the old revision of " + old.getSymbolicName() + " " + old.getVersion()
                    + " is pending removal and not refreshed: " + importers
                    + " are wired to it, and a refresh would restart them and drop their state");
        }
    }

    /** Waits {@link #LOOKUPS_END}: see there. Keeps the interrupt, and waits no longer if interrupted. */
    private static void lookupsEnd() {
        try {
            Thread.sleep(LOOKUPS_END.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Waits, at most {@link #RETIRE_GRACE}, until no unit of work is pinned to the old version,
     * then forgets the old targets: a unit still pinned moves on to the new version at its next
     * call, and the report names it.
     */
    private void awaitUnitsDone() {
        List<String> staying = parts.gate().awaitUnpinned(lineage, from, RETIRE_GRACE);
        parts.mediator().forgetOlder(lineage);
        if (!staying.isEmpty()) {
            notes.add("units of work still in the old version " + old.getSymbolicName() + " " + old.getVersion()
                    + " " + RETIRE_GRACE.toSeconds() + " s after the commit moved on to the new version at their "
                    + "next call: " + String.join("; ", staying));
        }
    }

    /**
     * Waits, at most {@link #RETIRE_GRACE}, until the old version calls none of the services it
     * uses: stopping a bundle ends what it still had to do on its own threads. Event Admin drops
     * the events posted to it and not yet delivered when its bundle stops (an {@code update}
     * without the runtime loses them too), and a hotfix must not lose what the old version
     * accepted before the commit.
     */
    private void awaitOldVersionDone() {
        long start = System.nanoTime();
        long quietSince = start;
        long looked = start;
        long seen = -1;
        while (true) {
            long now = System.nanoTime();
            long calls = outgoing.calls();
            // a call began, or one is under way, or this thread did not look for a while (the
            // JVM paused, or the machine gave it no time): the quiet so far proves nothing
            if (calls != seen || outgoing.busy() || now - looked > DONE_AFTER.toNanos() / 4) {
                seen = calls;
                quietSince = now;
            } else if (now - quietSince >= DONE_AFTER.toNanos()) {
                return;
            }
            looked = now;
            if (now - start >= RETIRE_GRACE.toNanos()) {
                notes.add("the old version " + old.getSymbolicName() + " " + old.getVersion() + " still worked "
                        + RETIRE_GRACE.toSeconds() + " s after the commit (it is done once it has called none of the "
                        + "services it uses for " + DONE_AFTER.toMillis() + " ms; " + outgoing + "); it was retired "
                        + "anyway, and what it had not finished may be lost");
                return;
            }
            try {
                Thread.sleep(LOOKS.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /**
     * Remembers what was redefined in old exporters, for a rollback and for the next swap; a
     * rollback forgets what the hotfix it undid redefined.
     */
    @Override
    public void remember(long id) {
        if (undoes != 0) {
            parts.redefinitions().forgetExported(undoes);
        }
        parts.redefinitions().rememberExported(id, exported.redefined());
    }

    @Override
    public String planned() {
        return "swapping " + (services.size() - leftAlone) + " service(s)"
                + (leftAlone > 0 ? ", re-registering " + leftAlone : "");
    }

    @Override
    public String changed() {
        return (services.size() - leftAlone) + " service(s) swapped"
                + (leftAlone > 0 ? ", " + leftAlone + " re-registered" : "");
    }

    @Override
    public List<String> services() {
        return services;
    }

    @Override
    public List<String> classes() {
        return classes;
    }

    @Override
    public List<String> notes() {
        return notes;
    }

    private String named() {
        return jar.symbolicName() + " " + jar.version();
    }

    private void refresh(Bundle bundle) {
        CountDownLatch done = new CountDownLatch(1);
        parts.context().getBundle(0).adapt(FrameworkWiring.class).refreshBundles(List.of(bundle), event -> {
            if (event.getType() == FrameworkEvent.PACKAGES_REFRESHED || event.getType() == FrameworkEvent.ERROR) {
                done.countDown();
            }
        });
        try {
            if (!done.await(REFRESH_WAIT_SECONDS, TimeUnit.SECONDS)) {
                notes.add("the refresh of the old version did not finish within " + REFRESH_WAIT_SECONDS + " s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void discard(Bundle bundle) {
        try {
            if (bundle.getState() != Bundle.UNINSTALLED) {
                bundle.uninstall();
            }
        } catch (BundleException e) {
            throw new IllegalStateException("cannot uninstall the staged " + bundle, e);
        }
        refresh(bundle);
    }
}
