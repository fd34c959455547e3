package hotfix.shell;

import java.time.Duration;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

import hotfix.runtime.api.HotfixReport;
import hotfix.runtime.api.HotfixStatus;

/**
 * Renders reports and the status as JSON, for scripts and monitoring: every field of the API,
 * durations in microseconds, times in ISO-8601. Written by hand so the shell needs no library.
 */
final class Json {

    private Json() {
    }

    static String report(HotfixReport report) {
        StringBuilder out = new StringBuilder();
        report(out, report);
        return out.toString();
    }

    static String reports(List<HotfixReport> reports) {
        StringBuilder out = new StringBuilder("[");
        for (int i = 0; i < reports.size(); i++) {
            out.append(i == 0 ? "" : ",");
            report(out, reports.get(i));
        }
        return out.append(']').toString();
    }

    static String status(HotfixStatus status, HotfixReport last) {
        StringBuilder out = new StringBuilder("{");
        field(out, "gateClosed", status.gateClosed()).append(',');
        field(out, "inFlight", status.inFlight()).append(',');
        field(out, "inProgress", status.inProgress()).append(',');
        field(out, "applied", status.applied()).append(',');
        field(out, "deployDirectory", status.deployDirectory()).append(',');
        field(out, "deployProblems", status.deployProblems()).append(',');
        field(out, "redefinition", status.redefinition()).append(',');
        field(out, "journalProblems", status.journalProblems()).append(',');
        field(out, "retiring", status.retiring()).append(',');
        name(out, "lastAttempt");
        if (last == null) {
            out.append("null");
        } else {
            report(out, last);
        }
        return out.append('}').toString();
    }

    private static void report(StringBuilder out, HotfixReport report) {
        out.append('{');
        field(out, "id", report.id()).append(',');
        field(out, "source", report.source()).append(',');
        field(out, "sha256", report.sha256()).append(',');
        field(out, "signer", report.signer()).append(',');
        field(out, "target", report.target()).append(',');
        field(out, "fromVersion", report.fromVersion()).append(',');
        field(out, "toVersion", report.toVersion()).append(',');
        field(out, "mode", report.mode().header()).append(',');
        field(out, "description", report.description()).append(',');
        field(out, "outcome", report.outcome().name()).append(',');
        field(out, "reason", report.reason().name()).append(',');
        field(out, "message", report.message()).append(',');
        field(out, "services", report.services()).append(',');
        field(out, "classes", report.classes()).append(',');
        field(out, "notes", report.notes()).append(',');
        name(out, "stagesMicros").append('{');
        Iterator<Map.Entry<String, Duration>> stages = report.stages().entrySet().iterator();
        while (stages.hasNext()) {
            Map.Entry<String, Duration> stage = stages.next();
            field(out, stage.getKey(), stage.getValue().toNanos() / 1000).append(stages.hasNext() ? "," : "");
        }
        out.append("},");
        field(out, "pauseMicros", report.pause().toNanos() / 1000).append(',');
        field(out, "time", report.time().toString()).append(',');
        field(out, "undoes", report.undoes()).append(',');
        field(out, "pastPointOfNoReturn", report.pastPointOfNoReturn());
        out.append('}');
    }

    private static StringBuilder field(StringBuilder out, String name, Object value) {
        name(out, name);
        if (value instanceof List<?> list) {
            out.append('[');
            for (int i = 0; i < list.size(); i++) {
                out.append(i == 0 ? "" : ",");
                string(out, String.valueOf(list.get(i)));
            }
            return out.append(']');
        }
        if (value instanceof Number || value instanceof Boolean) {
            return out.append(value);
        }
        return string(out, String.valueOf(value));
    }

    private static StringBuilder name(StringBuilder out, String name) {
        return string(out, name).append(':');
    }

    private static StringBuilder string(StringBuilder out, String value) {
        out.append('"');
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    if (c < 0x20) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        return out.append('"');
    }
}
