package hotfix.runtime.internal.pipeline;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.function.Consumer;

/**
 * What an attempt has done so far, as the steps that undo it: run in reverse order when the
 * attempt is refused, forgotten at its point of no return.
 */
final class Undo {

    private final Deque<Runnable> steps = new ArrayDeque<>();
    private boolean closed;

    /** Adds the step that undoes what the caller is about to do. */
    void push(Runnable step) {
        if (closed) {
            throw new IllegalStateException("past the point of no return, nothing is undone");
        }
        steps.push(step);
    }

    /**
     * Runs every step, newest first, each on its own: one that fails does not stop the others.
     *
     * @param failed told of each step that threw
     */
    void runAll(Consumer<RuntimeException> failed) {
        while (!steps.isEmpty()) {
            try {
                steps.pop().run();
            } catch (RuntimeException e) {
                failed.accept(e);
            }
        }
    }

    /** The point of no return: from here on the change stays, whatever happens. */
    void forget() {
        steps.clear();
        closed = true;
    }
}
