package hotfix.runtime.internal.pipeline;

import java.io.IOException;
import java.io.InputStream;
import java.lang.instrument.Instrumentation;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;

import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;

import hotfix.runtime.api.HotfixManager;
import hotfix.runtime.api.HotfixOptions;
import hotfix.runtime.api.HotfixReport;
import hotfix.runtime.api.HotfixStatus;
import hotfix.runtime.api.Mode;
import hotfix.runtime.api.Outcome;
import hotfix.runtime.api.Reason;
import hotfix.runtime.internal.gate.Gate;
import hotfix.runtime.internal.journal.Journal;
import hotfix.runtime.internal.log.RuntimeLog;
import hotfix.runtime.internal.mediation.Hotfixable;
import hotfix.runtime.internal.mediation.Mediator;

/**
 * The {@link HotfixManager}: runs every install and rollback through the pipeline, one at a
 * time, and keeps the journal.
 */
public final class Pipeline implements HotfixManager {

    /** The most a hotfix jar may weigh, read from a file, a URL or a stream. */
    static final int MAX_JAR_BYTES = 64 * 1024 * 1024;

    private final BundleContext context;
    private final Mediator mediator;
    private final Gate gate;
    private final Hotfixable hotfixable;
    private final Journal journal;
    private final Diagnostics diagnostics;
    private final Optional<Instrumentation> instrumentation;
    private final Redefinitions redefinitions;
    private final RuntimeLog log;
    private final TrustStore trust;
    private final ReentrantLock busy = new ReentrantLock();
    private volatile String inProgress = "";
    private volatile DeployState deploy;

    public Pipeline(BundleContext context, Mediator mediator, Gate gate, Hotfixable hotfixable, Journal journal,
            Diagnostics diagnostics, Optional<Instrumentation> instrumentation, Redefinitions redefinitions,
            RuntimeLog log) {
        this.context = context;
        this.mediator = mediator;
        this.gate = gate;
        this.hotfixable = hotfixable;
        this.journal = journal;
        this.diagnostics = diagnostics;
        this.instrumentation = instrumentation;
        this.redefinitions = redefinitions;
        this.log = log;
        this.trust = TrustStore.configured(context::getProperty);
    }

    @Override
    public HotfixReport install(URI source, HotfixOptions options) {
        byte[] bytes;
        try (InputStream in = source.toURL().openStream()) {
            bytes = readLimited(in);
        } catch (IOException | IllegalArgumentException e) {
            return refuseUnread(source.toString(), "cannot read " + source + ": " + e);
        }
        return run(new Attempt(source.toString(), bytes, options, 0));
    }

    @Override
    public HotfixReport install(String name, InputStream jar, HotfixOptions options) {
        byte[] bytes;
        try (InputStream in = jar) {
            bytes = readLimited(in);
        } catch (IOException e) {
            return refuseUnread(name, "cannot read " + name + ": " + e);
        }
        return run(new Attempt(name, bytes, options, 0));
    }

    @Override
    public HotfixReport verify(URI source) {
        return install(source, HotfixOptions.plan());
    }

    @Override
    public HotfixReport rollback(long id, HotfixOptions options) {
        String source = "rollback of " + id;
        // checked under the lock: two rollbacks of one hotfix must not both pass
        return exclusively(new Attempt(source, new byte[0], options, 0), () -> {
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
            Attempt attempt = new Attempt(source + " (" + applied.source() + ")", previous, options, id);
            attempt.location = entry.previousLocation();
            return attempt.run();
        });
    }

    @Override
    public List<HotfixReport> list() {
        return journal.applied().stream().map(Journal.Entry::report).toList();
    }

    @Override
    public List<HotfixReport> history() {
        return journal.history();
    }

