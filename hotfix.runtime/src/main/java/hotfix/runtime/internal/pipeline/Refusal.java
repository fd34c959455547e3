package hotfix.runtime.internal.pipeline;

import hotfix.runtime.api.Reason;

/** Stops an attempt: the stages done so far are undone and the report says why. */
final class Refusal extends Exception {

    private static final long serialVersionUID = 1L;

    final Reason reason;

    Refusal(Reason reason, String message) {
        super(message, null, false, false);
        this.reason = reason;
    }
}
