package hotfix.runtime.internal.redefine;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.reflect.InvocationTargetException;
import java.util.Set;

import org.objectweb.asm.ClassReader;
import org.objectweb.asm.ClassWriter;
import org.objectweb.asm.commons.ClassRemapper;
import org.objectweb.asm.commons.Remapper;

/**
 * The two versions of a fixture class of {@code fixtures.redefine}, as the build compiled them:
 * {@code v1} as the target bundle has it, {@code v2} as a hotfix ships it, renamed into v1's
 * package as a hotfix's class has its target's name.
 */
public final class Versions {

    private static final String V1 = "fixtures/redefine/v1/";
    private static final String V2 = "fixtures/redefine/v2/";

    private Versions() {
    }

    /** @return the binary name of a fixture class, dotted, in v1's package */
    public static String name(String simpleName) {
        return (V1 + simpleName).replace('/', '.');
    }

    public static byte[] v1(String simpleName) {
        return bytes(V1 + simpleName);
    }

    /** @return v2 of a fixture class, with every name of v2's package moved to v1's */
    public static byte[] v2(String simpleName) {
        ClassWriter writer = new ClassWriter(0);
        new ClassReader(bytes(V2 + simpleName)).accept(new ClassRemapper(writer, new Remapper() {
            @Override
            public String map(String internalName) {
                return internalName.startsWith(V2) ? V1 + internalName.substring(V2.length()) : internalName;
            }
        }), 0);
        return writer.toByteArray();
    }

    /** @return the plan for the whole class, or for the methods given */
    static ClassPlan plan(String simpleName, String... methods) {
        return ClassPlanner.plan(name(simpleName), v1(simpleName), v2(simpleName), Set.of(methods));
    }

    /**
     * Defines a class from the bytes in a throwaway class loader, under its own name although the
     * test class path has a class of that name too: the JVM links and verifies the bytes as it
     * would a redefined class's.
     */
    static Class<?> load(String simpleName, byte[] bytes) {
        return new ClassLoader(Versions.class.getClassLoader()) {
            Class<?> define() {
                return defineClass(name(simpleName), bytes, 0, bytes.length);
            }
        }.define();
    }

    /** @return the result of a static {@code int} method of the class with one {@code int} argument */
    static int call(Class<?> type, String method, int argument) {
        try {
            return (int) type.getMethod(method, int.class).invoke(null, argument);
        } catch (InvocationTargetException e) {
            throw new AssertionError(method + " threw", e.getCause());
        } catch (ReflectiveOperationException e) {
            throw new AssertionError(e);
        }
    }

    private static byte[] bytes(String internalName) {
        try (InputStream in = Versions.class.getClassLoader().getResourceAsStream(internalName + ".class")) {
            if (in == null) {
                throw new IllegalStateException(internalName + ".class is not on the test class path");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
