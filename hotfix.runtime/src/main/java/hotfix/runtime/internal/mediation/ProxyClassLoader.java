package hotfix.runtime.internal.mediation;

import java.lang.reflect.Constructor;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * Defines the proxy classes of one ordered list of interface class loaders, and keeps them by
 * interface list, and one service factory class. Its parent is the bootstrap loader; it resolves
 * the runtime's own classes and the framework's API through the runtime's loader, and the rest
 * through the interfaces' loaders in order.
 * <p>
 * Every type a proxy names (its interfaces, their super-interfaces, the types in the
 * descriptors it calls) is pinned to the exact class the interface itself sees, so that two
 * bundles holding different classes of one name cannot make a proxy implement or call the wrong
 * one; delegation in order is only the fallback for names no proxy uses.
 */
final class ProxyClassLoader extends ClassLoader {

    static {
        registerAsParallelCapable();
    }

    private static final String RUNTIME_PACKAGES = "hotfix.runtime.internal.";
    /** The framework's API, as the runtime sees it: there is one, the system bundle's. */
    private static final String FRAMEWORK_PACKAGE = "org.osgi.framework.";

    /** Makes the proxy class for one interface list in a given loader. */
    @FunctionalInterface
    interface Generator {
        Constructor<?> generate(ProxyClassLoader loader) throws ProxyException;
    }

    private final ClassLoader runtime;
    private final List<ClassLoader> delegates;
    private final ConcurrentMap<String, Class<?>> pinned = new ConcurrentHashMap<>();
    private final ConcurrentMap<List<Class<?>>, Constructor<?>> proxies = new ConcurrentHashMap<>();
    private final Object generating = new Object();
    private Constructor<?> factory; // guarded by generating

    ProxyClassLoader(ClassLoader runtime, List<ClassLoader> delegates) {
        super("hotfix-proxies", null);
        this.runtime = runtime;
        this.delegates = List.copyOf(delegates);
    }

    /** @return the constructor of this loader's service factory class, generated on first use */
    Constructor<?> factory(Generator generator) throws ProxyException {
        synchronized (generating) {
            if (factory == null) {
                factory = generator.generate(this);
            }
            return factory;
        }
    }

    /** @return the constructor of the proxy class for the interfaces, generated on first use */
    Constructor<?> proxy(List<Class<?>> interfaces, Generator generator) throws ProxyException {
        Constructor<?> constructor = proxies.get(interfaces);
        if (constructor != null) {
            return constructor;
        }
        // Generation is rare and defines classes: one at a time per loader keeps it simple.
        synchronized (generating) {
            constructor = proxies.get(interfaces);
            if (constructor == null) {
                constructor = generator.generate(this);
                proxies.put(interfaces, constructor);
            }
            return constructor;
        }
    }

    /**
     * Pins a name to a class.
     *
     * @return {@code null}, or the other class this loader already resolves the name to
     */
    Class<?> pin(Class<?> type) {
        Class<?> earlier = pinned.putIfAbsent(type.getName(), type);
        if (earlier == null) {
            earlier = findLoadedClass(type.getName());
        }
        return earlier == null || earlier == type ? null : earlier;
    }

    Class<?> define(String name, byte[] bytes) {
        return defineClass(name, bytes, 0, bytes.length);
    }

    List<ClassLoader> delegates() {
        return delegates;
    }

    @Override
    protected Class<?> findClass(String name) throws ClassNotFoundException {
        Class<?> type = pinned.get(name);
        if (type != null) {
            return type;
        }
        if (name.startsWith(RUNTIME_PACKAGES) || name.startsWith(FRAMEWORK_PACKAGE)) {
            return runtime.loadClass(name);
        }
        for (ClassLoader delegate : delegates) {
            try {
                return delegate.loadClass(name);
            } catch (ClassNotFoundException e) {
                // try the next interface's loader
            }
        }
        throw new ClassNotFoundException(name + " is visible to none of the proxied interfaces' class loaders");
    }
}
