package hotfix.runtime.internal.ops;

import java.util.ArrayList;
import java.util.List;

import hotfix.runtime.api.HotfixStatus;

/** What {@code hotfix:status} lists as problems, in one list: for JMX and the health check alike. */
public final class Problems {

    private Problems() {
    }

    /** @return one line per problem, each saying where it is; empty when all is well */
    public static List<String> of(HotfixStatus status) {
        List<String> problems = new ArrayList<>();
        status.deployProblems().forEach(problem -> problems.add("deploy directory: " + problem));
        status.journalProblems().forEach(problem -> problems.add("journal: " + problem));
        if (!status.redefinition()) {
            problems.add("redefinition: not available in this JVM (started without the hotfix agent): redefine-mode "
                    + "hotfixes are refused");
        }
        return problems;
    }
}
