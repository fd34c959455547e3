package hotfix.runtime.internal.pipeline;

import java.io.IOException;
import java.io.InputStream;
import java.lang.instrument.Instrumentation;
import java.net.URI;
import java.net.URLConnection;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;

import org.osgi.framework.BundleContext;

import hotfix.runtime.api.HotfixManager;
import hotfix.runtime.api.HotfixOptions;
import hotfix.runtime.api.HotfixReport;
import hotfix.runtime.api.HotfixStatus;
import hotfix.runtime.api.Outcome;
import hotfix.runtime.api.Reason;
import hotfix.runtime.internal.gate.Gate;
import hotfix.runtime.internal.inspect.InspectedJar;
import hotfix.runtime.internal.inspect.TrustStore;
import hotfix.runtime.internal.journal.Journal;
import hotfix.runtime.internal.log.RuntimeLog;
import hotfix.runtime.internal.mediation.Hotfixable;
import hotfix.runtime.internal.mediation.Mediator;
import hotfix.runtime.internal.redefine.Redefinitions;

/**
 * The {@link HotfixManager}: runs every install and rollback as an {@link Attempt}, one at a
 * time, and answers from the journal.
 */
public final class Pipeline implements HotfixManager {

    /**
     * What the stages of every attempt work with.
     *
     * @param trust the trust store, as configured when the runtime started
     */
    record Parts(BundleContext context, Mediator mediator, Gate gate, Hotfixable hotfixable, Journal journal,
            Diagnostics diagnostics, Optional<Instrumentation> instrumentation, Redefinitions redefinitions,
            RuntimeLog log, TrustStore trust, Retiring retiring) {

        Parts trusting(TrustStore other) {
            return new Parts(context, mediator, gate, hotfixable, journal, diagnostics, instrumentation, redefinitions,
                    log, other, retiring);
        }
    }

    /** How long a URL may take to answer, and then to send each piece of the jar. */
    static final int CONNECT_TIMEOUT_MILLIS = 10_000;
    static final int READ_TIMEOUT_MILLIS = 30_000;

    private volatile Parts parts;
    private final Consumer<HotfixReport> observer;
    private final ReentrantLock busy = new ReentrantLock();
    private volatile String inProgress = "";
    private volatile DeployState deploy;

    public Pipeline(BundleContext context, Mediator mediator, Gate gate, Hotfixable hotfixable, Journal journal,
            Diagnostics diagnostics, Optional<Instrumentation> instrumentation, Redefinitions redefinitions,
            RuntimeLog log, Consumer<HotfixReport> observer) {
        this.parts = new Parts(context, mediator, gate, hotfixable, journal, diagnostics, instrumentation,
                redefinitions, log, TrustStore.configured(context::getProperty), new Retiring());
        this.observer = observer;
    }

    /**
     * Takes a new configuration: the trust store's path and password, as Configuration Admin or
     * the framework properties give them; for the attempts that start from now on.
     */
    public void configure(UnaryOperator<String> properties) {
        parts = parts.trusting(TrustStore.configured(properties));
    }

    @Override
    public HotfixReport install(URI source, HotfixOptions options) {
        byte[] bytes;
        try (InputStream in = open(source)) {
            bytes = InspectedJar.readLimited(in);
        } catch (IOException | IllegalArgumentException e) {
            return observed(refuse(source.toString(), Reason.UNREADABLE, "cannot read " + source + ": " + e));
        }
        return run(Attempt.hotfix(parts, source.toString(), bytes, options));
    }

    @Override
    public HotfixReport install(String name, InputStream jar, HotfixOptions options) {
        byte[] bytes;
        try (InputStream in = jar) {
            bytes = InspectedJar.readLimited(in);
        } catch (IOException e) {
            return observed(refuse(name, Reason.UNREADABLE, "cannot read " + name + ": " + e));
        }
        return run(Attempt.hotfix(parts, name, bytes, options));
    }

    private static InputStream open(URI source) throws IOException {
        return open(source, CONNECT_TIMEOUT_MILLIS, READ_TIMEOUT_MILLIS);
    }

    /** Opens a source with timeouts: a server that never answers must not hold the pipeline. */
    static InputStream open(URI source, int connectMillis, int readMillis) throws IOException {
        URLConnection connection = source.toURL().openConnection();
        connection.setConnectTimeout(connectMillis);
        connection.setReadTimeout(readMillis);
        return connection.getInputStream();
    }

