package hotfix.tool;

/**
 * What stops the tool before there is a hotfix to plan: a missing or unreadable base, a source
 * that does not compile or does not belong to the base, a bad argument. The message says what and
 * what to do; the command exits with 2.
 */
public final class ToolException extends Exception {

    private static final long serialVersionUID = 1L;

    public ToolException(String message) {
        super(message, null, false, false);
    }
}
