package hotfix.runtime.internal.ops;

import java.util.List;

import hotfix.runtime.api.HotfixReport;
import hotfix.runtime.api.Outcome;

/** A report as plain text, for JMX clients and the log: the message first, then the facts. */
final class Text {

    private Text() {
    }

    static String of(HotfixReport report) {
        StringBuilder out = new StringBuilder(report.message()).append('\n');
        out.append("id: ").append(report.id()).append('\n');
        if (report.outcome() == Outcome.REFUSED) {
            out.append("reason: ").append(report.reason()).append('\n');
        }
        out.append("source: ").append(report.source()).append('\n');
        if (!report.target().isEmpty()) {
            out.append("target: ").append(report.target()).append(' ').append(report.fromVersion()).append(" -> ")
                    .append(report.toVersion()).append(" (").append(report.mode().header()).append(")\n");
        }
        section(out, "services", report.services());
        section(out, "classes", report.classes());
        section(out, "notes", report.notes());
        out.append("pause: ").append(report.pause().toNanos() / 1000).append(" us");
        return out.toString();
    }

    private static void section(StringBuilder out, String title, List<String> lines) {
        if (!lines.isEmpty()) {
            out.append(title).append(":\n");
            lines.forEach(line -> out.append("  ").append(line).append('\n'));
        }
    }
}