    @Override
    public HotfixStatus status() {
        DeployState deploy = this.deploy;
        return new HotfixStatus(gate.isClosed(), gate.inFlight(), inProgress, journal.applied().size(),
                deploy == null ? "" : deploy.directory(), deploy == null ? List.of() : deploy.problems(),
                instrumentation.map(Instrumentation::isRedefineClassesSupported).orElse(false), journal.unreadable());
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

    /** Does one hotfix's work while no other runs; refuses {@code attempt} as BUSY otherwise. */
    private HotfixReport exclusively(Attempt attempt, Supplier<HotfixReport> work) {
        if (!busy.tryLock()) {
            return attempt.refused(Reason.BUSY, "another hotfix is being applied (" + inProgress
                    + "): hotfixes are applied one at a time; try again when it is done");
        }
        try {
            inProgress = attempt.source;
            return work.get();
        } finally {
            inProgress = "";
            busy.unlock();
        }
    }

    private HotfixReport refuseUnread(String source, String message) {
        return refuse(source, Reason.UNREADABLE, message);
    }

    private HotfixReport refuse(String source, Reason reason, String message) {
        Attempt attempt = new Attempt(source, new byte[0], HotfixOptions.defaults(), 0);
        return attempt.refused(reason, message);
    }

    private static byte[] readLimited(InputStream in) throws IOException {
        byte[] bytes = in.readNBytes(MAX_JAR_BYTES + 1);
        if (bytes.length > MAX_JAR_BYTES) {
            throw new IOException("larger than " + MAX_JAR_BYTES / (1024 * 1024) + " MiB");
        }
        return bytes;
    }

    /** One run through the pipeline, with its undo stack and what goes into its report. */
    private final class Attempt {
        final String source;
        final byte[] bytes;
        final HotfixOptions options;
        final long undoes;
        final String sha256;
        String signer = "";
        final Instant time = Instant.now();
        final Map<String, Duration> stages = new LinkedHashMap<>();
        final List<String> services = new ArrayList<>();
        final List<String> classes = new ArrayList<>();
        final List<String> notes = new ArrayList<>();
        final Deque<Runnable> undo = new ArrayDeque<>();
        long id;
        String location;
        String target = "";
        String fromVersion = "";
        String toVersion = "";
        Mode mode = Mode.SWAP;
        String description = "";
        Duration pause = Duration.ZERO;
        long closed;
        long stageStart;
        Journal.Entry intent;

        Attempt(String source, byte[] bytes, HotfixOptions options, long undoes) {
            this.source = source;
            this.bytes = bytes;
            this.options = options;
            this.undoes = undoes;
            this.sha256 = bytes.length == 0 ? "" : HotfixJar.sha256(bytes);
        }

        HotfixReport run() {
            id = journal.nextId();
            stageStart = System.nanoTime();
            Stages swap = null;
            try {
                HotfixJar jar = HotfixJar.read(bytes);
                target = jar.symbolicName;
                toVersion = jar.version.toString();
                description = jar.description();
                signer = TrustStore.signer(jar);
                trust.check(jar, undoes != 0);
                mode = jar.mode();
                swap = mode == Mode.REDEFINE
                        ? new Redefine(context, mediator, gate, hotfixable, instrumentation, redefinitions, classes,
                                notes, undo)
                        : new Swap(context, mediator, gate, hotfixable, diagnostics, instrumentation, redefinitions,
                                undoes, services, classes, notes, undo);
                Bundle installed = swap.inspect(jar, undoes != 0);
                fromVersion = swap instanceof Redefine redefine ? redefine.currentVersion().toString()
                        : installed.getVersion().toString();
                stage("inspect");
                swap.plan();
                stage("plan");
                if (options.dryRun()) {
                    HotfixReport plan = report(Outcome.PLANNED, Reason.NONE, planMessage(installed));
                    journal.record(Journal.Entry.of(plan));
                    return plan;
                }
                String newLocation = location != null ? location : Restore.LOCATION_PREFIX + id + ":" + target + "@" + toVersion;
                begin(swap, newLocation);
                swap.stage(newLocation);
                stage("stage");
                closed = System.nanoTime();
                swap.quiesce(options.drainTimeout());
                stage("quiesce");
                swap.commit();
                stage("commit");
                pause = Duration.ofNanos(swap.resume() - closed);
                stage("resume");
            } catch (Refusal refusal) {
                undoAll();
                if (closed != 0) {
                    // calls were held from the close to the reopening, even though nothing changed
                    pause = Duration.ofNanos(System.nanoTime() - closed);
                }
                return refused(refusal.reason, refusal.getMessage());
            } catch (RuntimeException | Error e) {
                undoAll();
                log.error("Hotfix {} from {} failed unexpectedly; undone", id, source, e);
                return refused(Reason.FAILED, "unexpected failure, everything was undone: " + e);
            }
            // Past resume the new version serves: what follows may add notes but never undo it.
            Outcome outcome = undoes != 0 ? Outcome.ROLLED_BACK : Outcome.APPLIED;
            String message = (undoes != 0 ? "rolled back hotfix " + undoes + ": " : "applied: ") + target + " "
                    + fromVersion + " -> " + toVersion + ", " + changes() + ", paused " + micros(pause);
            // Recorded before the old version goes: a restart after a crash in retire keeps the new one.
            boolean recorded = true;
            try {
                journal.record(intent.with(report(outcome, Reason.NONE, message)));
            } catch (RuntimeException e) {
                recorded = false;
                notes.add("the journal could not record this " + (undoes != 0 ? "rollback" : "hotfix")
                        + ", so a restart will come back without it; the replaced version stays installed for that "
                        + "restart: " + e.getMessage());
                log.error("Hotfix {} applied but not journaled", id, e);
            }
            stage("journal");
            int notesBefore = notes.size();
            if (recorded) {
                swap.retire();
            }
            stage("retire");
            redefinitions.reload();
            if (swap instanceof Swap swapped && undoes == 0) {
                redefinitions.rememberExported(id, swapped.exportedOriginals());
            } else if (undoes != 0) {
                redefinitions.forgetExported(undoes);
            }
            log.info("Hotfix {}: {}", id, message);
            HotfixReport report = report(outcome, Reason.NONE, message);
            if (recorded && notes.size() > notesBefore) {
                // what retire had to say goes into the record too
                try {
                    journal.record(intent.with(report));
                } catch (RuntimeException e) {
                    log.error("Hotfix {}: the notes of its retirement could not be journaled", id, e);
                }
            }
            return report;
        }

        /**
         * Writes the attempt ahead, before it installs anything: should the process die before
         * the attempt is recorded again, a restart reads it as interrupted and puts back what ran.
         */
        private void begin(Stages swap, String newLocation) throws Refusal {
            byte[] previous = undoes != 0 ? null : swap.previousJar();
            byte[] redefined = swap instanceof Redefine redefine && undoes == 0
                    ? Redefinitions.pack(redefine.target(), redefine.redefined(), redefine.added())
                    : null;
            String kept = undoes != 0 ? "hotfix " + undoes + " stays applied"
                    : target + " " + fromVersion + " runs, as before it";
            intent = new Journal.Entry(report(Outcome.INTERRUPTED, Reason.NONE, "interrupted: the server stopped "
                    + "before this " + (undoes != 0 ? "rollback" : "hotfix") + " finished; " + kept),
                    undoes != 0 ? location : swap.previousLocation(), swap.startLevel(),
                    mode == Mode.SWAP ? newLocation : null);
            try {
                journal.begin(intent, previous, redefined);
            } catch (RuntimeException e) {
                throw new Refusal(Reason.FAILED, "the journal cannot record the attempt ahead, so a crash could "
                        + "not be recovered from; nothing was changed: " + e.getMessage());
            }
        }

        private String planMessage(Bundle installed) {
            return "would " + (undoes != 0 ? "roll back" : "apply") + ": " + target + " " + fromVersion + " -> "
                    + toVersion + ", " + (mode == Mode.REDEFINE ? "redefining " + classes.size() + " class(es) in place"
                            : "swapping " + services.size() + " service(s)");
        }

        private String changes() {
            return mode == Mode.REDEFINE ? classes.size() + " class(es) redefined"
                    : services.size() + " service(s) swapped";
        }

        void stage(String name) {
            long now = System.nanoTime();
            stages.put(name, Duration.ofNanos(now - stageStart));
            stageStart = now;
        }

        void undoAll() {
            while (!undo.isEmpty()) {
                try {
                    undo.pop().run();
                } catch (RuntimeException e) {
                    log.error("Undoing hotfix {} from {} failed at one step", id, source, e);
                }
            }
        }

        HotfixReport refused(Reason reason, String message) {
            if (id == 0) {
                id = journal.nextId();
            }
            HotfixReport report = report(Outcome.REFUSED, reason, "refused: " + message);
            try {
                journal.record(intent != null ? intent.with(report) : Journal.Entry.of(report));
            } catch (RuntimeException e) {
                log.error("Refusal of hotfix {} could not be journaled", id, e);
            }
            log.warn("Hotfix {} from {} refused: {}", id, source, message);
            return report;
        }

        HotfixReport report(Outcome outcome, Reason reason, String message) {
            return new HotfixReport(id, source, sha256, signer, target, fromVersion,
                    toVersion, mode, description, outcome, reason, message, services, classes, notes, stages, pause,
                    time, undoes);
        }
    }

    static String micros(Duration duration) {
        return duration.toNanos() / 1000 + " us";
    }

}
