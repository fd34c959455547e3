package hotfix.runtime.internal.ops;

/**
 * The runtime as operators' tools see it over JMX, as {@value ManagementBean#NAME}: counts since
 * the runtime started, what is applied, what is wrong, and the two actions an operator takes.
 */
public interface HotfixManagerMXBean {

    /** @return hotfixes applied since the runtime started */
    long getInstalls();

    /** @return attempts refused since the runtime started */
    long getRefusals();

    /** @return hotfixes rolled back since the runtime started */
    long getRollbacks();

    /** @return the pause of the last hotfix or rollback, in microseconds; -1 if none yet */
    long getLastPauseMicros();

    /** @return one line per hotfix in place, oldest first: id, target, from -> to, mode */
    String[] getApplied();

    /** @return what {@code hotfix:status} lists as problems; empty when all is well */
    String[] getProblems();

    /**
     * Applies (or plans) the hotfix at a URI, as {@code hotfix:install} does.
     *
     * @return the report, as text
     * @throws IllegalStateException if it is refused; the message is the reason, then the report
     */
    String install(String uri, boolean dryRun);

    /**
     * Rolls an applied hotfix back, as {@code hotfix:rollback} does.
     *
     * @return the report, as text
     * @throws IllegalStateException if it is refused; the message is the reason, then the report
     */
    String rollback(long id);
}
