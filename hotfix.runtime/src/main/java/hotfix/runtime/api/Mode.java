package hotfix.runtime.api;

import java.util.Locale;

/** How a hotfix changes its target: the {@code Hotfix-Mode} header. */
public enum Mode {
    /** The new version replaces the old bundle and its services are swapped. The default. */
    SWAP,
    /** Nothing is swapped: the classes in the jar are redefined in place in the target. */
    REDEFINE;

    /** @return the header value, in lower case */
    public String header() {
        return name().toLowerCase(Locale.ROOT);
    }
}
