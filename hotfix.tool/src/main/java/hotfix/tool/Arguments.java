package hotfix.tool;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A command's arguments: {@code --name value} (or {@code --name=value}) options, anywhere, and
 * the positional arguments between them. An option given twice keeps every value.
 */
final class Arguments {

    private final Map<String, List<String>> options = new LinkedHashMap<>();
    private final List<String> positional = new ArrayList<>();
    private final boolean help;

    /**
     * @param known the options the command takes, without {@code --}
     * @throws ToolException for an unknown option, or one without its value
     */
    Arguments(List<String> args, Set<String> known) throws ToolException {
        boolean asked = false;
        for (int i = 0; i < args.size(); i++) {
            String arg = args.get(i);
            if (arg.equals("--help") || arg.equals("-h")) {
                asked = true;
            } else if (arg.equals("--")) {
                positional.addAll(args.subList(i + 1, args.size()));
                break;
            } else if (arg.startsWith("--")) {
                int equals = arg.indexOf('=');
                String name = arg.substring(2, equals < 0 ? arg.length() : equals);
                if (!known.contains(name)) {
                    throw new ToolException("unknown option --" + name + " (options: --" + String.join(", --", known)
                            + ")");
                }
                String value;
                if (equals >= 0) {
                    value = arg.substring(equals + 1);
                } else if (i + 1 < args.size()) {
                    value = args.get(++i);
                } else {
                    throw new ToolException("--" + name + " needs a value");
                }
                options.computeIfAbsent(name, k -> new ArrayList<>()).add(value);
            } else {
                positional.add(arg);
            }
        }
        this.help = asked;
    }

    /** @return whether --help was given */
    boolean help() {
        return help;
    }

    /** @return the last value of an option; null if it was not given */
    String option(String name) {
        List<String> values = options.get(name);
        return values == null ? null : values.get(values.size() - 1);
    }

    /** @return every value of an option, in order */
    List<String> options(String name) {
        return options.getOrDefault(name, List.of());
    }

    /** @return the value of an option it must have */
    String required(String name, String what) throws ToolException {
        String value = option(name);
        if (value == null || value.isBlank()) {
            throw new ToolException("--" + name + " is missing: " + what);
        }
        return value;
    }

    /** @return the positional arguments, in order */
    List<String> positional() {
        return positional;
    }
}
