// A component annotation changes, which the bundle's metadata would not follow.
package fixture.greetings;

import java.util.concurrent.atomic.AtomicLong;
import java.util.function.UnaryOperator;

import org.osgi.service.component.annotations.Component;

/**
 * Greets people: the service is the JDK's {@code UnaryOperator}, a type every version of the
 * bundle sees, so that the runtime's proxy can move from one version's component to the next.
 */
@Component(property = "service.ranking:Integer=5")
public final class Greetings implements UnaryOperator<String> {

    private final AtomicLong served = new AtomicLong();

    @Override
    public String apply(String name) {
        served.incrementAndGet();
        return Phrases.greet(name);
    }

    /** @return how many greetings this instance made */
    public long served() {
        return served.get();
    }
}
