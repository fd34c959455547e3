// Only comments change, and lines move: nothing HotSpot would see, nothing to hotfix.
//
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
        return punctuate(salute.apply(trim.apply(name)));
    }

    static String punctuate(String sentence) {
        return sentence + PUNCTUATION;
    }
}
