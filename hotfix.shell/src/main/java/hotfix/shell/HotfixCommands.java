package hotfix.shell;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import org.apache.felix.service.command.Descriptor;
import org.apache.felix.service.command.Parameter;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

import hotfix.runtime.api.HotfixManager;
import hotfix.runtime.api.HotfixOptions;
import hotfix.runtime.api.HotfixReport;
import hotfix.runtime.api.HotfixStatus;
import hotfix.runtime.api.Outcome;

/**
 * The {@code hotfix} scope of the Gogo shell. Every command goes to the runtime's
 * {@link HotfixManager} and returns its answer as text, or as JSON with {@code --json}; nothing
 * here decides anything. A refused {@code install} or {@code rollback} throws a
 * {@link HotfixCommandException} instead, so that a script or a CI job stops there.
 */
@Component(service = HotfixCommands.class, property = {
    "osgi.command.scope=hotfix",
    "osgi.command.function=install",
    "osgi.command.function=list",
    "osgi.command.function=history",
    "osgi.command.function=status",
    "osgi.command.function=rollback"
})
public final class HotfixCommands {

    private final HotfixManager manager;

    @Activate
    public HotfixCommands(@Reference HotfixManager manager) {
        this.manager = manager;
    }

    @Descriptor("apply a hotfix jar to the running server, or with --dry-run only say what it would do;"
            + " a refusal fails the command, with the report as its message")
    public String install(
            @Descriptor("plan only: inspect the jar, say what would be swapped, change nothing")
            @Parameter(names = {"-n", "--dry-run"}, presentValue = "true", absentValue = "false") boolean dryRun,
            @Descriptor("how long, in milliseconds, calls in flight may take to finish before the hotfix is aborted"
                    + " (default 5000)")
            @Parameter(names = {"-t", "--timeout"}, absentValue = "5000") long timeout,
            @Descriptor("answer in JSON, for scripts")
            @Parameter(names = {"-j", "--json"}, presentValue = "true", absentValue = "false") boolean json,
            @Descriptor("the hotfix jar: a path (relative to the server's working directory) or a URL")
            String source) throws HotfixCommandException {
        checkTimeout(timeout);
        URI uri;
        try {
            uri = toUri(source);
        } catch (IllegalArgumentException e) {
            throw new HotfixCommandException("invalid source '" + source + "': neither a path nor a URL ("
                    + e.getMessage() + "); nothing was changed");
        }
        return answer(manager.install(uri, new HotfixOptions(dryRun, Duration.ofMillis(timeout))), json);
    }

    /** @return the report as text (or JSON); a refusal throws it instead, so that scripts stop */
    private static String answer(HotfixReport report, boolean json) throws HotfixCommandException {
        String text = json ? Json.report(report) : Reports.detail(report);
        if (report.outcome() == Outcome.REFUSED) {
            throw new HotfixCommandException(report, text);
        }
        return text;
    }

    @Descriptor("list the hotfixes in place now, oldest first")
    public String list(
            @Descriptor("answer in JSON, for scripts")
            @Parameter(names = {"-j", "--json"}, presentValue = "true", absentValue = "false") boolean json) {
        return json ? Json.reports(manager.list()) : Reports.table(manager.list());
    }

    @Descriptor("list every hotfix attempt, applied, planned, refused or rolled back, newest first")
    public String history(
            @Descriptor("answer in JSON, for scripts")
            @Parameter(names = {"-j", "--json"}, presentValue = "true", absentValue = "false") boolean json) {
        return json ? Json.reports(manager.history()) : Reports.table(manager.history());
    }

    @Descriptor("show the state of the hotfix runtime: the gate, the deploy directory, what went wrong")
    public String status(
            @Descriptor("answer in JSON, for scripts")
            @Parameter(names = {"-j", "--json"}, presentValue = "true", absentValue = "false") boolean json) {
        HotfixStatus status = manager.status();
        if (json) {
            List<HotfixReport> history = manager.history();
            return Json.status(status, history.isEmpty() ? null : history.get(0));
        }
        StringBuilder out = new StringBuilder();
        out.append("gate:         ").append(status.gateClosed() ? "holding calls into a bundle a hotfix changes" : "open")
                .append('\n');
        out.append("in flight:    ").append(status.inFlight()).append('\n');
        out.append("in progress:  ").append(status.inProgress().isEmpty() ? "none" : status.inProgress()).append('\n');
        out.append("applied:      ").append(status.applied()).append('\n');
        out.append("deploy dir:   ").append(status.deployDirectory().isEmpty() ? "none" : status.deployDirectory())
                .append('\n');
        out.append("redefinition: ").append(status.redefinition() ? "available" : "not available").append('\n');
        problems(out, "deploy problems", status.deployProblems());
        problems(out, "journal problems", status.journalProblems());
        problems(out, "retiring, waiting for", status.retiring());
        List<HotfixReport> history = manager.history();
        if (!history.isEmpty()) {
            HotfixReport last = history.get(0);
            out.append("last attempt: id ").append(last.id()).append(", ").append(last.message());
        } else {
            out.append("last attempt: none");
        }
        return out.toString();
    }

    private static void problems(StringBuilder out, String title, List<String> problems) {
        if (!problems.isEmpty()) {
            out.append(title).append(":\n");
            problems.forEach(problem -> out.append("  ").append(problem).append('\n'));
        }
    }

    @Descriptor("show one hotfix attempt in detail")
    public String status(
            @Descriptor("answer in JSON, for scripts")
            @Parameter(names = {"-j", "--json"}, presentValue = "true", absentValue = "false") boolean json,
            @Descriptor("the id of the attempt, as hotfix:history lists it") long id) {
        return manager.history().stream().filter(report -> report.id() == id).findFirst()
                .map(json ? Json::report : Reports::detail)
                .orElse("no hotfix attempt has id " + id + "; see hotfix:history");
    }

    @Descriptor("roll back an applied hotfix through the same quiesced swap: the version it replaced serves again;"
            + " a refusal fails the command, with the report as its message")
    public String rollback(
            @Descriptor("how long, in milliseconds, calls in flight may take to finish before the rollback is aborted"
                    + " (default 5000)")
            @Parameter(names = {"-t", "--timeout"}, absentValue = "5000") long timeout,
            @Descriptor("answer in JSON, for scripts")
            @Parameter(names = {"-j", "--json"}, presentValue = "true", absentValue = "false") boolean json,
            @Descriptor("the id of the applied hotfix, as hotfix:list shows it") long id) throws HotfixCommandException {
        checkTimeout(timeout);
        return answer(manager.rollback(id, HotfixOptions.defaults().withDrainTimeout(Duration.ofMillis(timeout))),
                json);
    }

    // HotfixOptions would throw; an operator should read what to type instead
    private static void checkTimeout(long timeout) throws HotfixCommandException {
        if (timeout <= 0) {
            throw new HotfixCommandException("invalid --timeout " + timeout
                    + ": it is in milliseconds and must be more than 0; nothing was changed");
        }
    }

    static URI toUri(String source) {
        int colon = source.indexOf(':');
        // a scheme has at least two letters; "C:\..." is a Windows path
        if (colon > 1 && source.substring(0, colon).chars().allMatch(Character::isLetter)) {
            return URI.create(source);
        }
        return Path.of(source).toAbsolutePath().normalize().toUri();
    }
}
