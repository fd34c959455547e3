package hotfix.runtime.api;

/** Why a hotfix was refused: the machine-readable half of every refusal. */
public enum Reason {
    /** Nothing went wrong. */
    NONE,
    /** The source could not be read, or is not a jar. */
    UNREADABLE,
    /**
     * The jar breaks a rule that keeps hostile jars out: it unpacks to more than the limits, has
     * an entry whose path leads out of the jar, an entry twice, entries its index hides, or an
     * oversized manifest. The message names the entry and the rule.
     */
    UNSAFE_JAR,
    /**
     * A {@code .class} entry is not a class file, cannot be parsed, is compiled for a newer Java
     * than the server runs, or declares another class than its path names.
     */
    INVALID_CLASS,
    /**
     * A trust store is configured ({@code hotfix.truststore}) and the jar is not signed: only
     * signed hotfixes are accepted.
     */
    UNSIGNED,
    /**
     * The jar's signature does not hold: an entry was changed, added or removed after signing, or
     * its entries are not all signed by the same signer. Refused whether a trust store is
     * configured or not.
     */
    SIGNATURE_INVALID,
    /**
     * The jar is signed, but by a certificate the trust store does not trust, or one that has
     * expired or is not valid yet; or the trust store cannot be read. The message names the
     * signer.
     */
    UNTRUSTED,
    /** The jar has no manifest, or its manifest lacks a symbolic name or a valid version. */
    NOT_A_BUNDLE,
    /** No installed bundle has the hotfix's symbolic name. */
    NO_TARGET,
    /** The target is infrastructure, the runtime itself, or opted out of hotfixes. */
    NOT_HOTFIXABLE,
    /**
     * The hotfix's version is not higher than the one the target runs: its bundle's, or that of
     * the last redefine-mode hotfix applied to it.
     */
    VERSION_NOT_HIGHER,
    /**
     * The installed version is outside {@code Hotfix-Target-Version}; or a swap was made for
     * another version than the one that runs: it holds a class as it was before a redefine-mode
     * hotfix still applied to the target redefined it, which it would undo.
     */
    TARGET_VERSION_MISMATCH,
    /** A header of the hotfix has a value the runtime does not understand. */
    INVALID_HEADER,
    /** A class changes in a way the JVM cannot redefine in place; the message names the member. */
    STRUCTURAL_CHANGE,
    /** A class of the hotfix is not in the target, nor a new class in one of its packages. */
    NOT_IN_TARGET,
    /** Every class of the hotfix is identical to the target's: there is nothing to redefine. */
    NO_CHANGE,
    /** This JVM cannot redefine classes: it was started without the hotfix agent. */
    REDEFINITION_UNAVAILABLE,
    /** Classes of a package the target exports change: swapping cannot reach the importers. */
    EXPORTED_PACKAGE_CHANGED,
    /** Old and new services cannot be matched one to one. */
    AMBIGUOUS_SERVICES,
    /**
     * A service of the new version cannot take the old one's place behind its proxy: it does not
     * implement every interface the proxy exposes to consumers, or it implements another class of
     * the same name, because the new version loads its own copy of an API package instead of
     * importing it. Every call through the proxy would fail with a {@code ClassCastException}, so
     * the hotfix is refused before anything changes. The message names the component, the
     * interface, and the bundle (or class loader) each class comes from; implement the
     * interface again, or import its package from the bundle that exports it.
     */
    INCOMPATIBLE_SERVICE,
    /** The new version does not resolve; the message names the missing requirements. */
    UNRESOLVED,
    /** The new version's activator or one of its components failed to start. */
    START_FAILED,
    /** In-flight calls did not finish before the drain deadline. */
    DRAIN_TIMEOUT,
    /** The new version refused the old version's state. */
    STATE_TRANSFER_FAILED,
    /** Another hotfix is being applied. */
    BUSY,
    /** No applied hotfix has the id given to roll back, or it is not the latest of its target. */
    UNKNOWN_HOTFIX,
    /** Any other failure; the message says what. */
    FAILED
}
