// A genuinely new lambda, a new method HotSpot cannot add: redefinition refused, swapped.
package fixture.greetings;

import java.util.function.Function;

/** How a greeting is worded: two lambdas, then the punctuation. */
final class Phrases {

    static final String PUNCTUATION = ".";

    private Phrases() {
    }

    static String greet(String name) {
        Function<String, String> trim = text -> text.strip();
        Function<String, String> salute = who -> "Hello, " + who;
        Function<String, String> shout = text -> text.toUpperCase();
        return punctuate(shout.apply(salute.apply(trim.apply(name))));
    }

    static String punctuate(String sentence) {
        return sentence + PUNCTUATION;
    }
}
