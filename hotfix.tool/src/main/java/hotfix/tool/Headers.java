package hotfix.tool;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/** Reads the package lists of OSGi manifest headers ({@code Import-Package}, {@code Export-Package}). */
final class Headers {

    private Headers() {
    }

    /**
     * @return the package names of a header's clauses, without attributes and directives, in
     *         order; empty for a null header
     */
    static Set<String> packages(String header) {
        Set<String> packages = new LinkedHashSet<>();
        if (header == null) {
            return packages;
        }
        for (String clause : split(header, ',')) {
            for (String part : split(clause, ';')) {
                String name = part.trim();
                if (!name.isEmpty() && name.indexOf('=') < 0) {
                    packages.add(name);
                }
            }
        }
        return packages;
    }

    /** Splits at a separator outside double quotes: a version range's comma stays in its clause. */
    static List<String> split(String value, char separator) {
        List<String> parts = new ArrayList<>();
        StringBuilder part = new StringBuilder();
        boolean quoted = false;
        for (char c : value.toCharArray()) {
            if (c == '"') {
                quoted = !quoted;
            }
            if (c == separator && !quoted) {
                parts.add(part.toString());
                part.setLength(0);
            } else {
                part.append(c);
            }
        }
        parts.add(part.toString());
        return parts;
    }
}