    @Override
    public HotfixReport verify(URI source) {
        return install(source, HotfixOptions.plan());
    }

    @Override
    public HotfixReport rollback(long id, HotfixOptions options) {
        String source = "rollback of " + id;
        Journal journal = parts.journal();
        // checked under the lock: two rollbacks of one hotfix must not both pass
        return exclusively(Attempt.hotfix(parts, source, new byte[0], options), () -> {
            Journal.Entry entry = journal.applied().stream().filter(e -> e.report().id() == id).findFirst()
                    .orElse(null);
            if (entry == null) {
                String known = journal.find(id).map(e -> "hotfix " + id + " is " + e.report().outcome()
                        + (e.report().outcome() == Outcome.APPLIED ? " and was rolled back since" : "")).orElse(
                                "there is no hotfix " + id);
                return refuse(source, Reason.UNKNOWN_HOTFIX, known + ": only an applied hotfix can be rolled back");
            }
            HotfixReport applied = entry.report();
            for (Journal.Entry later : journal.applied()) {
                if (later.report().id() > id && later.report().target().equals(applied.target())) {
                    return refuse(source, Reason.UNKNOWN_HOTFIX, "hotfix " + later.report().id() + " was applied to "
                            + applied.target() + " after hotfix " + id + ": roll it back first");
                }
            }
            byte[] previous;
            try {
                previous = journal.previousJar(id);
            } catch (RuntimeException e) {
                return refuse(source, Reason.UNKNOWN_HOTFIX, e.getMessage());
            }
            return Attempt.rollback(parts, source + " (" + applied.source() + ")", previous, options, id,
                    entry.previousLocation()).run();
        });
    }

    @Override
    public List<HotfixReport> list() {
        return parts.journal().applied().stream().map(Journal.Entry::report).toList();
    }

    @Override
    public List<HotfixReport> history() {
        return parts.journal().history();
    }

    @Override
    public HotfixStatus status() {
        DeployState deploy = this.deploy;
        return new HotfixStatus(parts.gate().isClosed(), parts.gate().inFlight(), inProgress,
                parts.journal().applied().size(), deploy == null ? "" : deploy.directory(),
                deploy == null ? List.of() : deploy.problems(),
                parts.instrumentation().map(Instrumentation::isRedefineClassesSupported).orElse(false),
                parts.journal().unreadable(), parts.gate().retiring());
    }

    /** Lets the deploy directory watcher report through {@link #status()}. */
    public void deployState(DeployState state) {
        this.deploy = state;
    }

    /** What the deploy directory watcher tells {@link Pipeline#status()}. */
    public interface DeployState {

        /** @return the watched directory, absolute; empty if none */
        String directory();

        /** @return what the watcher could not do, and why */
        List<String> problems();
    }

    private HotfixReport run(Attempt attempt) {
        return exclusively(attempt, attempt::run);
    }

    /** @return the report, after telling the observer (the operator's counters) of it */
    private HotfixReport observed(HotfixReport report) {
        try {
            observer.accept(report);
        } catch (RuntimeException e) {
            parts.log().error("Hotfix {}: its report could not be counted", report.id(), e);
        }
        return report;
    }

    /** Does one hotfix's work while no other runs; refuses {@code attempt} as BUSY otherwise. */
    private HotfixReport exclusively(Attempt attempt, Supplier<HotfixReport> work) {
        if (!busy.tryLock()) {
            return observed(attempt.refuse(Reason.BUSY, "another hotfix is being applied (" + inProgress
                    + "): hotfixes are applied one at a time; try again when it is done"));
        }
        try {
            // an old version still retiring in the background goes first: this may replace it again
            if (!parts.retiring().await(Retiring.AWAIT)) {
                return observed(attempt.refuse(Reason.BUSY, "the old version of " + parts.retiring().what()
                        + " is still retiring after " + Retiring.AWAIT.toSeconds() + " s: try again when it is done"));
            }
            inProgress = attempt.source();
            return observed(work.get());
        } finally {
            inProgress = "";
            busy.unlock();
        }
    }

    /** Refuses an attempt that never reached the pipeline: an unreadable jar, an unknown id. */
    private HotfixReport refuse(String source, Reason reason, String message) {
        return Attempt.hotfix(parts, source, new byte[0], HotfixOptions.defaults()).refuse(reason, message);
    }
}
