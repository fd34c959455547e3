package hotfix.shell;

import java.time.Duration;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import hotfix.runtime.api.HotfixReport;
import hotfix.runtime.api.Outcome;

/** Renders reports as the text the commands return. */
final class Reports {

    private static final DateTimeFormatter WHEN = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss")
            .withZone(ZoneId.systemDefault());

    /** The stage after which an attempt is past its point of no return. */
    private static final String COMMIT = "commit";

    private Reports() {
    }

    /** One report in full: outcome, what was planned, the jar's hash and signer, stage timings, the pause. */
    static String detail(HotfixReport report) {
        StringBuilder out = new StringBuilder();
        out.append(report.message()).append('\n');
        if (report.outcome() == Outcome.REFUSED) {
            out.append("reason:  ").append(report.reason()).append('\n');
        }
        out.append("id:      ").append(report.id()).append('\n');
        out.append("source:  ").append(report.source()).append('\n');
        if (!report.target().isEmpty()) {
            out.append("target:  ").append(report.target()).append(' ').append(versions(report)).append(" (")
                    .append(report.mode().header()).append(")\n");
        }
        if (!report.description().isEmpty()) {
            out.append("about:   ").append(report.description()).append('\n');
        }
        if (!report.sha256().isEmpty()) {
            out.append("sha256:  ").append(report.sha256()).append('\n');
        }
        if (!report.signer().isEmpty()) {
            out.append("signer:  ").append(report.signer()).append('\n');
        } else if (!report.sha256().isEmpty()) {
            out.append("signer:  none: the jar is not signed\n");
        }
        out.append("when:    ").append(WHEN.format(report.time())).append('\n');
        section(out, "services", report.services());
        section(out, "classes", report.classes());
        section(out, "notes", report.notes());
        if (!report.stages().isEmpty()) {
            out.append("stages:\n");
            for (Map.Entry<String, Duration> stage : report.stages().entrySet()) {
                out.append(String.format("  %-8s %10s", stage.getKey(), micros(stage.getValue()))).append('\n');
                if (report.pastPointOfNoReturn() && stage.getKey().equals(COMMIT)) {
                    out.append("  ---- point of no return: the change is made and stays ----\n");
                }
            }
        }
        out.append("pause:   ").append(report.outcome() == Outcome.PLANNED ? "none: a dry run holds no calls"
                : micros(report.pause()));
        return out.toString();
    }

    /**
     * Reports as a table, one line each, with a refusal's message on the line below. Columns are
     * as wide as their widest value, so that long versions or symbolic names do not shift the
     * columns after them.
     */
    static String table(List<HotfixReport> reports) {
        if (reports.isEmpty()) {
            return "none";
        }
        List<String[]> rows = new ArrayList<>();
        rows.add(new String[] {"ID", "OUTCOME", "TARGET", "FROM -> TO", "MODE", "SIGNER", "WHEN", "PAUSE"});
        for (HotfixReport report : reports) {
            rows.add(new String[] {Long.toString(report.id()), report.outcome().name(),
                    report.target().isEmpty() ? "-" : report.target(),
                    report.toVersion().isEmpty() ? "-" : versions(report),
                    report.target().isEmpty() ? "-" : report.mode().header(), commonName(report.signer()),
                    WHEN.format(report.time()),
                    report.outcome() == Outcome.PLANNED || report.outcome() == Outcome.INTERRUPTED ? "-"
                            : micros(report.pause())});
        }
        int[] widths = new int[rows.get(0).length];
        for (String[] row : rows) {
            for (int column = 0; column < row.length; column++) {
                widths[column] = Math.max(widths[column], row[column].length());
            }
        }
        StringBuilder out = new StringBuilder();
        for (int line = 0; line < rows.size(); line++) {
            String[] row = rows.get(line);
            // numbers to the right, words to the left
            out.append(" ".repeat(widths[0] - row[0].length())).append(row[0]);
            for (int column = 1; column < row.length - 1; column++) {
                out.append("  ").append(row[column]).append(" ".repeat(widths[column] - row[column].length()));
            }
            int last = row.length - 1;
            out.append("  ").append(" ".repeat(widths[last] - row[last].length())).append(row[last]).append('\n');
            HotfixReport report = line == 0 ? null : reports.get(line - 1);
            // what went wrong, or what a restart kept after the attempt was cut short
            if (report != null && (report.outcome() == Outcome.REFUSED || report.outcome() == Outcome.INTERRUPTED)) {
                out.append(" ".repeat(widths[0] + 2)).append(report.message()).append('\n');
            }
        }
        return out.toString().stripTrailing();
    }

    /**
     * One line that tells an attempt from the others: its outcome, then its target and versions,
     * or, refused before the target was known, where it came from.
     */
    static String summary(HotfixReport report) {
        return report.outcome() + " " + (report.target().isEmpty() ? report.source()
                : report.target() + " " + versions(report) + ", " + report.mode().header());
    }

    // a refusal in inspect knows the hotfix's version but not yet the installed one
    private static String versions(HotfixReport report) {
        return (report.fromVersion().isEmpty() ? "?" : report.fromVersion()) + " -> " + report.toVersion();
    }

    /** @return the signer's common name, which fits a column; the full name is in the detail */
    static String commonName(String subject) {
        if (subject.isEmpty()) {
            return "-";
        }
        // an RFC 2253 name: attributes split by commas, a comma in a value escaped with a backslash
        StringBuilder attribute = new StringBuilder();
        for (int i = 0; i <= subject.length(); i++) {
            char c = i < subject.length() ? subject.charAt(i) : ',';
            if (c == '\\' && i + 1 < subject.length()) {
                attribute.append(subject.charAt(++i));
            } else if (c == ',') {
                String value = attribute.toString().trim();
                if (value.regionMatches(true, 0, "CN=", 0, 3)) {
                    return value.substring(3);
                }
                attribute.setLength(0);
            } else {
                attribute.append(c);
            }
        }
        return subject;
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
