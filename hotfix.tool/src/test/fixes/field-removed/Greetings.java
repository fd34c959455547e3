// A field is removed, which HotSpot cannot redefine: swapped.
package fixture.greetings;

import java.util.function.UnaryOperator;

import org.osgi.service.component.annotations.Component;

/**
 * Greets people: the service is the JDK's {@code UnaryOperator}, a type every version of the
 * bundle sees, so that the runtime's proxy can move from one version's component to the next.
 */
@Component
public final class Greetings implements UnaryOperator<String> {

    @Override
    public String apply(String name) {
        return Phrases.greet(name);
    }

    /** @return how many greetings this instance made */
    public long served() {
        return -1;
    }
}
