package hotfix.runtime.internal.pipeline;

import java.util.ArrayList;
import java.util.List;

import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;

import hotfix.runtime.api.Reason;
import hotfix.runtime.internal.inspect.InspectedJar;
import hotfix.runtime.internal.inspect.Refusal;
import hotfix.runtime.internal.mediation.Hotfixable;

/** What every mode checks alike at inspect: which installed bundle the hotfix is for. */
final class TargetLookup {

    private TargetLookup() {
    }

    /** @return the one active, hotfixable bundle the hotfix names */
    static Bundle find(BundleContext context, Hotfixable hotfixable, InspectedJar hotfix) throws Refusal {
        List<Bundle> candidates = new ArrayList<>();
        for (Bundle bundle : context.getBundles()) {
            if (hotfix.symbolicName().equals(bundle.getSymbolicName()) && bundle.getState() != Bundle.UNINSTALLED) {
                candidates.add(bundle);
            }
        }
        if (candidates.isEmpty()) {
            throw new Refusal(Reason.NO_TARGET, "no installed bundle is named " + hotfix.symbolicName()
                    + ": a hotfix's Bundle-SymbolicName must be that of the bundle it fixes");
        }
        if (candidates.size() > 1) {
            List<String> versions = new ArrayList<>();
            candidates.forEach(bundle -> versions.add(bundle.getVersion().toString()));
            throw new Refusal(Reason.NO_TARGET, candidates.size() + " versions of " + hotfix.symbolicName()
                    + " are installed (" + String.join(", ", versions) + "): cannot tell which one to fix");
        }
        Bundle target = candidates.get(0);
        String why = hotfixable.why(target);
        if (why != null) {
            throw new Refusal(Reason.NOT_HOTFIXABLE, target.getSymbolicName() + " cannot be hotfixed: " + why);
        }
        if (target.getState() != Bundle.ACTIVE) {
            throw new Refusal(Reason.NOT_HOTFIXABLE, target.getSymbolicName() + " " + target.getVersion()
                    + " is not active: start it, or update it the ordinary way");
        }
        return target;
    }
}
