package hotfix.runtime.internal.deploy;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.UserPrincipal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

import hotfix.runtime.api.HotfixManager;
import hotfix.runtime.api.HotfixOptions;
import hotfix.runtime.api.HotfixReport;
import hotfix.runtime.api.Outcome;
import hotfix.runtime.api.Reason;
import hotfix.runtime.internal.deploy.DeployedJars.Entry;
import hotfix.runtime.internal.inspect.JarRules;
import hotfix.runtime.internal.inspect.Sha256;

/**
 * One pass over the deploy directory, run by the watcher's thread at every poll: brings what is
 * applied in line with the jars in the directory, through the {@link HotfixManager} like any
 * other client. Not thread-safe: one thread scans; {@link #problems()} may be read from any.
 */
final class DeployScanner {

    /** Where the scanner's messages go: the runtime's log, or a test. */
    interface Log {
        void log(System.Logger.Level level, String message, Throwable thrown);
    }

    private final HotfixManager manager;
    private final Path directory;
    private final DeployedJars jars;
    private final Log log;
    private final Optional<UserPrincipal> owner;
    /** How long a stable file may stay incomplete before it is refused as truncated, by default. */
    static final Duration DEFAULT_INCOMPLETE = Duration.ofSeconds(10);

    private volatile HotfixOptions options = HotfixOptions.defaults();
    private volatile Duration incompleteLimit = DEFAULT_INCOMPLETE;
    private final Stability stability = new Stability();

    /** Stable files that cannot be handled yet, and why; until they change. */
    private final Map<String, String> waiting = new TreeMap<>();
    private String directoryProblem = "";
    private String scanProblem = "";
    private String stateProblem = "";
    /** Whether the record changed since it was last stored. */
    private boolean dirty;
    private volatile boolean watching;
    private volatile List<String> problems = List.of();

    /**
     * @param directory the deploy directory, absolute
     * @param state     the watcher's record, loaded here
     */
    DeployScanner(HotfixManager manager, Path directory, DeployedJars state, Log log) {
        this(manager, directory, state, log, DeployDirectory.serverUser());
    }

    /** @param owner the user a jar must belong to: the server's; empty to accept any */
    DeployScanner(HotfixManager manager, Path directory, DeployedJars state, Log log, Optional<UserPrincipal> owner) {
        this.owner = owner;
        this.manager = manager;
        this.directory = directory;
        this.jars = state;
        this.log = log;
        try {
            state.load();
        } catch (IOException | RuntimeException e) {
            stateProblem = "the record of what each jar did is unreadable, so every jar counts as new: " + e;
            log.log(System.Logger.Level.ERROR, "The deploy directory watcher " + stateProblem, e);
        }
        if (!state.directory().isEmpty() && !state.directory().equals(directory.toString())) {
            // Rolling back every hotfix because a property changed would surprise anyone.
            log.log(System.Logger.Level.WARNING, "The deploy directory is now " + directory + ", was "
                    + state.directory() + ": the hotfixes applied from there stay applied and are no longer"
                    + " watched; roll them back with hotfix:rollback if they should go", null);
            state.entries().clear();
            dirty = true;
        }
        state.directory(directory.toString());
        // Said at once, not at the first pass, which waits for the framework to have started.
        checkDirectory();
        publish();
    }

    /**
     * @param hotfixes        the options every jar is applied with
     * @param incompleteAfter how long a stable file may stay incomplete before it is refused
     */
    void settings(HotfixOptions hotfixes, Duration incompleteAfter) {
        this.options = hotfixes;
        this.incompleteLimit = incompleteAfter;
    }

    /** @return the deploy directory, absolute */
    Path directory() {
        return directory;
    }

    /** @return whether the last pass watched the directory, rather than refusing it */
    boolean watching() {
        return watching;
    }

    /** @return what the watcher could not do, and why; as of the last pass */
    List<String> problems() {
        return problems;
    }

    /** Looks at the directory once, and applies, rolls back and records what changed. */
    void scan() {
        try {
            if (!checkDirectory()) {
                return;
            }
            Set<String> present = new HashSet<>();
            Map<String, Stability.Seen> listing = new TreeMap<>();
            try {
                Stability.list(directory, present, listing);
            } catch (IOException e) {
                // Nothing counts as removed when the directory could not be read: no rollback on a hiccup.
                failed("cannot list " + directory + ": " + e, e);
                return;
            }
            scanProblem = "";
            List<String> stable = stability.observe(listing);
            waiting.keySet().retainAll(present);
            try {
                forgetHotfixesRolledBackElsewhere();
                handleRemoved(present);
                for (String name : stable) {
                    handle(name);
                }
            } catch (Busy e) {
                // Another hotfix is being applied: what is left is handled at the next poll.
            } finally {
                if (dirty) {
                    store();
                }
            }
        } finally {
            publish();
        }
    }

