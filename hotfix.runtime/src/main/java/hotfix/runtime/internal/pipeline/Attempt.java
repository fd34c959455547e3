package hotfix.runtime.internal.pipeline;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;

import hotfix.runtime.api.HotfixOptions;
import hotfix.runtime.api.HotfixReport;
import hotfix.runtime.api.Mode;
import hotfix.runtime.api.Outcome;
import hotfix.runtime.api.Reason;
import hotfix.runtime.internal.inspect.InspectedJar;
import hotfix.runtime.internal.inspect.Refusal;
import hotfix.runtime.internal.inspect.Sha256;
import hotfix.runtime.internal.journal.Journal;
import hotfix.runtime.internal.journal.Restore;

/**
 * One run of a hotfix or a rollback through the pipeline:
 * <pre>
 * inspect -> plan -> (dry run: done) -> begin -> stage -> quiesce -> commit
 *   -> POINT OF NO RETURN -> resume -> journal -> retire
 * </pre>
 * Before the point of no return, a refusal or any failure runs the {@link Undo} steps and the
 * server is as it was; after it, the new version serves, and what goes wrong is a note on the
 * report. The {@link Phase} says where the attempt is; each step moves it forward only.
 */
final class Attempt {

    /** Makes the mode that runs the stages, for the jar inspected: swap or redefine, as it says. */
    interface Modes {
        Stages of(InspectedJar jar) throws Refusal;
    }

    /** Where an attempt is in its life. */
    enum Phase {
        NEW, INSPECTED, PLANNED, BEGUN, STAGED, QUIESCED, COMMITTED, PAST_POINT_OF_NO_RETURN, FINISHED, REFUSED
    }

    private final Pipeline.Parts parts;
    private final String source;
    private final byte[] bytes;
    private final HotfixOptions options;
    private final long undoes;
    private final String rollbackLocation;
    private final Modes modes;
    /** The facts every report of this attempt carries, filled in as the stages learn them. */
    private final HotfixReport.Builder facts;
    private final Map<String, Duration> stages = new LinkedHashMap<>();
    /** Written by a retirement in the background too. */
    private final List<String> notes = new CopyOnWriteArrayList<>();
    private final Undo undo = new Undo();
    private Phase phase = Phase.NEW;
    private long id;
    private long stageStart;
    private long closed;
    private Duration pause = Duration.ZERO;
    private Stages mode;
    private Journal.Entry intent;

    private Attempt(Pipeline.Parts parts, String source, byte[] bytes, HotfixOptions options, long undoes,
            String rollbackLocation, Modes modes) {
        this.parts = parts;
        this.modes = modes != null ? modes : this::modeOf;
        this.source = source;
        this.bytes = bytes;
        this.options = options;
        this.undoes = undoes;
        this.rollbackLocation = rollbackLocation;
        this.facts = HotfixReport.builder().source(source).sha256(bytes.length == 0 ? "" : Sha256.of(bytes))
                .time(Instant.now()).undoes(undoes);
    }

    /** @return an attempt to apply (or plan) the hotfix in {@code bytes} */
    static Attempt hotfix(Pipeline.Parts parts, String source, byte[] bytes, HotfixOptions options) {
        return new Attempt(parts, source, bytes, options, 0, null, null);
    }

    /** @return an attempt to apply the hotfix in {@code bytes} through the stages {@code modes} makes: a test's */
    static Attempt hotfix(Pipeline.Parts parts, String source, byte[] bytes, HotfixOptions options,
            Modes modes) {
        return new Attempt(parts, source, bytes, options, 0, null, modes);
    }

    /**
     * @param previous the journal's copy of what hotfix {@code undoes} replaced
     * @param location where that version was installed from, where it goes back
     * @return an attempt to undo hotfix {@code undoes}
     */
    static Attempt rollback(Pipeline.Parts parts, String source, byte[] previous, HotfixOptions options, long undoes,
            String location) {
        return new Attempt(parts, source, previous, options, undoes, location, null);
    }

    String source() {
        return source;
    }

