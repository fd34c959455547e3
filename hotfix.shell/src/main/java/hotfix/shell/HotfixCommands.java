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

/**
 * The {@code hotfix} scope of the Gogo shell. Every command goes to the runtime's
 * {@link HotfixManager} and returns its answer as text; nothing here decides anything.
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

    @Descriptor("apply a hotfix jar to the running server, or with --dry-run only say what it would do")
    public String install(
            @Descriptor("plan only: inspect the jar, say what would be swapped, change nothing")
            @Parameter(names = {"-n", "--dry-run"}, presentValue = "true", absentValue = "false") boolean dryRun,
            @Descriptor("how long, in milliseconds, calls in flight may take to finish before the hotfix is aborted"
                    + " (default 5000)")
            @Parameter(names = {"-t", "--timeout"}, absentValue = "5000") long timeout,
            @Descriptor("the hotfix jar: a path (relative to the server's working directory) or a URL")
            String source) {
        if (timeout <= 0) {
            return invalidTimeout(timeout);
        }
        URI uri;
        try {
            uri = toUri(source);
        } catch (IllegalArgumentException e) {
            return "invalid source '" + source + "': neither a path nor a URL (" + e.getMessage()
                    + "); nothing was changed";
        }
        return Reports.detail(manager.install(uri, new HotfixOptions(dryRun, Duration.ofMillis(timeout))));
    }

    @Descriptor("list the hotfixes in place now, oldest first")
    public String list() {
        return Reports.table(manager.list());
    }

    @Descriptor("list every hotfix attempt, applied, planned, refused or rolled back, newest first")
    public String history() {
        return Reports.table(manager.history());
    }

    @Descriptor("show the state of the hotfix runtime: the gate, the deploy directory, what went wrong")
    public String status() {
        HotfixStatus status = manager.status();
        StringBuilder out = new StringBuilder();
        out.append("gate:         ").append(status.gateClosed() ? "closed (a hotfix is swapping)" : "open")
                .append('\n');
        out.append("in flight:    ").append(status.inFlight()).append('\n');
        out.append("in progress:  ").append(status.inProgress().isEmpty() ? "none" : status.inProgress()).append('\n');
        out.append("applied:      ").append(status.applied()).append('\n');
        out.append("deploy dir:   ").append(status.deployDirectory().isEmpty() ? "none" : status.deployDirectory())
                .append('\n');
        out.append("redefinition: ").append(status.redefinition() ? "available" : "not available").append('\n');
        problems(out, "deploy problems", status.deployProblems());
        problems(out, "journal problems", status.journalProblems());
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
    public String status(@Descriptor("the id of the attempt, as hotfix:history lists it") long id) {
        return manager.history().stream().filter(report -> report.id() == id).findFirst()
                .map(Reports::detail).orElse("no hotfix attempt has id " + id + "; see hotfix:history");
    }

    @Descriptor("roll back an applied hotfix through the same quiesced swap: the version it replaced serves again")
    public String rollback(
            @Descriptor("how long, in milliseconds, calls in flight may take to finish before the rollback is aborted"
                    + " (default 5000)")
            @Parameter(names = {"-t", "--timeout"}, absentValue = "5000") long timeout,
            @Descriptor("the id of the applied hotfix, as hotfix:list shows it") long id) {
        if (timeout <= 0) {
            return invalidTimeout(timeout);
        }
        return Reports.detail(manager.rollback(id,
                HotfixOptions.defaults().withDrainTimeout(Duration.ofMillis(timeout))));
    }

    // HotfixOptions would throw; an operator should read what to type instead
    private static String invalidTimeout(long timeout) {
        return "invalid --timeout " + timeout + ": it is in milliseconds and must be more than 0"
                + "; nothing was changed";
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
