package hotfix.runtime.internal.inspect;

import hotfix.runtime.api.Reason;

/**
 * Why a hotfix is refused: what inspection finds wrong with a jar, and what a pipeline stage
 * finds it cannot do. Thrown before the point of no return only; the stages done so far are
 * undone and the report says why.
 */
public final class Refusal extends Exception {

    private static final long serialVersionUID = 1L;

    private final Reason reason;

    public Refusal(Reason reason, String message) {
        super(message, null, false, false);
        this.reason = reason;
    }

    /** @return the machine-readable reason the report carries */
    public Reason reason() {
        return reason;
    }
}
