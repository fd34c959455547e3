package hotfix.agent.api;

import java.lang.instrument.Instrumentation;
import java.util.Optional;

/**
 * The agent: keeps the {@link Instrumentation} the JVM gives it. It runs before {@code main}
 * (from {@code Launcher-Agent-Class} in an executable jar's manifest, or {@code -javaagent}),
 * so redefinition is available from the first bundle on, with no self-attach and no warning.
 */
public final class HotfixAgent {

    private static volatile Instrumentation instrumentation;

    private HotfixAgent() {
    }

    /** Called by the JVM for {@code -javaagent}. */
    public static void premain(String arguments, Instrumentation instrumentation) {
        HotfixAgent.instrumentation = instrumentation;
    }

    /** Called by the JVM for {@code Launcher-Agent-Class}, or a dynamic attach. */
    public static void agentmain(String arguments, Instrumentation instrumentation) {
        HotfixAgent.instrumentation = instrumentation;
    }

    /** @return the JVM's instrumentation, if the agent was started */
    public static Optional<Instrumentation> instrumentation() {
        return Optional.ofNullable(instrumentation);
    }
}
