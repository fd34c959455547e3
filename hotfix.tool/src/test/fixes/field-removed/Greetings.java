// A field is removed, which HotSpot cannot redefine: swapped.
package fixture.greetings;

import org.osgi.service.component.annotations.Component;

/**
 * Greets people from the Gogo shell: {@code greetings:hello NAME}, and counts them:
 * {@code greetings:served}.
 */
@Component(service = Greetings.class, property = {"osgi.command.scope=greetings",
        "osgi.command.function=hello", "osgi.command.function=served"})
public final class Greetings {

    public String hello(String name) {
        return Phrases.greet(name);
    }

    public long served() {
        return -1;
    }
}
