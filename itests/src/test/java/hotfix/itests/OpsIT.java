package hotfix.itests;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;

import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Arrays;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import javax.management.MBeanServerConnection;
import javax.management.ObjectName;
import javax.management.remote.JMXConnector;
import javax.management.remote.JMXConnectorFactory;
import javax.management.remote.JMXConnectorServer;
import javax.management.remote.JMXConnectorServerFactory;
import javax.management.remote.JMXServiceURL;

import org.apache.felix.hc.api.HealthCheck;
import org.apache.felix.hc.api.Result;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.OptionUtils;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerMethod;
import org.osgi.framework.Bundle;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.service.metatype.AttributeDefinition;
import org.osgi.service.metatype.MetaTypeService;
import org.osgi.service.metatype.ObjectClassDefinition;
import org.osgi.util.tracker.ServiceTracker;

/**
 * The operator's surface in a real framework: a JMX client over a local connector sees the
 * counters move and applies and rolls back a hotfix; the health check reports what
 * {@code hotfix:status} calls problems; Configuration Admin changes the runtime while it runs;
 * Metatype describes its configuration.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerMethod.class)
public class OpsIT extends HotfixTestSupport {

    static final String FIX = "example.webapp.hotfix.shop-overflow";
    static final String ECONOMY = "example.webapp.economy";
    static final String PID = "hotfix.runtime";
    static final long WAIT_MILLIS = TimeUnit.SECONDS.toMillis(30);
    static final int PLATFORM = 1;

    @Configuration
    @Override
    public Option[] config() {
        // Configuration Admin and Metatype ship; the Health Check API is the operator's to add.
        // Before the runtime (start level 3 in shared.bnd), as a platform bundle would be.
        return OptionUtils.combine(super.config(),
                file("org.apache.felix.healthcheck.api").startLevel(PLATFORM));
    }

    @Test
    public void aJmxClientSeesTheCountersMoveAndAppliesAndRollsBackAHotfix() throws Exception {
        JMXConnectorServer server = JMXConnectorServerFactory.newJMXConnectorServer(
                new JMXServiceURL("rmi", "127.0.0.1", 0), null, ManagementFactory.getPlatformMBeanServer());
        server.start();
        try (JMXConnector client = JMXConnectorFactory.connect(server.getAddress())) {
            MBeanServerConnection connection = client.getMBeanServerConnection();
            ObjectName bean = new ObjectName("hotfix:type=HotfixManager");
            assertEquals(0L, connection.getAttribute(bean, "Installs"));
            assertEquals(-1L, connection.getAttribute(bean, "LastPauseMicros"));

            String applied = (String) connection.invoke(bean, "install",
                    new Object[] {jar(FIX).toURI().toString(), false}, new String[] {"java.lang.String", "boolean"});

            assertTrue(applied, applied.startsWith("applied: " + ECONOMY));
            assertEquals(1L, connection.getAttribute(bean, "Installs"));
            assertTrue((Long) connection.getAttribute(bean, "LastPauseMicros") >= 0);
            String[] inPlace = (String[]) connection.getAttribute(bean, "Applied");
            assertEquals(Arrays.toString(inPlace), 1, inPlace.length);
            long id = manager.list().get(0).id();
            assertEquals(id + " " + ECONOMY + " 1.0.0.SNAPSHOT -> 1.0.1 swap", inPlace[0]);
            assertArrayEquals(new String[0], (String[]) connection.getAttribute(bean, "Problems"));

            Exception refused = assertThrows(Exception.class, () -> connection.invoke(bean, "install",
                    new Object[] {jar("fixture.lower-version").toURI().toString(), false},
                    new String[] {"java.lang.String", "boolean"}));
            String why = refused.getCause() != null ? refused.getCause().getMessage() : refused.getMessage();
            assertTrue(why, why.startsWith("VERSION_NOT_HIGHER: refused: "));
            assertEquals(1L, connection.getAttribute(bean, "Refusals"));

            String rolledBack = (String) connection.invoke(bean, "rollback", new Object[] {id},
                    new String[] {"long"});
            assertTrue(rolledBack, rolledBack.startsWith("rolled back hotfix " + id));
            assertEquals(1L, connection.getAttribute(bean, "Rollbacks"));
            assertArrayEquals(new String[0], (String[]) connection.getAttribute(bean, "Applied"));
            assertEquals("1.0.0.SNAPSHOT", installed(ECONOMY).getVersion().toString());
        } finally {
            server.stop();
        }
    }

    @Test
    public void theHealthCheckIsOkAndWarnsOfAProblemThatConfigurationMade() throws Exception {
        HealthCheck check = service(HealthCheck.class, "(hc.name=hotfix runtime)");
        assertEquals(check.execute().toString(), Result.Status.OK, check.execute().getStatus());

        Path open = Path.of(System.getProperty(WORK, "target/paxexam") + "-open-" + UUID.randomUUID());
        Files.createDirectories(open);
        Files.setPosixFilePermissions(open, PosixFilePermissions.fromString("rwxrwxrwx"));
        configure("hotfix.deploy.dir", open.toString());

        awaitSettled("a deploy problem", () -> manager.status().deployProblems().isEmpty() ? null : true);
        Result result = check.execute();
        assertEquals(result.toString(), Result.Status.WARN, result.getStatus());
        assertTrue(result.toString(), result.toString().contains("deploy directory: "));
        assertTrue(result.toString(), result.toString().contains("world-writable"));
    }

    @Test
    public void configurationAdminChangesTheRuntimeWhileItRunsAndDeletingItGoesBack() throws Exception {
        String before = manager.status().deployDirectory();
        Path elsewhere = Path.of(System.getProperty(WORK, "target/paxexam") + "-deploy-" + UUID.randomUUID())
                .toAbsolutePath().normalize();

        configure("hotfix.deploy.dir", elsewhere.toString(), "hotfix.history.retention", "1");

        awaitSettled("the new deploy directory",
                () -> manager.status().deployDirectory().equals(elsewhere.toString()) ? true : null);
        assertTrue(Files.isDirectory(elsewhere));
        manager.verify(jar(FIX).toURI());
        manager.verify(jar(FIX).toURI());
        assertEquals("only the newest finished attempt is kept", 1, manager.history().size());

        service(ConfigurationAdmin.class, null).getConfiguration(PID, "?").delete();

        awaitSettled("the deploy directory of the framework property",
                () -> manager.status().deployDirectory().equals(before) ? true : null);
    }

    @Test
    public void metatypeDescribesEveryKeyOfTheConfiguration() throws Exception {
        Bundle runtime = installed("hotfix.runtime");
        ObjectClassDefinition definition = service(MetaTypeService.class, null).getMetaTypeInformation(runtime)
                .getObjectClassDefinition(PID, null);

        assertNotNull(definition);
        List<String> keys = Arrays.stream(definition.getAttributeDefinitions(ObjectClassDefinition.ALL))
                .map(AttributeDefinition::getID).toList();
        assertEquals(List.of("hotfix.deploy.dir", "hotfix.deploy.poll", "hotfix.deploy.incomplete",
                "hotfix.drain.timeout", "hotfix.truststore", "hotfix.truststore.password",
                "hotfix.history.retention"), keys);
    }

    private void configure(String... keysAndValues) throws Exception {
        Dictionary<String, Object> properties = new Hashtable<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            properties.put(keysAndValues[i], keysAndValues[i + 1]);
        }
        // "?": bound to whichever bundle registers the PID, the runtime
        service(ConfigurationAdmin.class, null).getConfiguration(PID, "?").update(properties);
    }

    private <T> T service(Class<T> type, String filter) throws Exception {
        ServiceTracker<T, T> tracker = filter == null ? new ServiceTracker<>(context, type, null)
                : new ServiceTracker<>(context, context.createFilter("(&(objectClass=" + type.getName() + ")"
                        + filter + ")"), null);
        tracker.open();
        T service = tracker.waitForService(WAIT_MILLIS);
        assertNotNull("no " + type.getName() + " " + (filter == null ? "" : filter), service);
        return service;
    }
}
