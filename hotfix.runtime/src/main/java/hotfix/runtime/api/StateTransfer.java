package hotfix.runtime.api;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * Implemented by a service implementation that holds state which must survive a hotfix.
 * <p>
 * When a hotfix replaces a service, the runtime asks the old implementation for its state and
 * gives it to the new one. The state must be made of types both versions see: JDK types (maps,
 * lists, strings, numbers) or types of a bundle that is not being replaced, such as an API bundle.
 * <p>
 * State is handed over in one of two ways:
 * <ul>
 * <li><b>Copied</b> (the default): the new version builds its own state from what the old one
 * exported. Calls into the bundle wait while the units of work already in it finish, so that the
 * copy misses nothing; then the copy runs, then they go on, to the new version.</li>
 * <li><b>Shared</b> ({@link #sharesState()} on both versions): the old version exports its live
 * state itself, and the new one keeps those very objects. Both versions then work on one state, so
 * no call waits: units of work already in the old version finish there, every other call goes to
 * the new one at once. The state must be safe for both at the same time (a
 * {@code ConcurrentHashMap} of immutable records, say).</li>
 * </ul>
 * <p>
 * State is never silently dropped: if {@link #importState(Object)} throws, the hotfix is
 * rolled back and the old version keeps its state and keeps serving.
 */
@ConsumerType
public interface StateTransfer {

    /**
     * Called on the old version: for copied state, once the units of work in the bundle have
     * finished and while new ones wait; for shared state, while it serves.
     *
     * @return the state to hand over; {@code null} for none
     */
    Object exportState();

    /**
     * Called on the new version, before any call reaches it, with what the old version exported.
     *
     * @param state the old version's state, possibly {@code null}
     * @throws RuntimeException to refuse the state: the hotfix is then rolled back
     */
    void importState(Object state);

    /**
     * Whether this version shares its state rather than copying it: {@link #exportState()}
     * returns the live state itself, and {@link #importState(Object)} keeps the objects it is
     * given rather than copying them. A swap holds no call when the old and the new version both
     * say so. The state's types must then be the JDK's or an API bundle's, and safe for both
     * versions to use at once.
     *
     * @return {@code true} to share the state; {@code false}, the default, to copy it
     * @since 2.1
     */
    default boolean sharesState() {
        return false;
    }
}
