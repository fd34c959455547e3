package hotfix.shell;

import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.apache.felix.service.command.Descriptor;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

import hotfix.runtime.api.HotfixManager;
import hotfix.runtime.api.HotfixReport;

/**
 * The ids that TAB offers after {@code hotfix:rollback} and {@code hotfix:status} in the JLine
 * Gogo shell, asked of the running {@link HotfixManager} at each TAB. The completion script beside
 * this class ({@code hotfix/shell/completion.gosh}, which the servers' shell profile sources)
 * declares every hotfix command's options and arguments and calls these functions; their names
 * start with {@code _}, which keeps them out of the command names Gogo completes, as its own
 * {@code __files} is.
 */
@Component(service = HotfixCompletion.class, property = {
    "osgi.command.scope=hotfix",
    "osgi.command.function=__rollbackable",
    "osgi.command.function=__attempts"
})
public final class HotfixCompletion {

    private final HotfixManager manager;

    @Activate
    public HotfixCompletion(@Reference HotfixManager manager) {
        this.manager = manager;
    }

    @Descriptor("for TAB completion: the ids hotfix:rollback takes now, oldest first, each with what it changed;"
            + " only the latest hotfix in place of a target can be rolled back")
    public Map<String, String> __rollbackable() {
        Map<String, HotfixReport> latest = new HashMap<>();
        for (HotfixReport report : manager.list()) {
            latest.merge(report.target(), report, (one, other) -> one.id() > other.id() ? one : other);
        }
        return ids(latest.values().stream().sorted(Comparator.comparingLong(HotfixReport::id)).toList());
    }

    @Descriptor("for TAB completion: the id of every attempt hotfix:history lists, newest first, each with its outcome")
    public Map<String, String> __attempts() {
        return ids(manager.history());
    }

    /** @return each report's id, as the commands take it, with a line that tells it from the others */
    private static Map<String, String> ids(List<HotfixReport> reports) {
        Map<String, String> ids = new LinkedHashMap<>();
        for (HotfixReport report : reports) {
            ids.put(Long.toString(report.id()), Reports.summary(report));
        }
        return ids;
    }
}
