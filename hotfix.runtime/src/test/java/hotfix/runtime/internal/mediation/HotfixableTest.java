package hotfix.runtime.internal.mediation;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertTrue;

import java.lang.reflect.Proxy;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.Map;

import org.junit.Test;
import org.osgi.framework.Bundle;
import org.osgi.framework.Constants;

import hotfix.runtime.api.HotfixHeaders;

public class HotfixableTest {

    private final Hotfixable byDefault = new Hotfixable(null, null);

    @Test
    public void applicationBundlesAreHotfixableWithNoHeader() {
        assertTrue(byDefault.test(bundle("example.webapp.economy")));
        assertTrue(byDefault.test(bundle("com.acme.billing")));
    }

    @Test
    public void platformBundlesTheRuntimeAndTheFrameworkAreNot() {
        assertFalse(byDefault.test(bundle("org.apache.felix.eventadmin")));
        assertFalse(byDefault.test(bundle("org.apache.felix.scr")));
        assertFalse(byDefault.test(bundle("hotfix.runtime")));
        assertFalse(byDefault.test(bundle("hotfix.shell")));
        assertEquals("it is the framework", byDefault.why(bundle(0, "org.apache.felix.framework", Map.of())));
    }

    @Test
    public void aPlatformBundleNamedInHotfixHotfixableIsHotfixable() {
        Hotfixable hotfixable = new Hotfixable(null, "org.apache.felix.eventadmin");

        assertNull(hotfixable.why(bundle("org.apache.felix.eventadmin")));
        // a name is a name, not a prefix
        assertFalse(hotfixable.test(bundle("org.apache.felix.eventadmin.extra")));
        assertFalse(hotfixable.test(bundle("org.apache.felix.scr")));
    }

    @Test
    public void aPrefixEndingInADotOptsInEveryBundleUnderIt() {
        Hotfixable hotfixable = new Hotfixable(null, " org.apache.aries. , org.apache.felix.eventadmin ");

        assertTrue(hotfixable.test(bundle("org.apache.aries.spifly.dynamic.bundle")));
        assertTrue(hotfixable.test(bundle("org.apache.felix.eventadmin")));
        assertFalse(hotfixable.test(bundle("org.apache.felix.log")));
    }

    @Test
    public void theOptInWinsOverHotfixInfrastructureToo() {
        Hotfixable hotfixable = new Hotfixable("com.acme.", "com.acme.billing");

        assertTrue(hotfixable.test(bundle("com.acme.billing")));
        assertFalse(hotfixable.test(bundle("com.acme.ledger")));
    }

    @Test
    public void theRefusalSaysHowToOptIn() {
        String why = byDefault.why(bundle("org.apache.felix.eventadmin"));

        assertTrue(why, why.contains("'org.apache.felix.'"));
        assertTrue(why, why.contains("hotfix.hotfixable=org.apache.felix.eventadmin"));
    }

    @Test
    public void theOptInNeverReachesTheRuntimeFragmentsOrBundlesThatOptOut() {
        Hotfixable hotfixable = new Hotfixable(null, "hotfix.,org.apache.felix.,com.acme.");

        assertFalse(hotfixable.test(bundle("hotfix.runtime")));
        assertFalse(hotfixable.test(bundle("hotfix.shell")));
        assertEquals("it is the framework", hotfixable.why(bundle(0, "org.apache.felix.framework", Map.of())));
        assertEquals("it is a fragment", hotfixable.why(
                bundle(7, "org.apache.felix.fragment", Map.of(Constants.FRAGMENT_HOST, "org.apache.felix.scr"))));
        assertEquals("it opts out with Hotfix-Enabled: false", hotfixable.why(
                bundle(8, "com.acme.quiet", Map.of(HotfixHeaders.ENABLED, "false"))));
    }

    private static Bundle bundle(String symbolicName) {
        return bundle(42, symbolicName, Map.of());
    }

    /** A bundle that answers its id, its name and its headers, and nothing else. */
    private static Bundle bundle(long id, String symbolicName, Map<String, String> headers) {
        Dictionary<String, String> dictionary = new Hashtable<>(headers);
        return (Bundle) Proxy.newProxyInstance(HotfixableTest.class.getClassLoader(), new Class<?>[] {Bundle.class},
                (proxy, method, arguments) -> switch (method.getName()) {
                    case "getBundleId" -> id;
                    case "getSymbolicName" -> symbolicName;
                    case "getHeaders" -> dictionary;
                    case "toString" -> symbolicName + " [" + id + "]";
                    default -> throw new UnsupportedOperationException(method.getName());
                });
    }
}
