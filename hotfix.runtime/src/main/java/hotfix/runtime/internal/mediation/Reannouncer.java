package hotfix.runtime.internal.mediation;

import java.lang.reflect.Method;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import org.osgi.framework.Constants;
import org.osgi.framework.ServiceReference;
import org.osgi.framework.ServiceRegistration;

/**
 * Tells listeners of a service they were never told of, by firing a MODIFIED event for it with
 * its properties unchanged: a {@code ServiceTracker} (and so DS, the HTTP Whiteboard and Gogo,
 * which track services with one) takes a MODIFIED event for a service it does not track as the
 * service's arrival.
 * <p>
 * Only the bundle that registered a service holds its {@link ServiceRegistration}, and the OSGi
 * API gives nobody else a way to fire one of its events. Felix and Equinox both keep the
 * registration behind the reference, as a method {@code getRegistration()}; this class calls it.
 * On a framework without it, {@link #available(ServiceReference)} is false and the runtime hides
 * nothing it would have to announce again.
 */
final class Reannouncer {

    private static final Set<String> FRAMEWORK_PROPERTIES = Set.of(Constants.SERVICE_ID, Constants.SERVICE_BUNDLEID,
            Constants.SERVICE_SCOPE, Constants.OBJECTCLASS);

    /** Per class of reference: its framework's {@code getRegistration()}, or none. */
    private final Map<Class<?>, Method> methods = new ConcurrentHashMap<>();
    private static final Method NONE;

    static {
        try {
            NONE = Object.class.getMethod("hashCode");
        } catch (NoSuchMethodException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** @return whether services registered like this one can be announced again */
    boolean available(ServiceReference<?> sample) {
        return method(sample.getClass()) != NONE;
    }

    /**
     * Fires a MODIFIED event for the service, with its properties as they are.
     *
     * @return whether the event was fired: false if the framework gives no way to, or the
     *         service is unregistered
     */
    boolean reannounce(ServiceReference<?> reference) {
        Method method = method(reference.getClass());
        if (method == NONE) {
            return false;
        }
        try {
            ServiceRegistration<?> registration = (ServiceRegistration<?>) method.invoke(reference);
            registration.setProperties(properties(reference));
            return true;
        } catch (ReflectiveOperationException | IllegalStateException | ClassCastException e) {
            return false;
        }
    }

    private Method method(Class<?> type) {
        return methods.computeIfAbsent(type, Reannouncer::find);
    }

    private static Method find(Class<?> type) {
        for (Class<?> at = type; at != null; at = at.getSuperclass()) {
            try {
                Method method = at.getDeclaredMethod("getRegistration");
                if (ServiceRegistration.class.isAssignableFrom(method.getReturnType())) {
                    method.setAccessible(true);
                    return method;
                }
            } catch (NoSuchMethodException e) {
                // look further up
            } catch (RuntimeException e) {
                return NONE; // the framework's module does not open it
            }
        }
        return NONE;
    }

    /** @return the service's own properties, without those the framework sets */
    static Dictionary<String, Object> properties(ServiceReference<?> reference) {
        Dictionary<String, Object> properties = new Hashtable<>();
        for (String key : reference.getPropertyKeys()) {
            if (!FRAMEWORK_PROPERTIES.contains(key)) {
                properties.put(key, reference.getProperty(key));
            }
        }
        return properties;
    }
}