    /** @return whether the directory may be watched; logs when that changes */
    private boolean checkDirectory() {
        Optional<String> refused = DeployDirectory.check(directory);
        if (refused.isPresent()) {
            if (!refused.get().equals(directoryProblem)) {
                log.log(System.Logger.Level.ERROR, refused.get(), null);
            }
            directoryProblem = refused.get();
            watching = false;
            return false;
        }
        if (!directoryProblem.isEmpty()) {
            log.log(System.Logger.Level.INFO, "Watching " + directory + " again", null);
            directoryProblem = "";
        }
        watching = true;
        return true;
    }

    private void forgetHotfixesRolledBackElsewhere() {
        if (jars.entries().values().stream().noneMatch(entry -> entry.hotfix() != 0)) {
            return;
        }
        Set<Long> applied = new HashSet<>();
        manager.list().forEach(report -> applied.add(report.id()));
        for (var iterator = jars.entries().entrySet().iterator(); iterator.hasNext();) {
            var jar = iterator.next();
            Entry entry = jar.getValue();
            if (entry.hotfix() == 0 || applied.contains(entry.hotfix())) {
                continue;
            }
            dirty = true;
            if (entry.gone()) {
                iterator.remove();
                continue;
            }
            String problem = "hotfix " + entry.hotfix() + " it applied was rolled back outside the deploy"
                    + " directory; remove the jar and copy it back to apply it again";
            log.log(System.Logger.Level.INFO, jar.getKey() + ": " + problem, null);
            jar.setValue(new Entry(entry.sha256(), 0, problem));
        }
    }

    private void handleRemoved(Set<String> present) throws Busy {
        for (var jar : new ArrayList<>(jars.entries().entrySet())) {
            String name = jar.getKey();
            Entry entry = jar.getValue();
            if (present.contains(name) || entry.gone()) {
                continue;
            }
            String left = entry.hotfix() == 0 ? null : rollBack(entry.hotfix(), "removed");
            dirty = true;
            if (left == null) {
                jars.entries().remove(name);
            } else {
                log.log(System.Logger.Level.WARNING, name + ": " + left, null);
                jars.entries().put(name, new Entry("", entry.hotfix(), left));
            }
        }
    }

    /** Handles a stable file: applies it, or rolls back what it applied and applies its new content. */
    private void handle(String name) throws Busy {
        Path file = directory.resolve(name);
        Optional<String> refused = DeployDirectory.checkFile(file, owner);
        if (refused.isPresent()) {
            // not settled: fixing the mode or the owner changes no size or time, and is enough
            if (!refused.get().equals(waiting.put(name, refused.get()))) {
                log.log(System.Logger.Level.WARNING, file + " " + refused.get(), null);
            }
            return;
        }
        byte[] bytes;
        String sha256;
        try (InputStream in = Files.newInputStream(file)) {
            bytes = in.readNBytes(JarRules.MAX_JAR_BYTES + 1);
            sha256 = bytes.length > JarRules.MAX_JAR_BYTES ? Sha256.of(file) : Sha256.of(bytes);
        } catch (NoSuchFileException e) {
            return;
        } catch (IOException e) {
            // not settled: a chmod changes no size or time, and should be enough to go on
            hold(name, "cannot read it: " + e);
            return;
        }
        String missing = bytes.length > JarRules.MAX_JAR_BYTES ? null : Stability.incomplete(bytes);
        if (missing != null && !truncated(name, sha256, missing)) {
            // offered again at the next poll: the copy may still finish
            return;
        }
        waiting.remove(name);
        Entry entry = jars.entries().get(name);
        if (entry != null && entry.sha256().equals(sha256)) {
            // the same content: touched, copied over with itself, or seen again after a restart
            stability.settle(name);
            return;
        }
        if (entry != null && entry.hotfix() != 0) {
            String left = rollBack(entry.hotfix(), "changed");
            dirty = true;
            if (left != null) {
                log.log(System.Logger.Level.WARNING, name + ": " + left, null);
                jars.entries().put(name, new Entry(sha256, entry.hotfix(), left + "; its new content is not applied"));
                stability.settle(name);
                return;
            }
            // recorded before the install: if that must wait, the next pass just installs
            jars.entries().put(name, new Entry(entry.sha256(), 0, ""));
        }
        Set<Long> owned = new HashSet<>();
        jars.entries().values().forEach(owner -> owned.add(owner.hotfix()));
        HotfixReport adopted = AppliedHotfixes.of(manager).adoptable(sha256, owned).orElse(null);
        if (adopted != null) {
            log.log(System.Logger.Level.INFO, name + ": the same content is applied already, as hotfix "
                    + adopted.id() + " (" + adopted.source() + "): removing the jar now rolls it back", null);
            jars.entries().put(name, new Entry(sha256, adopted.id(), ""));
            dirty = true;
            stability.settle(name);
            return;
        }
        busy();
        publish();
        // the bytes hashed are the bytes applied; the file's URI names them in the history
        HotfixReport report = bytes.length > JarRules.MAX_JAR_BYTES ? manager.install(file.toUri(), options)
                : manager.install(file.toUri().toString(), new ByteArrayInputStream(bytes), options);
        if (report.reason() == Reason.BUSY) {
            throw new Busy();
        }
        stability.settle(name);
        dirty = true;
        if (report.outcome() == Outcome.APPLIED) {
            log.log(System.Logger.Level.INFO, "Applied " + file + " as hotfix " + report.id() + ": "
                    + report.message(), null);
            jars.entries().put(name, new Entry(sha256, report.id(), ""));
        } else {
            String problem = (missing != null ? "truncated (" + missing + "): " : "") + report.message();
            log.log(System.Logger.Level.WARNING, file + " " + problem + "; it stays where it is and is"
                    + " not tried again until its content changes", null);
            jars.entries().put(name, new Entry(sha256, 0, problem));
        }
    }

