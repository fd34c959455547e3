package hotfix.benchmarks.server;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;

/**
 * What {@code hotfix:install --json} or {@code hotfix:rollback --json} answered, read as JSON
 * rather than scraped from the text a person reads.
 *
 * @param id          the attempt's id
 * @param outcome     APPLIED, ROLLED_BACK, REFUSED, ...
 * @param message     what happened, in words
 * @param pauseMicros the pause, in microseconds
 * @param stages      each stage's time, in microseconds, in the order they ran
 * @param reason      why it was refused (NONE otherwise; empty if the report has no reason)
 * @param held        how many calls were held, if the report says so; -1 if it does not
 */
public record Answer(long id, String outcome, String message, long pauseMicros, Map<String, Long> stages,
        String reason, long held) {

    // "held 12 calls", "12 calls held": how a report may say it in words
    // and the runtime's own: "3 call(s) into it held, for 812 us", "no call held"
    private static final Pattern HELD_IN_WORDS = Pattern.compile(
            "(?i)held (\\d+) calls?\\b|\\b(\\d+) call(?:s|\\(s\\))? (?:were |into it )?held|\\b(no) call held");

    /**
     * @param output what the shell printed for the command: the JSON object, maybe with the
     *               failure's prefix ({@code gogo: HotfixCommandException: }) when it was refused
     * @throws IllegalStateException if it holds no report
     */
    public static Answer parse(String output) {
        int start = output.indexOf("{\"id\":");
        int end = output.lastIndexOf('}');
        if (start < 0 || end < start) {
            throw new IllegalStateException("no JSON report in:\n" + output);
        }
        JsonObject report;
        try {
            report = JsonParser.parseString(output.substring(start, end + 1)).getAsJsonObject();
        } catch (JsonParseException | IllegalStateException e) {
            throw new IllegalStateException("not a JSON report: " + e.getMessage() + " in:\n" + output, e);
        }
        Map<String, Long> stages = new LinkedHashMap<>();
        for (Map.Entry<String, JsonElement> stage : report.getAsJsonObject("stagesMicros").entrySet()) {
            stages.put(stage.getKey(), stage.getValue().getAsLong());
        }
        String message = report.get("message").getAsString();
        return new Answer(report.get("id").getAsLong(), report.get("outcome").getAsString(), message,
                report.get("pauseMicros").getAsLong(), stages,
                report.has("reason") ? report.get("reason").getAsString() : "", held(report, message));
    }

    /**
     * The calls held, as far as the report tells: a number in a field whose name says held and is
     * not a time (callsHeld, heldCalls, or an object held with a number calls or count), else the
     * words of its message; -1 when it says nothing of it. The runtime's reports before issue 13
     * do not count held calls; since, its message says how many it held, or that it held none.
     */
    private static long held(JsonObject report, String message) {
        for (Map.Entry<String, JsonElement> field : report.entrySet()) {
            String name = field.getKey().toLowerCase(Locale.ROOT);
            if (!name.contains("held") || name.contains("micros") || name.contains("nanos") || name.contains("millis")) {
                continue;
            }
            JsonElement value = field.getValue();
            if (value.isJsonPrimitive() && value.getAsJsonPrimitive().isNumber()) {
                return value.getAsLong();
            }
            if (value.isJsonObject()) {
                for (String count : new String[] {"calls", "count"}) {
                    JsonElement inner = value.getAsJsonObject().get(count);
                    if (inner != null && inner.isJsonPrimitive() && inner.getAsJsonPrimitive().isNumber()) {
                        return inner.getAsLong();
                    }
                }
            }
        }
        Matcher words = HELD_IN_WORDS.matcher(message);
        if (words.find()) {
            if (words.group(3) != null) {
                return 0;
            }
            return Long.parseLong(words.group(1) != null ? words.group(1) : words.group(2));
        }
        return -1;
    }

    /** @return this answer, if it is one of the outcomes given */
    public Answer expect(String... outcomes) {
        for (String expected : outcomes) {
            if (expected.equals(outcome)) {
                return this;
            }
        }
        throw new IllegalStateException("expected " + String.join(" or ", outcomes) + ", got " + outcome + ": "
                + message);
    }

    /** @return a stage's time in microseconds; -1 if it did not run */
    public long stage(String name) {
        return stages.getOrDefault(name, -1L);
    }
}
