package hotfix.runtime.internal.pipeline;

import java.util.List;

import org.osgi.framework.Bundle;
import org.osgi.framework.Constants;

import hotfix.runtime.internal.inspect.JarBytes;
import hotfix.runtime.internal.mediation.Mediated;
import hotfix.runtime.internal.mediation.Mediator;

/**
 * The running bundle a swap replaces, as {@link SwapPlan} sees it: its jar's entries and its
 * services with and without proxies. What is wired to its exports is {@link ExportingRevision}'s.
 */
final class SwapTarget implements SwapPlan.Base {

    private final Bundle old;
    private final Mediator mediator;

    SwapTarget(Bundle old, Mediator mediator) {
        this.old = old;
        this.mediator = mediator;
    }

    @Override
    public String name() {
        return old.getSymbolicName();
    }

    @Override
    public String identity() {
        return old.getSymbolicName() + " " + old.getVersion();
    }

    @Override
    public byte[] entry(String path) {
        return JarBytes.entry(old, path);
    }

    @Override
    public List<SwapPlan.Service> services() {
        return mediator.servicesOf(old).stream().map(SwapTarget::service).toList();
    }

    @Override
    public List<SwapPlan.LeftAlone> leftAlone() {
        return leftAlone(mediator.unmediated(old));
    }

    /** @return a mediated service as the plan sees it: its match key, interfaces, and whether it holds state */
    static SwapPlan.Service service(Mediated mediated) {
        return new SwapPlan.Service(mediated.matchKey(), mediated.interfaces(),
                mediated.handsOverState());
    }

    /** @return services no proxy stands for, as the plan sees them */
    static List<SwapPlan.LeftAlone> leftAlone(List<Mediator.Unmediated> unmediated) {
        return unmediated.stream().map(service -> new SwapPlan.LeftAlone(Mediated.matchKey(service.reference()),
                List.of((String[]) service.reference().getProperty(Constants.OBJECTCLASS)), service.why())).toList();
    }
}
