package hotfix.runtime.api;

import java.util.List;

/**
 * The state of the hotfix runtime at one moment.
 *
 * @param gateClosed      whether a hotfix holds the gate closed
 * @param inFlight        how many threads are inside the gate
 * @param inProgress      the source of the hotfix being applied now, or empty
 * @param applied         how many hotfixes are in place
 * @param deployDirectory the watched deploy directory, absolute; empty when none is watched
 * @param deployProblems  what the deploy directory watcher could not do, and why: a directory
 *                        it refuses to watch, jars it refused and leaves alone until they change
 * @param redefinition    whether classes can be redefined in this JVM
 * @param journalProblems records of the journal that could not be read at start
 */
public record HotfixStatus(
        boolean gateClosed,
        int inFlight,
        String inProgress,
        int applied,
        String deployDirectory,
        List<String> deployProblems,
        boolean redefinition,
        List<String> journalProblems) {

    public HotfixStatus {
        deployProblems = List.copyOf(deployProblems);
        journalProblems = List.copyOf(journalProblems);
    }
}
