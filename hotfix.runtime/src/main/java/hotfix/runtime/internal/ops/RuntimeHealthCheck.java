package hotfix.runtime.internal.ops;

import java.util.Dictionary;
import java.util.Hashtable;
import java.util.List;

import org.apache.felix.hc.api.FormattingResultLog;
import org.apache.felix.hc.api.HealthCheck;
import org.apache.felix.hc.api.Result;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;

import hotfix.runtime.api.HotfixManager;

/**
 * The runtime's problems as an Apache Felix Health Check, which operators' health endpoints and
 * the Felix web console already read: OK when {@code hotfix:status} lists no problem, WARN with
 * one entry per problem otherwise. A hotfix never fails the server's health: the application
 * still serves.
 */
final class RuntimeHealthCheck implements HealthCheck {

    static final String NAME = "hotfix runtime";

    private final HotfixManager manager;

    RuntimeHealthCheck(HotfixManager manager) {
        this.manager = manager;
    }

    @Override
    public Result execute() {
        FormattingResultLog log = new FormattingResultLog();
        List<String> problems = Problems.of(manager.status());
        if (problems.isEmpty()) {
            log.info("no problem: the journal is whole, the deploy directory is watched, classes can be redefined");
        }
        problems.forEach(problem -> log.warn("{}", problem));
        return new Result(log);
    }

    static ServiceRegistration<?> register(BundleContext context, HotfixManager manager) {
        Dictionary<String, Object> properties = new Hashtable<>();
        properties.put(HealthCheck.NAME, NAME);
        properties.put(HealthCheck.TAGS, new String[] {"hotfix"});
        return context.registerService(HealthCheck.class, new RuntimeHealthCheck(manager), properties);
    }
}
