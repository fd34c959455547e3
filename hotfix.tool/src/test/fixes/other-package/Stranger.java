// A class in a package the bundle does not contain: not a fix of it.
package fixture.elsewhere;

public final class Stranger {

    private Stranger() {
    }
}
