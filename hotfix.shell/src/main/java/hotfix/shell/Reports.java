package hotfix.shell;

import java.time.Duration;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;

import hotfix.runtime.api.HotfixReport;
import hotfix.runtime.api.Outcome;

/** Renders reports as the text the commands return. */
final class Reports {

    private static final DateTimeFormatter WHEN = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss")
            .withZone(ZoneId.systemDefault());

    private Reports() {
    }

    /** One report in full: outcome, what was planned, stage timings, the pause. */
    static String detail(HotfixReport report) {
        StringBuilder out = new StringBuilder();
        out.append(report.message()).append('\n');
        if (report.outcome() == Outcome.REFUSED) {
            out.append("reason:  ").append(report.reason()).append('\n');
        }
        out.append("id:      ").append(report.id()).append('\n');
        out.append("source:  ").append(report.source()).append('\n');
        if (!report.target().isEmpty()) {
            out.append("target:  ").append(report.target()).append(' ').append(report.fromVersion()).append(" -> ")
                    .append(report.toVersion()).append(" (").append(report.mode().header()).append(")\n");
        }
        if (!report.description().isEmpty()) {
            out.append("about:   ").append(report.description()).append('\n');
        }
        if (!report.sha256().isEmpty()) {
            out.append("sha256:  ").append(report.sha256()).append('\n');
        }
        out.append("when:    ").append(WHEN.format(report.time())).append('\n');
        section(out, "services", report.services());
        section(out, "classes", report.classes());
        section(out, "notes", report.notes());
        if (!report.stages().isEmpty()) {
            out.append("stages:\n");
            for (Map.Entry<String, Duration> stage : report.stages().entrySet()) {
                out.append(String.format("  %-8s %10s%n", stage.getKey(), micros(stage.getValue())));
            }
        }
        out.append("pause:   ").append(micros(report.pause()));
        return out.toString();
    }

    /** Reports as a table, one line each. */
    static String table(List<HotfixReport> reports) {
        if (reports.isEmpty()) {
            return "none";
        }
        StringBuilder out = new StringBuilder(String.format("%4s  %-11s  %-28s  %-34s  %-8s  %-19s  %10s%n",
                "ID", "OUTCOME", "TARGET", "FROM -> TO", "MODE", "WHEN", "PAUSE"));
        for (HotfixReport report : reports) {
            out.append(String.format("%4d  %-11s  %-28s  %-34s  %-8s  %-19s  %10s%n", report.id(),
                    report.outcome(), report.target().isEmpty() ? "-" : report.target(),
                    report.fromVersion().isEmpty() ? "-" : report.fromVersion() + " -> " + report.toVersion(),
                    report.mode().header(), WHEN.format(report.time()), micros(report.pause())));
            if (report.outcome() == Outcome.REFUSED) {
                out.append("      ").append(report.message()).append('\n');
            }
        }
        return out.toString().stripTrailing();
    }

    static String micros(Duration duration) {
        long micros = duration.toNanos() / 1000;
        return micros >= 10_000 ? micros / 1000 + " ms" : micros + " us";
    }

    private static void section(StringBuilder out, String title, List<String> lines) {
        if (!lines.isEmpty()) {
            out.append(title).append(":\n");
            lines.forEach(line -> out.append("  ").append(line).append('\n'));
        }
    }
}
