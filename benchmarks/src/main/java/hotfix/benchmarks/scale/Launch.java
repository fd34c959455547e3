package hotfix.benchmarks.scale;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import hotfix.benchmarks.server.Server;

/**
 * Starts the exported jars in folders of their own, with the files a run needs copied in, and
 * waits until their shell answers.
 */
final class Launch {

    static final Duration START = Duration.ofMinutes(2);
    static final Duration COMMAND = Duration.ofMinutes(2);

    private static final Pattern BUNDLE_ID = Pattern.compile("Bundle ID: (\\d+)");

    private final Path repository;
    private final Path work;

    Launch(Path repository, Path work) {
        this.repository = repository;
        this.work = work;
    }

    /** A file the build made, by its path in the repository; fails early if it is not built. */
    Path built(String path) {
        Path file = repository.resolve(path);
        if (!Files.isRegularFile(file)) {
            throw new IllegalStateException(file + " is missing: build first with mvn -B -q package -DskipTests");
        }
        return file;
    }

    /** The example server, HTTP on a free port of 127.0.0.1, with the given files in its folder. */
    Server webapp(String name, List<Path> files) throws IOException, InterruptedException {
        Path folder = folder(name, files);
        Server server = new Server(built("run-configs/target/webapp.jar"), folder, freePort(),
                List.of("-Dhotfix.deploy.dir="));
        server.awaitPrompt(START);
        awaitActive(server, "example.webapp.economy");
        return server;
    }

    /**
     * runtime.jar with the given bundles installed and started, in order.
     *
     * @param options    JVM options; relative files they name are in the server's folder
     * @param properties system properties, {@code name=value}, that the bundles read
     */
    Server runtime(String name, List<String> options, List<String> properties, List<Path> bundles, List<Path> files)
            throws IOException, InterruptedException {
        List<Path> all = new ArrayList<>(bundles);
        all.addAll(files);
        Path folder = folder(name, all);
        List<String> jvm = new ArrayList<>(options);
        properties.forEach(property -> jvm.add("-D" + property));
        jvm.add("-Dhotfix.deploy.dir=");
        Server server = new Server(built("run-configs/target/runtime.jar"), folder, 0, jvm);
        server.awaitPrompt(START);
        for (Path bundle : bundles) {
            String installed = server.command("install " + folder.resolve(bundle.getFileName()).toUri(), COMMAND).text();
            Matcher id = BUNDLE_ID.matcher(installed);
            if (!id.find()) {
                throw new IllegalStateException("could not install " + bundle + ":\n" + installed);
            }
            String started = server.command("start " + id.group(1), COMMAND).text();
            if (started.contains("Exception")) {
                throw new IllegalStateException("could not start " + bundle + ":\n" + started);
            }
        }
        return server;
    }

    /** @return the folder a server of this name runs in */
    Path folder(String name) {
        return work.resolve(name);
    }

    private Path folder(String name, List<Path> files) throws IOException {
        Path folder = Files.createDirectories(work.resolve(name));
        for (Path file : files) {
            Files.copy(file, folder.resolve(file.getFileName()));
        }
        return folder;
    }

    // the framework starts bundles after the shell is up: wait for the one the run patches
    private static void awaitActive(Server server, String symbolicName) throws IOException, InterruptedException {
        long end = System.nanoTime() + START.toNanos();
        while (System.nanoTime() - end < 0) {
            if (server.command("lb -s " + symbolicName, COMMAND).text().contains("|Active ")) {
                return;
            }
            Thread.sleep(100);
        }
        throw new IllegalStateException(symbolicName + " did not become active within " + START);
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
