package hotfix.tool.facts;

import java.util.function.Supplier;
import java.util.logging.Logger;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;

/** A component that provides what it implements, and refers to a logger. */
@Component
public class ImplementedService implements Supplier<String> {

    @Activate
    public ImplementedService() {
        Logger.getLogger("facts").fine("activated");
    }

    @Override
    public String get() {
        return "implemented";
    }
}
