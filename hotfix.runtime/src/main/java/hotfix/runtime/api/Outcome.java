package hotfix.runtime.api;

/** How an attempt ended. */
public enum Outcome {
    /** The plan was made and nothing was changed: a dry run. */
    PLANNED,
    /** The hotfix is in place and serving. */
    APPLIED,
    /** The hotfix was refused before or during its application; nothing changed. */
    REFUSED,
    /** An applied hotfix was undone on request; the previous version serves again. */
    ROLLED_BACK,
    /**
     * The process stopped (a crash, a kill) while the attempt was under way. On the next start
     * the runtime put back what ran before it: the attempt changed nothing.
     */
    INTERRUPTED
}
