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

    /** Cleans up after the old version; never undone. @return the old version's jar, for rollback */
    byte[] retire();

    /** @return where the replaced version was installed from, if a bundle was replaced */
    String previousLocation();

    /** @return the start level of the replaced bundle, or 0 */
    int startLevel();
}
