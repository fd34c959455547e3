// A component annotation changes, which the bundle's metadata would not follow.
package fixture.greetings;

import java.util.concurrent.atomic.AtomicLong;

import org.osgi.service.component.annotations.Component;

/**
 * Greets people from the Gogo shell: {@code greetings:hello NAME}, and counts them:
 * {@code greetings:served}.
 */
@Component(service = Greetings.class, property = {"osgi.command.scope=greetings",
        "osgi.command.function=hello", "osgi.command.function=served", "service.ranking:Integer=5"})
public final class Greetings {

    private final AtomicLong served = new AtomicLong();

    public String hello(String name) {
        served.incrementAndGet();
        return Phrases.greet(name);
    }

    public long served() {
        return served.get();
    }
}
