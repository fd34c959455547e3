package hotfix.runtime.api;

import org.osgi.annotation.versioning.ProviderType;

/**
 * The door that a hotfix closes while it swaps code: the quiesced window.
 * <p>
 * Service calls through the runtime's proxies pass the gate by themselves. Entry points that are
 * not service calls (an HTTP request, a message handler, a game loop) hold the gate for the
 * length of one unit of work, so that no unit of work runs half on the old code and half on the
 * new:
 *
 * <pre>
 * gate.enter();
 * try {
 *     handle(request);
 * } finally {
 *     gate.leave();
 * }
 * </pre>
 *
 * Long-running loops that never leave call {@link #checkpoint()} once per iteration. A thread
 * that is already inside passes a closed gate, so nested units of work never wait on themselves.
 */
@ProviderType
public interface QuiesceGate {

    /**
     * Enters one unit of work. Waits while a hotfix holds the gate closed, unless this thread is
     * already inside; entries nest, and each must be matched by {@link #leave()}.
     */
    void enter();

    /** Leaves the unit of work entered last by this thread. */
    void leave();

    /**
     * Lets a hotfix that is waiting for this thread go ahead: if the gate is closing, leaves
     * every level this thread holds, waits for the gate to open, and enters them again. Does
     * nothing, at the cost of one volatile read, when no hotfix is waiting. Call it between
     * iterations of a loop that never returns, never in the middle of one.
     */
    void checkpoint();

    /** @return whether a hotfix holds the gate closed at this moment */
    boolean isClosed();

    /** @return how many threads are inside the gate at this moment */
    int inFlight();
}
