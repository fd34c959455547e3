package hotfix.itests;

import static org.junit.Assert.fail;
import static org.ops4j.pax.exam.CoreOptions.composite;
import static org.ops4j.pax.exam.CoreOptions.frameworkProperty;
import static org.ops4j.pax.exam.CoreOptions.frameworkStartLevel;
import static org.ops4j.pax.exam.CoreOptions.junitBundles;
import static org.ops4j.pax.exam.CoreOptions.options;
import static org.ops4j.pax.exam.CoreOptions.systemProperty;
import static org.ops4j.pax.exam.CoreOptions.workingDirectory;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.function.IntPredicate;
import java.util.function.Supplier;

import javax.inject.Inject;

import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.CoreOptions;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.options.UrlProvisionOption;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;

import example.webapp.api.Leaderboard;
import example.webapp.api.Players;
import example.webapp.api.Shop;
import hotfix.runtime.api.HotfixManager;
import hotfix.runtime.api.QuiesceGate;

/**
 * Composes the framework every in-framework test runs: Felix with the bundles, start levels and
 * properties of the example server as it ships, {@code run-configs/webapp.bndrun} as the build
 * resolved it, each bundle as the jar the build resolved it to. The hotfix runtime starts at a
 * lower start level than the application (see {@code run-configs/shared.bnd}).
 * <p>
 * {@link #config()} runs in the failsafe JVM; test methods run inside the framework, in a
 * second copy of the class loaded from the probe bundle, so nothing is shared through statics:
 * values the tests need are read back from the framework.
 */
public abstract class HotfixTestSupport {

    static final String BUNDLES = "hotfix.itests.bundles";
    static final String WORK = "hotfix.itests.work";
    /** The run configuration the tests run: what webapp.jar ships. */
    static final String RUN_CONFIGURATION = "hotfix.itests.bndrun";
    static final String HTTP_PORT = "org.osgi.service.http.port";
    static final String RUNTIME = "hotfix.runtime";

    @Inject
    protected BundleContext context;

    @Inject
    protected HotfixManager manager;

    @Inject
    protected QuiesceGate gate;

    @Inject
    protected Players players;

    @Inject
    protected Shop shop;

    @Inject
    protected Leaderboard leaderboard;

    @Configuration
    public Option[] config() {
        RunConfiguration shipped = Shipped.WEBAPP;
        return options(
                workingDirectory(System.getProperty(WORK, "target/paxexam")),
                junitBundles(),
                // Test-only settings, beyond what ships:
                // pax-logging's fallback logger prints its DEBUG lines otherwise
                systemProperty("org.ops4j.pax.logging.DefaultServiceLog.level").value("WARN"),
                // slf4j-simple reads system properties only, not the framework's
                systemProperty("org.slf4j.simpleLogger.defaultLogLevel").value("warn"),
                // keep the failsafe class path (slf4j-simple) out of the framework
                frameworkProperty("felix.bootdelegation.implicit").value("false"),
                // the shipped Gogo shell as on a server with no terminal: standard input is failsafe's
                frameworkProperty("gosh.args").value("--nointeractive"),
                // What ships: the run properties, with a free port in place of the shipped one
                properties(shipped, Map.of(HTTP_PORT, Integer.toString(freePort()))),
                // the agent failsafe starts (-javaagent), exported as the exported jars do
                composite(shipped.systemPackages().stream().map(CoreOptions::systemPackage).toArray(Option[]::new)),
                // the level the launcher raises the framework to, above every run bundle's
                frameworkStartLevel(shipped.beginningStartLevel()),
                platform(),
                runtime(),
                application());
    }

    /** @return the shipped bundles that start before the hotfix runtime */
    protected Option platform() {
        return bundles(level -> level < Shipped.WEBAPP.startLevel(RUNTIME));
    }

    /** @return the hotfix runtime, and what the configuration starts at its level */
    protected Option runtime() {
        return bundles(level -> level == Shipped.WEBAPP.startLevel(RUNTIME));
    }

    /** @return the shipped bundles that start after the runtime: the example and what serves it */
    protected Option application() {
        return bundles(level -> level > Shipped.WEBAPP.startLevel(RUNTIME));
    }