    /**
     * Rolls back the hotfix a jar applied, if it is still applied and the latest of its target.
     *
     * @param why what happened to the jar: {@code removed} or {@code changed}
     * @return {@code null} if nothing of it is applied any more; otherwise why it stays
     */
    private String rollBack(long id, String why) throws Busy {
        AppliedHotfixes applied = AppliedHotfixes.of(manager);
        HotfixReport own = applied.find(id).orElse(null);
        if (own == null) {
            return null;
        }
        Optional<HotfixReport> later = applied.laterOnTheSameTarget(own);
        if (later.isPresent()) {
            return why + ", but hotfix " + id + " it applied stays: hotfix " + later.get().id() + " ("
                    + later.get().source() + ") was applied to " + own.target() + " after it; roll back "
                    + later.get().id() + " and then " + id + " with hotfix:rollback";
        }
        busy();
        HotfixReport report = manager.rollback(id, options);
        if (report.reason() == Reason.BUSY) {
            throw new Busy();
        }
        if (report.outcome() == Outcome.ROLLED_BACK) {
            log.log(System.Logger.Level.INFO, "Rolled back hotfix " + id + " (" + own.source() + "): the jar was "
                    + why, null);
            return null;
        }
        return why + ", but hotfix " + id + " it applied could not be rolled back: " + report.message()
                + "; roll it back with hotfix:rollback " + id;
    }

    /** @return whether a stable but incomplete file has waited long enough to be refused as truncated */
    private boolean truncated(String name, String sha256, String missing) {
        Optional<Duration> waited = stability.waitedIncomplete(name, sha256, incompleteLimit);
        if (waited.isEmpty()) {
            hold(name, missing + "; waiting up to " + incompleteLimit.toMillis() + " ms for the rest of it");
            return false;
        }
        log.log(System.Logger.Level.WARNING, directory.resolve(name) + " is truncated: " + missing + ", and it has"
                + " not changed for " + waited.get().toMillis() + " ms", null);
        return true;
    }

    private void busy() throws Busy {
        if (!manager.status().inProgress().isEmpty()) {
            throw new Busy();
        }
    }

    private void hold(String name, String why) {
        if (!why.equals(waiting.put(name, why))) {
            log.log(System.Logger.Level.INFO, directory.resolve(name) + " is not handled yet: " + why, null);
        }
    }

    private void store() {
        try {
            jars.store();
            dirty = false;
            stateProblem = "";
        } catch (IOException | RuntimeException e) {
            // The next change tries again; until then a restart may act on an older record.
            String problem = "cannot record what each jar did: " + e;
            if (!problem.equals(stateProblem)) {
                log.log(System.Logger.Level.ERROR, "The deploy directory watcher " + problem, e);
            }
            stateProblem = problem;
        }
    }

    private void failed(String problem, Throwable thrown) {
        if (!problem.equals(scanProblem)) {
            log.log(System.Logger.Level.ERROR, problem, thrown);
        }
        scanProblem = problem;
    }

    /** Shows why the last pass ended early, until a pass lists the directory again. */
    void failed(String problem) {
        scanProblem = problem;
        publish();
    }

    private void publish() {
        List<String> now = new ArrayList<>();
        for (String problem : List.of(directoryProblem, scanProblem, stateProblem)) {
            if (!problem.isEmpty()) {
                now.add(problem);
            }
        }
        Map<String, String> byName = new TreeMap<>(waiting);
        jars.entries().forEach((name, entry) -> {
            if (!entry.problem().isEmpty()) {
                byName.put(name, entry.problem());
            }
        });
        byName.forEach((name, problem) -> now.add(name + ": " + problem));
        problems = List.copyOf(now);
    }

    /** Another hotfix is being applied: stop this pass and go on at the next poll. */
    private static final class Busy extends Exception {
        private static final long serialVersionUID = 1L;

        Busy() {
            super(null, null, false, false);
        }
    }
}