    HotfixReport run() {
        id = parts.journal().nextId();
        stageStart = System.nanoTime();
        try {
            inspect();
            mode.plan();
            advance(Phase.PLANNED, "plan");
            if (options.dryRun()) {
                return planned();
            }
            String location = rollbackLocation != null ? rollbackLocation
                    : Restore.location(id, facts.build().target(), facts.build().toVersion());
            begin(location);
            mode.stage(location, undo);
            advance(Phase.STAGED, "stage");
            long quiescing = System.nanoTime();
            if (mode.quiesce(options.drainTimeout(), undo)) {
                closed = quiescing;
            }
            advance(Phase.QUIESCED, "quiesce");
            mode.commit(undo);
            advance(Phase.COMMITTED, "commit");
        } catch (Refusal refusal) {
            undoAll();
            if (closed != 0) {
                // calls were held from the close to the reopening, even though nothing changed
                pause = Duration.ofNanos(System.nanoTime() - closed);
            }
            return refuse(refusal.reason(), refusal.getMessage());
        } catch (Throwable e) {
            // any Throwable: a checked exception thrown sneakily by application code too
            undoAll();
            parts.log().error("Hotfix {} from {} failed unexpectedly; undone", id, source, e);
            return refuse(Reason.FAILED, "unexpected failure, everything was undone: " + e);
        }
        passPointOfNoReturn();
        return finish();
    }

    /** Inspect: reads the jar within the rules, checks who signed it, finds the target. */
    private void inspect() throws Refusal {
        InspectedJar jar = InspectedJar.read(bytes);
        facts.target(jar.symbolicName()).toVersion(jar.version().toString()).description(jar.description());
        facts.signer(jar.signer());
        parts.trust().check(jar, undoes != 0);
        facts.mode(jar.mode());
        mode = modes.of(jar);
        facts.fromVersion(mode.inspect().toString());
        advance(Phase.INSPECTED, "inspect");
    }

    private Stages modeOf(InspectedJar jar) throws Refusal {
        return jar.mode() == Mode.REDEFINE ? new RedefineMode(parts, jar, undoes != 0) : new SwapMode(parts, jar, undoes);
    }

    private HotfixReport planned() {
        HotfixReport facts = this.facts.build();
        HotfixReport plan = report(Outcome.PLANNED, Reason.NONE, "would " + (undoes != 0 ? "roll back" : "apply")
                + ": " + facts.target() + " " + facts.fromVersion() + " -> " + facts.toVersion() + ", "
                + mode.planned());
        parts.journal().record(Journal.Entry.of(plan));
        phase = Phase.FINISHED;
        return plan;
    }

    /**
     * Writes the attempt ahead, before it installs anything: should the process die before the
     * attempt is recorded again, a restart reads it as interrupted and puts back what ran.
     */
    private void begin(String location) throws Refusal {
        HotfixReport facts = this.facts.build();
        Stages.Payload payload = mode.payload(location);
        String kept = undoes != 0 ? "hotfix " + undoes + " stays applied"
                : facts.target() + " " + facts.fromVersion() + " runs, as before it";
        intent = new Journal.Entry(report(Outcome.INTERRUPTED, Reason.NONE, "interrupted: the server stopped "
                + "before this " + (undoes != 0 ? "rollback" : "hotfix") + " finished; " + kept),
                undoes != 0 ? rollbackLocation : payload.previousLocation(), payload.startLevel(), payload.location());
        try {
            parts.journal().begin(intent, payload.previousJar(), payload.classes());
        } catch (RuntimeException e) {
            throw new Refusal(Reason.FAILED, "the journal cannot record the attempt ahead, so a crash could "
                    + "not be recovered from; nothing was changed: " + e.getMessage());
        }
        phase = Phase.BEGUN;
    }

    /**
     * The point of no return: the change is made. From here on nothing is undone; a step that
     * fails adds a note to an applied report.
     */
    private void passPointOfNoReturn() {
        undo.forget();
        facts.pastPointOfNoReturn(true);
        phase = Phase.PAST_POINT_OF_NO_RETURN;
    }

