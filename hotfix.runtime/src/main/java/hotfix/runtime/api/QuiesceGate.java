package hotfix.runtime.api;

import org.osgi.annotation.versioning.ProviderType;

/**
 * Units of work: what a hotfix keeps on one version of each bundle.
 * <p>
 * A unit of work sees one version of each bundle: it is pinned to a bundle's version at its first
 * call into that bundle (through a service the runtime mediates), and every later call it makes
 * into that bundle goes to the same version, even when a hotfix commits meanwhile. A hotfix never
 * waits for units of work that did not call into the bundle it replaces, and holds new calls into
 * that bundle only while it must copy state or redefine classes there.
 * <p>
 * A service call made outside any unit of work is a unit of its own. HTTP requests through the
 * HTTP Whiteboard are units of work by themselves. Other entry points (a message handler, a
 * scheduled task) make one unit of work of each thing they do:
 *
 * <pre>
 * try (QuiesceGate.Work work = gate.work()) {
 *     handle(message);
 * }
 * </pre>
 *
 * A loop that never leaves calls {@link #checkpoint()} once per iteration: its next calls go to
 * the newest versions. Entering never waits, and units nest: an inner one belongs to the outer.
 */
@ProviderType
public interface QuiesceGate {

    /**
     * Enters a unit of work on this thread, or a nested level of the one it is in. Never waits;
     * each must be matched by {@link #leave()} on the same thread.
     */
    void enter();

    /** Leaves the level entered last by this thread; leaving the outermost one ends the unit of work. */
    void leave();

    /**
     * {@link #enter()} as a resource: closing it leaves, on the same thread.
     *
     * @return the unit of work entered, to close once it is done
     * @since 2.1
     */
    default Work work() {
        enter();
        return this::leave;
    }

    /**
     * Ends the pins of this thread's unit of work: its next calls into each bundle go to that
     * bundle's newest version, and a hotfix waiting for it to leave the old one goes ahead. Call it
     * between iterations of a loop that never returns, never in the middle of one. Costs one read
     * when the unit is pinned to nothing.
     */
    void checkpoint();

    /** @return whether a hotfix holds new calls into some bundle at this moment */
    boolean isClosed();

    /** @return how many units of work are in progress at this moment */
    int inFlight();

    /** A unit of work entered by {@link QuiesceGate#work()}. */
    @FunctionalInterface
    interface Work extends AutoCloseable {

        /** Leaves the unit of work; call once, on the thread that entered it. */
        @Override
        void close();
    }
}