    private static Option bundles(IntPredicate atLevel) {
        return composite(Shipped.WEBAPP.bundles().stream()
                .filter(bundle -> atLevel.test(bundle.startLevel()))
                .map(bundle -> CoreOptions.bundle(bundle.jar().toURI().toString()).startLevel(bundle.startLevel())
                        .start(!bundle.fragment()))
                .toArray(Option[]::new));
    }

    /**
     * The run properties as framework properties, as the bnd launcher gives them, but for its own
     * ({@code launch.*}): Pax Exam launches here.
     */
    private static Option properties(RunConfiguration shipped, Map<String, String> overrides) {
        Map<String, String> properties = new TreeMap<>(shipped.properties());
        properties.keySet().removeIf(key -> key.startsWith("launch."));
        properties.putAll(overrides);
        return composite(properties.entrySet().stream()
                .map(property -> frameworkProperty(property.getKey()).value(property.getValue()))
                .toArray(Option[]::new));
    }

    /**
     * The shipped configuration, read once, in the failsafe JVM only: a holder class, so that the
     * probe's copy of this class, in the framework, never reads it.
     */
    private static final class Shipped {
        static final RunConfiguration WEBAPP = RunConfiguration.read(
                Path.of(System.getProperty(RUN_CONFIGURATION, "../run-configs/webapp.bndrun")),
                Path.of(System.getProperty(BUNDLES, "target/bundles")));
    }

    /** A jar copied (version stripped) into target/bundles by the build. */
    protected static UrlProvisionOption file(String artifactId) {
        return org.ops4j.pax.exam.CoreOptions.bundle(jar(artifactId).toURI().toString());
    }

    /** @return the jar of an artifact this build made or copied, from inside the framework too */
    protected static File jar(String artifactId) {
        File jar = new File(System.getProperty(BUNDLES, "target/bundles"), artifactId + ".jar");
        if (!jar.isFile()) {
            throw new IllegalStateException("missing " + jar.getAbsolutePath() + ": run 'mvn verify'");
        }
        return jar;
    }

    static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** @return the example server's base URI, inside the framework */
    protected URI base() {
        return URI.create("http://127.0.0.1:" + context.getProperty(HTTP_PORT));
    }

    /** @return the one installed bundle with this symbolic name */
    protected Bundle installed(String symbolicName) {
        Bundle found = null;
        for (Bundle bundle : context.getBundles()) {
            if (symbolicName.equals(bundle.getSymbolicName()) && bundle.getState() != Bundle.UNINSTALLED) {
                if (found != null) {
                    fail("two bundles are named " + symbolicName + ": " + found + " and " + bundle);
                }
                found = bundle;
            }
        }
        if (found == null) {
            fail("no bundle is named " + symbolicName);
        }
        return found;
    }

    /** Polls until the URI answers 200, within a deadline: Jetty and the whiteboard start asynchronously. */
    protected static void awaitHttp(URI uri, Duration deadline) throws InterruptedException {
        HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        HttpRequest request = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(5)).GET().build();
        long end = System.nanoTime() + deadline.toNanos();
        String last = "no attempt";
        while (System.nanoTime() - end < 0) {
            try {
                HttpResponse<String> response = client.send(request, HttpResponse.BodyHandlers.ofString());
                if (response.statusCode() == 200) {
                    return;
                }
                last = "HTTP " + response.statusCode();
            } catch (IOException e) {
                last = e.toString();
            }
            Thread.sleep(50);
        }
        fail("GET " + uri + " did not answer 200 within " + deadline + "; last: " + last);
    }

    /**
     * Polls until there is an answer while no hotfix is under way, within 30 s: the deploy
     * watcher works on its own thread, and the journal lists a hotfix from its point of no
     * return, before the old version is retired.
     */
    protected <T> T awaitSettled(String what, Supplier<T> answer) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        Supplier<T> settled = () -> manager.status().inProgress().isEmpty() ? answer.get() : null;
        for (T found = settled.get(); ; found = settled.get()) {
            if (found != null) {
                return found;
            }
            if (System.nanoTime() - end >= 0) {
                fail("no " + what + " within 30 s; history: " + manager.history().stream()
                        .map(r -> r.id() + " " + r.source() + " " + r.message()).toList() + "; deploy problems: "
                        + manager.status().deployProblems());
            }
            Thread.sleep(20);
        }
    }
}
