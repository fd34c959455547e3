package hotfix.runtime.internal.mediation;

import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

import org.osgi.framework.Bundle;
import org.osgi.framework.Constants;

import hotfix.runtime.api.HotfixHeaders;

/**
 * Which bundles a hotfix may replace, and so whose services are mediated: every bundle but the
 * framework, the runtime and shell, and platform bundles, unless it opts out with
 * {@code Hotfix-Enabled: false}. Users change no code and add no header for the common case.
 * <p>
 * A platform bundle can be opted in on purpose, by name, for a real bug in it: see
 * {@link #HOTFIXABLE_PROPERTY}.
 */
public final class Hotfixable {

    /** Framework property listing more symbolic-name prefixes to treat as infrastructure. */
    public static final String INFRASTRUCTURE_PROPERTY = "hotfix.infrastructure";

    /**
     * Framework property listing symbolic names, or prefixes ending in {@code .}, of bundles that
     * are hotfixable although they are infrastructure by their prefix, e.g.
     * {@code org.apache.felix.eventadmin}. It never opts in the framework, the runtime and its
     * shell, a fragment or a bundle that opts out with {@code Hotfix-Enabled: false}.
     */
    public static final String HOTFIXABLE_PROPERTY = "hotfix.hotfixable";

    /** The runtime itself: a hotfix of the code that applies hotfixes is never on request. */
    static final List<String> SELF = List.of("hotfix.runtime", "hotfix.shell");

    /**
     * Symbolic-name prefixes of platform bundles: the framework's services, SCR, Gogo, the HTTP
     * service, logging, and test harnesses. Their services are not proxied unless opted in.
     */
    static final List<String> PLATFORM = List.of(
            "org.apache.felix.", "org.osgi.", "osgi.", "org.apache.aries.", "org.eclipse.",
            "org.ops4j.", "org.apache.servicemix.", "PAXEXAM-", "slf4j.", "org.slf4j", "ch.qos.",
            "org.objectweb.asm", "jakarta.", "javax.");

    private final List<String> infrastructure;
    private final List<String> optedIn;

    /**
     * @param extraPrefixes the value of {@value #INFRASTRUCTURE_PROPERTY}, or {@code null}
     * @param hotfixable    the value of {@value #HOTFIXABLE_PROPERTY}, or {@code null}
     */
    public Hotfixable(String extraPrefixes, String hotfixable) {
        this.infrastructure = Stream.concat(PLATFORM.stream(), list(extraPrefixes).stream()).toList();
        this.optedIn = list(hotfixable);
    }

    private static List<String> list(String value) {
        return value == null || value.isBlank() ? List.of() : List.of(value.trim().split("\\s*,\\s*"));
    }

    /** @return whether the bundle may be hotfixed and its services mediated */
    public boolean test(Bundle bundle) {
        return why(bundle) == null;
    }

    /** @return why the bundle may not be hotfixed, or {@code null} if it may */
    public String why(Bundle bundle) {
        if (bundle.getBundleId() == 0) {
            return "it is the framework";
        }
        String name = bundle.getSymbolicName();
        if (name == null) {
            return "it has no symbolic name";
        }
        String optOut = bundle.getHeaders("").get(HotfixHeaders.ENABLED);
        if (optOut != null && optOut.trim().toLowerCase(Locale.ROOT).equals("false")) {
            return "it opts out with " + HotfixHeaders.ENABLED + ": false";
        }
        if (bundle.getHeaders("").get(Constants.FRAGMENT_HOST) != null) {
            return "it is a fragment";
        }
        for (String prefix : SELF) {
            if (name.startsWith(prefix)) {
                return "it is the hotfix runtime (symbolic name starts with '" + prefix + "')";
            }
        }
        if (optedIn.stream().anyMatch(entry -> entry.endsWith(".") ? name.startsWith(entry) : name.equals(entry))) {
            return null;
        }
        for (String prefix : infrastructure) {
            if (name.startsWith(prefix)) {
                return "it is infrastructure (symbolic name starts with '" + prefix + "'; "
                        + HOTFIXABLE_PROPERTY + "=" + name + " makes it hotfixable)";
            }
        }
        return null;
    }
}
