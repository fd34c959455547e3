package hotfix.agent.api;

import java.io.IOException;
import java.io.InputStream;
import java.lang.instrument.ClassDefinition;
import java.lang.instrument.Instrumentation;
import java.lang.instrument.UnmodifiableClassException;
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
        recordDependencies(instrumentation);
        HotfixAgent.instrumentation = instrumentation;
    }

    /**
     * An agent started once the JVM runs ({@code Launcher-Agent-Class}, an attach) gets
     * redefinition after the JIT began compiling without recording which compiled code depends
     * on which method. HotSpot's first redefinition then throws away all compiled code, once:
     * in a hotfix, a server under load would lose its JIT optimisation. Redefining a class of
     * the agent's own with its own bytes spends that once here, before {@code main}, while next
     * to nothing is compiled; from then on a redefinition deoptimizes only the code that depends
     * on what it changes. With {@code -javaagent} the JIT records dependencies from the start.
     */
    private static void recordDependencies(Instrumentation instrumentation) {
        if (!instrumentation.isRedefineClassesSupported()) {
            return;
        }
        try (InputStream in = Unchanged.class.getResourceAsStream("HotfixAgent$Unchanged.class")) {
            if (in != null) {
                instrumentation.redefineClasses(new ClassDefinition(Unchanged.class, in.readAllBytes()));
            }
        } catch (IOException | ClassNotFoundException | UnmodifiableClassException | RuntimeException
                | LinkageError e) {
            // redefinition still works: only the first hotfix's costs the JIT more
        }
    }

    /** The class redefined, unchanged, by {@link #recordDependencies}. */
    private static final class Unchanged {
    }

    /** @return the JVM's instrumentation, if the agent was started */
    public static Optional<Instrumentation> instrumentation() {
        return Optional.ofNullable(instrumentation);
    }
}
