package hotfix.runtime.internal.ops;

import java.util.Dictionary;
import java.util.Hashtable;
import java.util.Optional;
import java.util.function.Consumer;

import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.cm.ManagedService;

/**
 * Takes the configuration of PID {@value Settings#PID} from Configuration Admin, where it is
 * installed, and hands each change to the runtime while it runs.
 */
final class RuntimeConfiguration implements ManagedService {

    private final Settings bootstrap;
    private final Consumer<Settings> changed;

    private RuntimeConfiguration(Settings bootstrap, Consumer<Settings> changed) {
        this.bootstrap = bootstrap;
        this.changed = changed;
    }

    @Override
    public void updated(Dictionary<String, ?> properties) {
        changed.accept(bootstrap.with(properties));
    }

    /**
     * @param changed told of the settings at once if Configuration Admin has a configuration, and
     *                at every change; with the framework properties alone when it is deleted
     * @return the registration; empty when Configuration Admin's API is not installed
     */
    static Optional<ServiceRegistration<?>> register(BundleContext context, Settings bootstrap,
            Consumer<Settings> changed) {
        try {
            Dictionary<String, Object> properties = new Hashtable<>();
            properties.put(Constants.SERVICE_PID, Settings.PID);
            return Optional.of(context.registerService(ManagedService.class,
                    new RuntimeConfiguration(bootstrap, changed), properties));
        } catch (NoClassDefFoundError e) {
            return Optional.empty();
        }
    }
}
