package hotfix.runtime.internal.mediation;

import java.util.List;
import java.util.Locale;

import org.osgi.framework.Bundle;
import org.osgi.framework.Constants;

import hotfix.runtime.api.HotfixHeaders;

/**
 * Which bundles a hotfix may replace, and so whose services are mediated: every bundle but the
 * framework, the runtime and shell, and platform bundles, unless it opts out with
 * {@code Hotfix-Enabled: false}. Users change no code and add no header for the common case.
 */
public final class Hotfixable {

    /** Framework property listing more symbolic-name prefixes to treat as infrastructure. */
    public static final String INFRASTRUCTURE_PROPERTY = "hotfix.infrastructure";

    /**
     * Symbolic-name prefixes of platform bundles: the framework's services, SCR, Gogo, the HTTP
     * service, logging, and test harnesses. Their services are never proxied.
     */
    static final List<String> PLATFORM = List.of(
            "hotfix.runtime", "hotfix.shell",
            "org.apache.felix.", "org.osgi.", "osgi.", "org.apache.aries.", "org.eclipse.",
            "org.ops4j.", "org.apache.servicemix.", "PAXEXAM-", "slf4j.", "org.slf4j", "ch.qos.",
            "org.objectweb.asm", "jakarta.", "javax.");

    private final List<String> infrastructure;

    public Hotfixable(String extraPrefixes) {
        List<String> extra = extraPrefixes == null || extraPrefixes.isBlank()
                ? List.of()
                : List.of(extraPrefixes.trim().split("\\s*,\\s*"));
        this.infrastructure = java.util.stream.Stream.concat(PLATFORM.stream(), extra.stream()).toList();
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
        for (String prefix : infrastructure) {
            if (name.equals(prefix) || name.startsWith(prefix)) {
                return "it is infrastructure (symbolic name starts with '" + prefix + "')";
            }
        }
        return null;
    }
}
