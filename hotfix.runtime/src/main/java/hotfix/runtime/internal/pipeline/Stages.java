package hotfix.runtime.internal.pipeline;

import java.time.Duration;

import org.osgi.framework.Bundle;

/**
 * The stages of one mode of hotfix, in the order the pipeline runs them. Every stage that
 * changes something pushes its undo first; past {@link #resume()} nothing is undone.
 */
interface Stages {

    /** Finds the target and checks the hotfix may apply to it. */
    Bundle inspect(HotfixJar jar, boolean rollback) throws Refusal;

    /** Decides what will change, and refuses what cannot; a dry run stops after it. */
    void plan() throws Refusal;

    /** Prepares everything that can be prepared with calls still running. */
    void stage(String location) throws Refusal;

    /** Holds new calls to what changes and drains the calls inside. */
    void quiesce(Duration timeout) throws Refusal;

    /** Makes the change, inside the quiesced window. */
    void commit() throws Refusal;

    /** @return {@link System#nanoTime()} when the gate opened: the end of the pause */
    long resume();

    /** Cleans up after the old version; never undone. */
    void retire();

    /**
     * @return what a rollback puts back, once planned: the jar of the version being replaced,
     *         or the classes being redefined as they are now
     */
    byte[] previousJar();

    /** @return where the version being replaced was installed from, once inspected; or null */
    String previousLocation();

    /** @return the start level of the bundle being replaced, once inspected; or 0 */
    int startLevel();
}
