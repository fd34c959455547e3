package hotfix.itests;

import static org.junit.Assert.fail;
import static org.ops4j.pax.exam.CoreOptions.composite;
import static org.ops4j.pax.exam.CoreOptions.frameworkProperty;
import static org.ops4j.pax.exam.CoreOptions.junitBundles;
import static org.ops4j.pax.exam.CoreOptions.options;
import static org.ops4j.pax.exam.CoreOptions.systemPackage;
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
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import javax.inject.Inject;

import org.ops4j.pax.exam.Configuration;
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
 * Composes the framework every in-framework test runs: Felix with the platform (SCR, the Log
 * service, the HTTP Whiteboard on Jetty 12), the hotfix runtime at a lower start level than the
 * application, and the example's bundles, all as the jars this build just made.
 * <p>
 * {@link #config()} runs in the failsafe JVM; test methods run inside the framework, in a
 * second copy of the class loaded from the probe bundle, so nothing is shared through statics:
 * values the tests need are read back from the framework.
 */
public abstract class HotfixTestSupport {

    /** Start levels: the platform, then the runtime, then the application (Pax Exam's default, 3). */
    static final int PLATFORM_LEVEL = 1;
    static final int RUNTIME_LEVEL = 2;

    static final String BUNDLES = "hotfix.itests.bundles";
    static final String WORK = "hotfix.itests.work";
    static final String HTTP_PORT = "org.osgi.service.http.port";

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
        return options(
                workingDirectory(System.getProperty(WORK, "target/paxexam")),
                junitBundles(),
                // pax-logging's fallback logger prints its DEBUG lines otherwise
                systemProperty("org.ops4j.pax.logging.DefaultServiceLog.level").value("WARN"),
                systemProperty("org.slf4j.simpleLogger.defaultLogLevel").value("warn"),
                // keep the failsafe class path (slf4j-simple) out of the framework
                frameworkProperty("felix.bootdelegation.implicit").value("false"),
                // a hotfix installs its new version beside the old one
                frameworkProperty("org.osgi.framework.bsnversion").value("multiple"),
                // the agent failsafe starts (-javaagent), exported like the exported jars do
                systemPackage("hotfix.agent.api;version=1.0.0"),
                systemProperty(HTTP_PORT).value(Integer.toString(freePort())),
                systemProperty("org.apache.felix.http.host").value("127.0.0.1"),
                platform(),
                runtime(),
                application());
    }

    protected Option platform() {
        return composite(
                file("org.osgi.util.function").startLevel(PLATFORM_LEVEL),
                file("org.osgi.util.promise").startLevel(PLATFORM_LEVEL),
                file("org.osgi.service.component").startLevel(PLATFORM_LEVEL),
                file("org.apache.felix.scr").startLevel(PLATFORM_LEVEL),
                file("org.osgi.service.log").startLevel(PLATFORM_LEVEL),
                file("org.apache.felix.log").startLevel(PLATFORM_LEVEL),
                // SPI Fly must be active before slf4j-api is first used
                file("asm").startLevel(PLATFORM_LEVEL),
                file("asm-tree").startLevel(PLATFORM_LEVEL),
                file("asm-analysis").startLevel(PLATFORM_LEVEL),
                file("asm-commons").startLevel(PLATFORM_LEVEL),
                file("asm-util").startLevel(PLATFORM_LEVEL),
                file("org.apache.aries.spifly.dynamic.bundle").startLevel(PLATFORM_LEVEL),
                file("slf4j-api").startLevel(RUNTIME_LEVEL),
                file("slf4j-simple").startLevel(RUNTIME_LEVEL),
                file("org.apache.felix.http.servlet-api").startLevel(RUNTIME_LEVEL),
                file("commons-io").startLevel(RUNTIME_LEVEL),
                file("commons-fileupload").startLevel(RUNTIME_LEVEL),
                file("org.apache.felix.http.jetty12").startLevel(RUNTIME_LEVEL),
                file("gson").startLevel(RUNTIME_LEVEL));
    }

    protected Option runtime() {
        return composite(file("hotfix.runtime").startLevel(RUNTIME_LEVEL));
    }

    protected Option application() {
        return composite(file("example.webapp.api"), file("example.webapp.economy"), file("example.webapp.web"));
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
