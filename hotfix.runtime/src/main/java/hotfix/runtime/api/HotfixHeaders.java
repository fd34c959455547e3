package hotfix.runtime.api;

/**
 * The manifest headers a user writes, each named once here. A hotfix is an ordinary bundle jar:
 * its {@code Bundle-SymbolicName} names the installed bundle it fixes and its
 * {@code Bundle-Version} must be higher; these headers are all optional.
 */
public final class HotfixHeaders {

    /**
     * On a hotfix: the version range of the installed target it applies to, e.g.
     * {@code [1.0,1.1)}, or a plain version for exactly that one. A target outside it is
     * refused with {@link Reason#TARGET_VERSION_MISMATCH}.
     */
    public static final String TARGET_VERSION = "Hotfix-Target-Version";

    /**
     * On a hotfix: how it changes its target, {@code swap} (the default: the new bundle replaces
     * the old and its services are swapped behind their proxies) or {@code redefine} (nothing is
     * swapped: the classes in the jar are redefined in place in the running target; the jar may
     * hold just the changed classes). See {@link Mode}.
     */
    public static final String MODE = "Hotfix-Mode";

    /**
     * On a {@code redefine} hotfix: take only these methods' new bodies, as
     * {@code Class#method, ...} where {@code Class} is a binary class name and {@code method} a
     * method name with an optional descriptor ({@code Pricing#price(II)J} to pick one overload). Every other method of
     * those classes keeps its running body.
     */
    public static final String METHODS = "Hotfix-Methods";

    /** On a hotfix: free text shown in lists, the history and the journal. */
    public static final String DESCRIPTION = "Hotfix-Description";

    /**
     * On an application bundle: {@code false} keeps the runtime away from it. Its services are
     * not mediated and it cannot be hotfixed. Every other bundle that is not part of the
     * platform is hotfixable without this header.
     */
    public static final String ENABLED = "Hotfix-Enabled";

    private HotfixHeaders() {
    }
}
