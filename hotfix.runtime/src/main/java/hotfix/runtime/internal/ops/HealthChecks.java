package hotfix.runtime.internal.ops;

import java.util.Optional;

import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;

import hotfix.runtime.api.HotfixManager;

/** Registers the health check where the Felix Health Check API is installed, and only there. */
public final class HealthChecks {

    private HealthChecks() {
    }

    /** @return the registration; empty when the Health Check API is not installed (an optional import) */
    public static Optional<ServiceRegistration<?>> register(BundleContext context, HotfixManager manager) {
        try {
            return Optional.of(RuntimeHealthCheck.register(context, manager));
        } catch (NoClassDefFoundError e) {
            return Optional.empty();
        }
    }
}
