package hotfix.itests;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.util.Arrays;

import javax.inject.Inject;

import org.apache.felix.service.command.CommandProcessor;
import org.apache.felix.service.command.CommandSession;
import org.junit.After;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.OptionUtils;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.options.ProvisionOption;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.BundleContext;

/**
 * The conformance suite's checks ({@link Shapes}) on the same platform without the hotfix runtime:
 * what each shape of application sees when nothing stands between it and its consumers. That
 * they pass here shows that what {@link ConformanceIT} asks of the runtime is Felix's, SCR's,
 * Gogo's and the whiteboard's own behaviour, not a guess.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class ConformanceWithoutRuntimeIT {

    @Inject
    BundleContext context;

    @Inject
    CommandProcessor processor;

    @Configuration
    public Option[] config() {
        return Platform.withoutRuntime();
    }

    @After
    public void uninstall() throws Exception {
        new Shapes(context).uninstall();
    }

    @Test
    public void aDelayedComponentIsActivatedByItsFirstConsumerOnly() throws Exception {
        new Shapes(context).delayedComponent();
    }

    @Test
    public void anImmediateComponentIsActivatedOnceAsItsBundleStarts() throws Exception {
        new Shapes(context).immediateComponent();
    }

    @Test
    public void aDynamicGreedyConsumerBindsOnce() throws Exception {
        new Shapes(context).greedyConsumer();
    }

    @Test
    public void aMultipleConsumerSeesEachServiceOnce() throws Exception {
        new Shapes(context).multipleConsumer();
    }

    @Test
    public void aBundleScopedFactoryGivesEachConsumerBundleItsOwnObject() throws Exception {
        new Shapes(context).bundleScopedFactory();
    }

    @Test
    public void aPrototypeScopedServiceGivesEveryGetServiceANewInstance() throws Exception {
        new Shapes(context).prototypeScoped();
    }

    @Test
    public void aServiceUnderAClassNameIsTheObjectRegistered() throws Exception {
        new Shapes(context).registeredUnderAClassName();
    }

    @Test
    public void aServiceUnderANonPublicInterfaceIsSeenAndUsedByItsBundle() throws Exception {
        new Shapes(context).registeredUnderANonPublicInterface();
    }

    @Test
    public void modifiedPropertiesReachConsumersAndReorderTheRanking() throws Exception {
        new Shapes(context).modifiedProperties();
    }

    @Test
    public void aFactoryReturningNullIsRegisteredAndGivesNull() throws Exception {
        new Shapes(context).factoryReturningNull();
    }

    @Test
    public void aGogoCommandAnswers() throws Exception {
        new Shapes(context).gogoCommand(this::execute);
    }

    @Test
    public void aWhiteboardServletAnswers() throws Exception {
        new Shapes(context).whiteboardServlet(URI.create("http://127.0.0.1:" + context.getProperty(HotfixTestSupport.HTTP_PORT)));
    }

    private String execute(String line) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (CommandSession session = processor.createSession(new ByteArrayInputStream(new byte[0]), out, out)) {
            return String.valueOf(session.execute(line));
        }
    }

    /**
     * The shipped platform without the runtime, its shell and the example, which needs the
     * runtime's API: what {@link HotfixTestSupport} composes, less those bundles, plus the
     * suite's API. Only in the failsafe JVM: the framework never loads this class.
     */
    static final class Platform {

        private static final String[] LEFT_OUT = {"/hotfix.runtime.jar", "/hotfix.shell.jar", "/example.webapp."};

        static Option[] withoutRuntime() {
            Option[] shipped = OptionUtils.expand(new HotfixTestSupport() {
            }.config());
            Option[] kept = Arrays.stream(shipped)
                    .filter(option -> !(option instanceof ProvisionOption<?> bundle)
                            || Arrays.stream(LEFT_OUT).noneMatch(bundle.getURL()::contains))
                    .toArray(Option[]::new);
            return OptionUtils.combine(kept, HotfixTestSupport.file(Shapes.API).startLevel(Shapes.APPLICATION));
        }
    }
}
