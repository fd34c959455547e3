package hotfix.runtime.internal.mediation;

/**
 * Thrown by {@link ProxyFactory#create} when it cannot make a proxy for the interfaces given.
 * The message names the interface (or the type of one of its methods) and the rule it breaks.
 */
public final class ProxyException extends Exception {

    private static final long serialVersionUID = 1L;

    /**
     * @param message which interface, and why no proxy can implement it
     */
    public ProxyException(String message) {
        super(message);
    }

    /**
     * @param message which interface, and why no proxy can implement it
     * @param cause   what the JVM or the class writer reported
     */
    public ProxyException(String message, Throwable cause) {
        super(message, cause);
    }
}
