package hotfix.runtime.api;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * Implemented by a service implementation that holds state which must survive a hotfix.
 * <p>
 * When a hotfix replaces a service, the runtime asks the old implementation for its state and
 * gives it to the new one, inside the quiesced window: no call runs on either while it happens.
 * The state must be made of types both versions see: JDK types (maps, lists, records of the JDK,
 * strings, numbers) or types of a bundle that is not being replaced, such as an API bundle.
 * <p>
 * State is never silently dropped: if {@link #importState(Object)} throws, the hotfix is
 * rolled back and the old version keeps its state and keeps serving.
 */
@ConsumerType
public interface StateTransfer {

    /**
     * Called on the old version, inside the quiesced window.
     *
     * @return the state to hand over; {@code null} for none
     */
    Object exportState();

    /**
     * Called on the new version, inside the quiesced window, with what the old version exported.
     *
     * @param state the old version's state, possibly {@code null}
     * @throws RuntimeException to refuse the state: the hotfix is then rolled back
     */
    void importState(Object state);
}
