package hotfix.runtime.internal.ops;

import java.time.Duration;
import java.util.Dictionary;
import java.util.Enumeration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;

import hotfix.runtime.api.HotfixOptions;
import hotfix.runtime.internal.inspect.TrustStore;
import hotfix.runtime.internal.journal.Journal;

/**
 * The runtime's settings: the configuration of PID {@value #PID} where Configuration Admin has
 * one, the framework property of the same name otherwise (the bootstrap default), the built-in
 * default last. Every key is both a property name and a configuration key.
 */
public final class Settings {

    /** The configuration PID, with a Metatype description in {@code OSGI-INF/metatype}. */
    public static final String PID = "hotfix.runtime";

    /** The watched deploy directory, relative to the working directory; empty: none. */
    public static final String DEPLOY_DIR = "hotfix.deploy.dir";
    /** How often the deploy directory is read, in milliseconds. */
    public static final String DEPLOY_POLL = "hotfix.deploy.poll";
    /** How long a jar may stay the same but incomplete before it is refused as truncated, in milliseconds. */
    public static final String DEPLOY_INCOMPLETE = "hotfix.deploy.incomplete";
    /** How long the calls in flight may take to drain, for hotfixes from the deploy directory and JMX, in ms. */
    public static final String DRAIN_TIMEOUT = "hotfix.drain.timeout";
    /** A PKCS12 key store of the certificates that may sign hotfixes; unset: any jar is accepted. */
    public static final String TRUSTSTORE = TrustStore.PATH_PROPERTY;
    /** The trust store's password, if it has one. */
    public static final String TRUSTSTORE_PASSWORD = TrustStore.PASSWORD_PROPERTY;
    /** How many finished attempts (not in place) the history keeps; applied hotfixes are always kept. */
    public static final String HISTORY_RETENTION = "hotfix.history.retention";

    /** Every key, in the order the Metatype description lists them. */
    public static final List<String> KEYS = List.of(DEPLOY_DIR, DEPLOY_POLL, DEPLOY_INCOMPLETE, DRAIN_TIMEOUT,
            TRUSTSTORE, TRUSTSTORE_PASSWORD, HISTORY_RETENTION);

    /** @return how long a stable file may stay incomplete in the deploy directory */
    public Duration deployIncomplete(Duration fallback) {
        return Duration.ofMillis(Math.max(0, number(DEPLOY_INCOMPLETE, fallback.toMillis())));
    }

    private final Map<String, String> configured;
    private final UnaryOperator<String> framework;

    private Settings(Map<String, String> configured, UnaryOperator<String> framework) {
        this.configured = Map.copyOf(configured);
        this.framework = framework;
    }

    /** @return the settings of the framework properties alone: before Configuration Admin says anything */
    public static Settings of(UnaryOperator<String> framework) {
        return new Settings(Map.of(), framework);
    }

    /** @return these settings with a configuration's values in front; null: none */
    public Settings with(Dictionary<String, ?> configuration) {
        Map<String, String> values = new HashMap<>();
        if (configuration != null) {
            for (Enumeration<String> keys = configuration.keys(); keys.hasMoreElements();) {
                String key = keys.nextElement();
                Object value = configuration.get(key);
                if (KEYS.contains(key) && value != null) {
                    values.put(key, value.toString());
                }
            }
        }
        return new Settings(values, framework);
    }

    /** @return a key's value: configured, else the framework property; null if neither */
    public String get(String key) {
        String value = configured.get(key);
        return value != null ? value : framework.apply(key);
    }

    /** @return the lookup the deploy directory and the trust store read their keys with */
    public UnaryOperator<String> lookup() {
        return this::get;
    }

    /** @return the options of a hotfix from the deploy directory or JMX */
    public HotfixOptions hotfixOptions() {
        long millis = number(DRAIN_TIMEOUT, HotfixOptions.defaults().drainTimeout().toMillis());
        return HotfixOptions.defaults().withDrainTimeout(Duration.ofMillis(Math.max(1, millis)));
    }

    /** @return how many finished attempts the journal keeps */
    public int historyRetention() {
        return (int) Math.min(Integer.MAX_VALUE, Math.max(1, number(HISTORY_RETENTION, Journal.DEFAULT_RETENTION)));
    }

    /** @return whether the deploy directory must be watched anew for these settings */
    public boolean deployDiffers(Settings other) {
        return !java.util.Objects.equals(get(DEPLOY_DIR), other.get(DEPLOY_DIR))
                || !java.util.Objects.equals(get(DEPLOY_POLL), other.get(DEPLOY_POLL))
                || !java.util.Objects.equals(get(DEPLOY_INCOMPLETE), other.get(DEPLOY_INCOMPLETE));
    }

    private long number(String key, long fallback) {
        String value = get(key);
        if (value == null || value.isBlank()) {
            return fallback;
        }
        try {
            return Long.parseLong(value.trim());
        } catch (NumberFormatException e) {
            return fallback;
        }
    }
}
