package hotfix.benchmarks.server;

import java.util.LinkedHashMap;
import java.util.Map;

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
 */
public record Answer(long id, String outcome, String message, long pauseMicros, Map<String, Long> stages) {

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
        return new Answer(report.get("id").getAsLong(), report.get("outcome").getAsString(),
                report.get("message").getAsString(), report.get("pauseMicros").getAsLong(), stages);
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
