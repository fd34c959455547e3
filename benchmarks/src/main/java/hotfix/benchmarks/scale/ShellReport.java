package hotfix.benchmarks.scale;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What {@code hotfix:install} or {@code hotfix:rollback} printed, as numbers: the attempt's id,
 * the pause and each stage's time. The line of the outcome gives the pause in microseconds whatever its
 * size; stages of 10 ms and more are printed in whole milliseconds.
 *
 * @param id     the attempt's id
 * @param pause  the pause, in microseconds
 * @param stages each stage's time, in microseconds
 */
record ShellReport(long id, long pause, Map<String, Long> stages) {

    private static final Pattern DONE = Pattern.compile("(applied|rolled back)[^\\n]*, paused (\\d+) us$",
            Pattern.MULTILINE);
    private static final Pattern ID = Pattern.compile("^id:\\s+(\\d+)$", Pattern.MULTILINE);
    private static final Pattern STAGE = Pattern.compile("^  (\\w+)\\s+(\\d+) (us|ms)$", Pattern.MULTILINE);

    /** @throws IllegalStateException if the output is not that of an applied hotfix or rollback */
    static ShellReport parse(String output) {
        Matcher done = DONE.matcher(output);
        Matcher id = ID.matcher(output);
        if (!done.find() || !id.find()) {
            throw new IllegalStateException("not an applied hotfix or rollback:\n" + output);
        }
        Map<String, Long> stages = new LinkedHashMap<>();
        Matcher stage = STAGE.matcher(output);
        while (stage.find()) {
            long value = Long.parseLong(stage.group(2));
            stages.put(stage.group(1), stage.group(3).equals("ms") ? value * 1000 : value);
        }
        return new ShellReport(Long.parseLong(id.group(1)), Long.parseLong(done.group(2)), stages);
    }

    long stage(String name) {
        return stages.getOrDefault(name, -1L);
    }
}
