package hotfix.tool;

import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

import org.junit.Test;

import hotfix.tool.facts.ImplementedService;
import hotfix.tool.facts.NamedService;

/** What the tool reads from a class file besides what the planner reads. */
public class ClassFactsTest {

    @Test
    public void theInterfacesOfAComponentThatProvidesWhatItImplementsAreMetadata() {
        String implemented = facts(ImplementedService.class).osgiAnnotations();
        String named = facts(NamedService.class).osgiAnnotations();

        assertTrue(implemented, implemented.contains("class: @org.osgi.service.component.annotations.Component()"));
        assertTrue(implemented, implemented.contains("implements [java/util/function/Supplier]"));
        assertTrue(named, named.contains("service=[Lhotfix/tool/facts/NamedService;]"));
        assertFalse("it names its service: what it implements is not metadata", named.contains("implements"));
    }

    @Test
    public void referencesAreWhatLoadsNotTheAnnotations() {
        var references = facts(ImplementedService.class).references();

        assertTrue(references.toString(), references.contains("java.util.logging.Logger"));
        assertTrue(references.toString(), references.contains("java.util.function.Supplier"));
        assertFalse(references.toString(), references.stream().anyMatch(name -> name.startsWith("org.osgi.")));
    }

    private static ClassFacts facts(Class<?> type) {
        try (InputStream in = type.getResourceAsStream(type.getSimpleName() + ".class")) {
            return new ClassFacts(in.readAllBytes());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
