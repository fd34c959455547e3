package hotfix.tool.facts;

import java.util.function.Supplier;

import org.osgi.service.component.annotations.Component;

/** A component that names its service: what else it implements is no service. */
@Component(service = NamedService.class)
public class NamedService implements Supplier<String> {

    @Override
    public String get() {
        return "named";
    }
}
