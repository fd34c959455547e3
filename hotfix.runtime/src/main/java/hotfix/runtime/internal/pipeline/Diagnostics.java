package hotfix.runtime.internal.pipeline;

import java.util.ArrayList;
import java.util.List;

import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.runtime.ServiceComponentRuntime;
import org.osgi.service.component.runtime.dto.ComponentConfigurationDTO;
import org.osgi.service.component.runtime.dto.ComponentDescriptionDTO;
import org.osgi.service.component.runtime.dto.UnsatisfiedReferenceDTO;
import org.osgi.util.tracker.ServiceTracker;

/**
 * Asks Declarative Services why a staged bundle's components are not all up: which reference is
 * unsatisfied, which activation threw. Without SCR there is nothing to ask, and nothing to say.
 */
public final class Diagnostics {

    private final ServiceTracker<ServiceComponentRuntime, ServiceComponentRuntime> scr;

    public Diagnostics(BundleContext context) {
        this.scr = new ServiceTracker<>(context, ServiceComponentRuntime.class, null);
        this.scr.open();
    }

    public void close() {
        scr.close();
    }

    /**
     * @return one line per component of the bundle that is enabled but neither satisfied nor
     *         active, saying why; empty when all are up
     */
    public List<String> problems(Bundle bundle) {
        List<String> problems = new ArrayList<>();
        ServiceComponentRuntime runtime = scr.getService();
        if (runtime == null) {
            return problems;
        }
        for (ComponentDescriptionDTO description : runtime.getComponentDescriptionDTOs(bundle)) {
            if (!runtime.isComponentEnabled(description)) {
                continue;
            }
            for (ComponentConfigurationDTO configuration : runtime.getComponentConfigurationDTOs(description)) {
                switch (configuration.state) {
                    case ComponentConfigurationDTO.UNSATISFIED_REFERENCE -> {
                        List<String> missing = new ArrayList<>();
                        for (UnsatisfiedReferenceDTO reference : configuration.unsatisfiedReferences) {
                            missing.add(reference.name + " (" + reference.target + ")");
                        }
                        problems.add("component " + description.name + " has unsatisfied references: "
                                + String.join(", ", missing));
                    }
                    case ComponentConfigurationDTO.UNSATISFIED_CONFIGURATION -> problems.add(
                            "component " + description.name + " waits for its configuration");
                    case ComponentConfigurationDTO.FAILED_ACTIVATION -> problems.add(
                            "component " + description.name + " failed to activate: " + cause(configuration.failure));
                    default -> {
                        // SATISFIED or ACTIVE
                    }
                }
            }
        }
        return problems;
    }

    /**
     * SCR gives an activation failure as a whole stack trace, its root cause at the bottom
     * behind reflection's wrapper: a report's message gets the root cause, on one line.
     */
    static String cause(String failure) {
        if (failure == null || failure.isBlank()) {
            return "SCR did not say why";
        }
        String cause = failure.strip().lines().findFirst().orElse("");
        for (String line : failure.lines().toList()) {
            if (line.startsWith("Caused by: ")) {
                cause = line.substring("Caused by: ".length());
            }
        }
        return cause.strip();
    }
}
