package hotfix.runtime.internal;

import java.lang.instrument.Instrumentation;
import java.util.Optional;

import hotfix.agent.api.HotfixAgent;

/**
 * Finds the JVM's {@link Instrumentation}: the hotfix agent's, when the JVM started it and the
 * system bundle exports its package (the runtime imports it optionally). No self-attach: on
 * JDK 21 and later it warns or needs a flag, and it forks a helper JVM unless allowed; a server
 * that wants redefinition starts the agent, which the exported jars do.
 */
final class Agent {

    private Agent() {
    }

    static Optional<Instrumentation> instrumentation() {
        try {
            return HotfixAgent.instrumentation();
        } catch (NoClassDefFoundError e) {
            return Optional.empty();
        }
    }
}
