package hotfix.runtime.internal.ops;

import java.util.Optional;
import java.util.function.Consumer;

import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;

/** Listens to Configuration Admin where it is installed, and only there. */
public final class Configurations {

    private Configurations() {
    }

    /** @see RuntimeConfiguration#register */
    public static Optional<ServiceRegistration<?>> listen(BundleContext context, Settings bootstrap,
            Consumer<Settings> changed) {
        try {
            return RuntimeConfiguration.register(context, bootstrap, changed);
        } catch (NoClassDefFoundError e) {
            return Optional.empty();
        }
    }
}
