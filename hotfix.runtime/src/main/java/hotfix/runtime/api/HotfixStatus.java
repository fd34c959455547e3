package hotfix.runtime.api;

import java.util.List;

/**
 * The state of the hotfix runtime at one moment.
 *
 * @param gateClosed      whether a hotfix holds new calls into a bundle now
 * @param inFlight        how many units of work are in progress
 * @param inProgress      the source of the hotfix being applied now, or empty
 * @param applied         how many hotfixes are in place
 * @param deployDirectory the watched deploy directory, absolute; empty when none is watched
 * @param deployProblems  what the deploy directory watcher could not do, and why: a directory
 *                        it refuses to watch, jars it refused and leaves alone until they change
 * @param redefinition    whether classes can be redefined in this JVM
 * @param journalProblems records of the journal that could not be read at start
 * @param retiring        the units of work still in a version being retired, each with where it
 *                        is and since when: the old version retires when they leave (since 2.1)
 */
public record HotfixStatus(
        boolean gateClosed,
        int inFlight,
        String inProgress,
        int applied,
        String deployDirectory,
        List<String> deployProblems,
        boolean redefinition,
        List<String> journalProblems,
        List<String> retiring) {

    public HotfixStatus {
        deployProblems = List.copyOf(deployProblems);
        journalProblems = List.copyOf(journalProblems);
        retiring = List.copyOf(retiring);
    }

    /** A status with no version being retired, as before 2.1. */
    public HotfixStatus(boolean gateClosed, int inFlight, String inProgress, int applied, String deployDirectory,
            List<String> deployProblems, boolean redefinition, List<String> journalProblems) {
        this(gateClosed, inFlight, inProgress, applied, deployDirectory, deployProblems, redefinition,
                journalProblems, List.of());
    }
}
