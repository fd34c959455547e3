package hotfix.runtime.internal.mediation;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNotSame;
import static org.junit.Assert.assertTrue;

import java.net.URL;
import java.net.URLClassLoader;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;

import org.junit.Test;

/** Whether a new service object can stand behind an existing proxy. */
public class MediatedTest {

    /** An API interface. */
    public interface Greeter {
        String greet();
    }

    /** An implementation of it, which a second class loader can load again with its own Greeter. */
    public static final class Greeting implements Greeter, Runnable {
        @Override
        public String greet() {
            return "hello";
        }

        @Override
        public void run() {
            // nothing to do
        }
    }

    @Test
    public void aServiceThatImplementsEveryInterfaceOfTheProxyFits() {
        assertEquals(Optional.empty(), Mediated.misfit(List.of(Greeter.class, Runnable.class), new Greeting()));
    }

    @Test
    public void aServiceThatLacksAnInterfaceOfTheProxyDoesNotFit() {
        String why = Mediated.misfit(List.of(Greeter.class, Callable.class), new Greeting()).orElseThrow();

        assertTrue(why, why.startsWith("its class " + Greeting.class.getName() + " (of class loader "));
        assertTrue(why, why.contains("does not implement java.util.concurrent.Callable of the JDK, which the proxy "
                + "exposes to consumers: implement it again"));
    }

    @Test
    public void aServiceThatImplementsItsOwnCopyOfTheInterfaceDoesNotFit() throws Exception {
        URL classes = Greeting.class.getProtectionDomain().getCodeSource().getLocation();
        try (URLClassLoader copy = new URLClassLoader("own-copy", new URL[] {classes},
                ClassLoader.getPlatformClassLoader())) {
            Object service = copy.loadClass(Greeting.class.getName()).getConstructor().newInstance();
            assertNotSame(Greeter.class, copy.loadClass(Greeter.class.getName()));

            String why = Mediated.misfit(List.of(Greeter.class), service).orElseThrow();

            assertTrue(why, why.contains(" implements " + Greeter.class.getName() + " of class loader " + copy
                    + ", another class than the " + Greeter.class.getName() + " of class loader "
                    + Greeter.class.getClassLoader() + " that the proxy exposes to consumers"));
            assertTrue(why, why.contains("has its own copy of hotfix.runtime.internal.mediation; import the package "
                    + "from the bundle that exports it"));
        }
    }
}
