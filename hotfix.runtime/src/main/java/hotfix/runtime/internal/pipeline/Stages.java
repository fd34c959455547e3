package hotfix.runtime.internal.pipeline;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

import org.osgi.framework.Version;

import hotfix.runtime.internal.inspect.Refusal;

/**
 * One mode of hotfix (swap, redefine): its stages, in the order an {@link Attempt} runs them, and
 * what it plans and records. A mode owns its plan and its lists; every stage before the point of
 * no return that changes something pushes its undo on the attempt's {@link Undo} first.
 */
interface Stages {

    /**
     * Inspect: finds the target and checks the hotfix may apply to it.
     *
     * @return the version the target runs now, which the hotfix replaces
     */
    Version inspect() throws Refusal;

    /** Plan: decides what will change, and refuses what cannot; a dry run stops after it. */
    void plan() throws Refusal;

    /** @return what the journal must hold before {@link #stage} installs anything */
    Payload payload(String location);

    /** Stage: prepares everything that can be prepared with calls still running. */
    void stage(String location, Undo undo) throws Refusal;

    /**
     * Quiesce, only where it must: when state is copied or classes are redefined, holds new calls
     * into the target bundle and waits for the units of work in it. A change that shares its state,
     * or has none, holds nothing.
     *
     * @return whether calls into the target are held from now until {@link #resume()}
     */
    boolean quiesce(Duration timeout, Undo undo) throws Refusal;

    /**
     * Commit: makes the change; a change that a later step of the commit could still have to undo
     * pushes its undo first.
     */
    void commit(Undo undo) throws Refusal;

    /**
     * Resume, the first step past the point of no return: lets held calls through, to the new
     * version.
     *
     * @return {@link System#nanoTime()} when they were let through: the end of the pause
     */
    long resume();

    /** @return how many calls waited while calls into the target were held; 0 if none were */
    int held();

    /**
     * Retire: cleans up after the old version, once the hotfix is journaled; never undone.
     *
     * @return what is left to do once units of work still in the old version finish, to run in
     *         the background; empty when the old version is retired already
     */
    Optional<Runnable> retire();

    /** Keeps in memory what a later rollback of the applied attempt {@code id} needs. */
    void remember(long id);

    /** @return what the plan changes, as a dry run says it: "swapping 3 service(s)" */
    String planned();

    /** @return what was changed, as the report says it: "3 service(s) swapped" */
    String changed();

    /** @return the services swapped, added or removed, one line each */
    List<String> services();

    /** @return the classes redefined, replaced or added, one line each */
    List<String> classes();

    /** @return what an operator should know besides */
    List<String> notes();

    /**
     * What the journal records ahead, before an attempt installs anything.
     *
     * @param previousJar      the jar a rollback re-installs; null for a rollback
     * @param classes          the classes a restart puts back in place; null unless redefined
     * @param previousLocation where the version being replaced was installed from; or null
     * @param startLevel       the start level of the bundle being replaced; or 0
     * @param location         where the attempt installs a bundle; null if it installs none
     */
    record Payload(byte[] previousJar, byte[] classes, String previousLocation, int startLevel, String location) {
    }
}
