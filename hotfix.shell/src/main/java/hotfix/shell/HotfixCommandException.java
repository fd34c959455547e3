package hotfix.shell;

import hotfix.runtime.api.HotfixReport;
import hotfix.runtime.api.Reason;

/**
 * A hotfix command that did not do what it was asked: the Gogo session sees it fail, so a script
 * stops there, and its message is the whole answer a person would have read (the report, or
 * what to type instead).
 */
public final class HotfixCommandException extends Exception {

    private static final long serialVersionUID = 1L;

    private final transient HotfixReport report;
    private final Reason reason;

    HotfixCommandException(HotfixReport report, String message) {
        super(message, null, false, false);
        this.report = report;
        this.reason = report.reason();
    }

    /** A command line that was wrong before anything was asked of the runtime. */
    HotfixCommandException(String message) {
        super(message, null, false, false);
        this.report = null;
        this.reason = Reason.NONE;
    }

    /** @return the refused attempt's report; null when the command line itself was wrong */
    public HotfixReport report() {
        return report;
    }

    /** @return why the runtime refused, machine-readable; {@link Reason#NONE} for a wrong command line */
    public Reason reason() {
        return reason;
    }
}
