// The component implements one more interface: it names its service, so its metadata stays true; swapped.
package fixture.greetings;

import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

import org.osgi.service.component.annotations.Component;

/**
 * Greets people from the Gogo shell: {@code greetings:hello NAME}, and counts them:
 * {@code greetings:served}.
 */
@Component(service = Greetings.class, property = {"osgi.command.scope=greetings",
        "osgi.command.function=hello", "osgi.command.function=served"})
public final class Greetings implements Supplier<String> {

    private final AtomicLong served = new AtomicLong();

    public String hello(String name) {
        served.incrementAndGet();
        return Phrases.greet(name);
    }

    public long served() {
        return served.get();
    }

    @Override
    public String get() {
        return hello("world");
    }
}
