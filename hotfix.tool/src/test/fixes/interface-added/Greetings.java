// The component implements one more interface, which its descriptor, made by bnd from what it implements, does not provide.
package fixture.greetings;

import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;

import org.osgi.service.component.annotations.Component;

/**
 * Greets people: the service is the JDK's {@code UnaryOperator}, a type every version of the
 * bundle sees, so that the runtime's proxy can move from one version's component to the next.
 */
@Component
public final class Greetings implements UnaryOperator<String>, Supplier<String> {

    private final AtomicLong served = new AtomicLong();

    @Override
    public String apply(String name) {
        served.incrementAndGet();
        return Phrases.greet(name);
    }

    @Override
    public String get() {
        return apply("world");
    }

    /** @return how many greetings this instance made */
    public long served() {
        return served.get();
    }
}
