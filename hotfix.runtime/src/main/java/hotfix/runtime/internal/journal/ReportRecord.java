package hotfix.runtime.internal.journal;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.function.BiConsumer;
import java.util.function.Function;

import hotfix.runtime.api.HotfixReport;
import hotfix.runtime.api.Mode;
import hotfix.runtime.api.Outcome;
import hotfix.runtime.api.Reason;

/**
 * How a {@link HotfixReport} is kept in a journal record: one line per field, in {@link #FIELDS},
 * both ways. A field the API gains is one more line here; a record written before a field
 * existed reads with that field's default.
 */
final class ReportRecord {

    /** One field: its key in the record, how to write it, how to read it back. */
    private record Field(String key, boolean required, Function<HotfixReport, String> write,
            BiConsumer<HotfixReport.Builder, String> read) {
    }

    private static final List<Field> FIELDS = List.of(
            required("id", r -> Long.toString(r.id()), (b, v) -> b.id(Long.parseLong(v))),
            required("source", HotfixReport::source, HotfixReport.Builder::source),
            optional("sha256", HotfixReport::sha256, HotfixReport.Builder::sha256),
            optional("signer", HotfixReport::signer, HotfixReport.Builder::signer),
            optional("target", HotfixReport::target, HotfixReport.Builder::target),
            optional("fromVersion", HotfixReport::fromVersion, HotfixReport.Builder::fromVersion),
            optional("toVersion", HotfixReport::toVersion, HotfixReport.Builder::toVersion),
            required("mode", r -> r.mode().name(), (b, v) -> b.mode(Mode.valueOf(v))),
            optional("description", HotfixReport::description, HotfixReport.Builder::description),
            required("outcome", r -> r.outcome().name(), (b, v) -> b.outcome(Outcome.valueOf(v))),
            required("reason", r -> r.reason().name(), (b, v) -> b.reason(Reason.valueOf(v))),
            optional("message", HotfixReport::message, HotfixReport.Builder::message),
            optional("pause", r -> Long.toString(r.pause().toNanos()),
                    (b, v) -> b.pause(Duration.ofNanos(Long.parseLong(v)))),
            required("time", r -> r.time().toString(), (b, v) -> b.time(Instant.parse(v))),
            optional("undoes", r -> Long.toString(r.undoes()), (b, v) -> b.undoes(Long.parseLong(v))),
            optional("pastPointOfNoReturn", r -> Boolean.toString(r.pastPointOfNoReturn()),
                    (b, v) -> b.pastPointOfNoReturn(Boolean.parseBoolean(v))));

    private ReportRecord() {
    }

    static Properties write(HotfixReport report) {
        Properties p = new Properties();
        for (Field field : FIELDS) {
            p.setProperty(field.key(), field.write().apply(report));
        }
        putList(p, "services", report.services());
        putList(p, "classes", report.classes());
        putList(p, "notes", report.notes());
        p.setProperty("stages", String.join(",", report.stages().keySet()));
        report.stages().forEach((stage, took) -> p.setProperty("stage." + stage, Long.toString(took.toNanos())));
        return p;
    }

    /** @throws IllegalArgumentException if a required field is missing or a value is malformed */
    static HotfixReport read(Properties p) {
        HotfixReport.Builder report = HotfixReport.builder();
        for (Field field : FIELDS) {
            String value = field.required() ? required(p, field.key()) : p.getProperty(field.key());
            if (value != null) {
                field.read().accept(report, value);
            }
        }
        Map<String, Duration> stages = new LinkedHashMap<>();
        String names = p.getProperty("stages", "");
        if (!names.isEmpty()) {
            for (String stage : names.split(",")) {
                stages.put(stage, Duration.ofNanos(Long.parseLong(required(p, "stage." + stage))));
            }
        }
        return report.services(getList(p, "services")).classes(getList(p, "classes")).notes(getList(p, "notes"))
                .stages(stages).build();
    }

    private static Field required(String key, Function<HotfixReport, String> write,
            BiConsumer<HotfixReport.Builder, String> read) {
        return new Field(key, true, write, read);
    }

    private static Field optional(String key, Function<HotfixReport, String> write,
            BiConsumer<HotfixReport.Builder, String> read) {
        return new Field(key, false, write, read);
    }

    private static String required(Properties p, String key) {
        String value = p.getProperty(key);
        if (value == null) {
            throw new IllegalArgumentException("missing '" + key + "'");
        }
        return value;
    }

    private static void putList(Properties p, String key, List<String> values) {
        p.setProperty(key + ".count", Integer.toString(values.size()));
        for (int i = 0; i < values.size(); i++) {
            p.setProperty(key + "." + i, values.get(i));
        }
    }

    private static List<String> getList(Properties p, String key) {
        int count = Integer.parseInt(p.getProperty(key + ".count", "0"));
        List<String> values = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            values.add(required(p, key + "." + i));
        }
        return values;
    }
}
