package hotfix.runtime.internal;

import static org.junit.Assert.assertEquals;

import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.Test;
import org.osgi.framework.BundleContext;

/**
 * With {@code hotfix.enabled=false} the runtime starts and stops without touching the framework
 * beyond reading its properties and tracking the log: no hooks, no services, no data area.
 */
public class RuntimeActivatorTest {

    private final List<String> calls = new ArrayList<>();

    @Test
    public void disabledItRegistersNothing() {
        BundleContext context = context(Map.of(RuntimeActivator.ENABLED, "false"));
        RuntimeActivator activator = new RuntimeActivator();

        activator.start(context);
        activator.stop(context);

        // RuntimeLog's ServiceTracker for the LoggerFactory is all that may ask the framework anything
        assertEquals(Set.of("getProperty", "createFilter", "addServiceListener", "getServiceReferences",
                "removeServiceListener"), Set.copyOf(calls));
    }

    /** A context that answers properties from a map, records every call, and has nothing else. */
    private BundleContext context(Map<String, String> properties) {
        return (BundleContext) Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[] {BundleContext.class}, (proxy, method, arguments) -> {
                    calls.add(method.getName());
                    return method.getName().equals("getProperty") ? properties.get((String) arguments[0]) : null;
                });
    }
}