    /** Resume, journal, retire: past the point of no return. */
    private HotfixReport finish() {
        try {
            long opened = mode.resume();
            pause = closed == 0 ? Duration.ZERO : Duration.ofNanos(opened - closed);
        } catch (Exception | LinkageError e) {
            // Exception, not RuntimeException: application code may throw a checked one sneakily
            pause = closed == 0 ? Duration.ZERO : Duration.ofNanos(System.nanoTime() - closed);
            afterward("letting the held calls through", e);
        }
        stage("resume");
        HotfixReport facts = this.facts.build();
        Outcome outcome = undoes != 0 ? Outcome.ROLLED_BACK : Outcome.APPLIED;
        String message = (undoes != 0 ? "rolled back hotfix " + undoes + ": " : "applied: ") + facts.target() + " "
                + facts.fromVersion() + " -> " + facts.toVersion() + ", " + mode.changed()
                + (closed == 0 ? ", no call held" : ", " + mode.held() + " call(s) into it held, for " + micros(pause));
        // Recorded before the old version goes: a restart after a crash in retire keeps the new one.
        boolean recorded = true;
        try {
            parts.journal().record(intent.with(report(outcome, Reason.NONE, message)));
        } catch (Exception | LinkageError e) {
            recorded = false;
            notes.add("the journal could not record this " + (undoes != 0 ? "rollback" : "hotfix")
                    + ", so a restart will come back without it; the replaced version stays installed for that "
                    + "restart: " + e.getMessage());
            parts.log().error("Hotfix {} applied but not journaled", id, e);
        }
        stage("journal");
        int notesBefore = noteCount();
        Optional<Runnable> later = Optional.empty();
        if (recorded) {
            try {
                later = mode.retire();
            } catch (Exception | LinkageError e) {
                afterward("retiring the old version", e);
            }
        }
        stage("retire");
        phase = Phase.FINISHED;
        if (later.isEmpty()) {
            return retired(outcome, message, recorded, notesBefore);
        }
        // units of work are still in the old version: it retires once they are done
        Runnable rest = later.get();
        boolean journaled = recorded;
        parts.retiring().start(facts.target() + " " + facts.fromVersion(), () -> {
            try {
                rest.run();
            } catch (Exception | LinkageError e) {
                afterward("retiring the old version", e);
            }
            retired(outcome, message, journaled, notesBefore);
        });
        return report(outcome, Reason.NONE, message);
    }

    /** What follows the retirement: what a rollback needs is kept, and the notes are journaled. */
    private HotfixReport retired(Outcome outcome, String message, boolean recorded, int notesBefore) {
        try {
            parts.redefinitions().reload();
            mode.remember(id);
        } catch (Exception | LinkageError e) {
            afterward("remembering what was redefined, for a rollback", e);
        }
        parts.log().info("Hotfix {}: {}", id, message);
        HotfixReport report = report(outcome, Reason.NONE, message);
        if (recorded && noteCount() > notesBefore) {
            // what retire had to say goes into the record too
            try {
                parts.journal().record(intent.with(report));
            } catch (RuntimeException e) {
                parts.log().error("Hotfix {}: the notes of its retirement could not be journaled", id, e);
            }
        }
        return report;
    }

    private void afterward(String step, Throwable e) {
        notes.add(step + " failed after the point of no return, and the new version serves: " + e);
        parts.log().error("Hotfix {}: {} failed after the point of no return", id, step, e);
    }

    private int noteCount() {
        return mode.notes().size() + notes.size();
    }

    private void advance(Phase next, String stage) {
        if (next.compareTo(phase) <= 0) {
            throw new IllegalStateException("an attempt goes forward only: " + phase + " -> " + next);
        }
        phase = next;
        stage(stage);
    }

    private void stage(String name) {
        long now = System.nanoTime();
        stages.put(name, Duration.ofNanos(now - stageStart));
        stageStart = now;
    }

    private void undoAll() {
        undo.runAll(e -> parts.log().error("Undoing hotfix {} from {} failed at one step", id, source, e));
    }

    /** Ends the attempt as refused: journaled, logged, and reported with what to do. */
    HotfixReport refuse(Reason reason, String message) {
        if (id == 0) {
            id = parts.journal().nextId();
        }
        HotfixReport report = report(Outcome.REFUSED, reason, "refused: " + message);
        try {
            parts.journal().record(intent != null ? intent.with(report) : Journal.Entry.of(report));
        } catch (RuntimeException e) {
            parts.log().error("Refusal of hotfix {} could not be journaled", id, e);
        }
        parts.log().warn("Hotfix {} from {} refused: {}", id, source, message);
        phase = Phase.REFUSED;
        return report;
    }

    private HotfixReport report(Outcome outcome, Reason reason, String message) {
        List<String> allNotes = new ArrayList<>();
        if (mode != null) {
            allNotes.addAll(mode.notes());
        }
        allNotes.addAll(notes);
        return facts.id(id).outcome(outcome).reason(reason).message(message)
                .services(mode == null ? List.of() : mode.services())
                .classes(mode == null ? List.of() : mode.classes())
                .notes(allNotes).stages(stages).pause(pause).build();
    }

    static String micros(Duration duration) {
        return duration.toNanos() / 1000 + " us";
    }
}
