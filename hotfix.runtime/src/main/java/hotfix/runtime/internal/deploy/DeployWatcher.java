package hotfix.runtime.internal.deploy;

import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.framework.startlevel.BundleStartLevel;
import org.osgi.framework.startlevel.FrameworkStartLevel;

import hotfix.runtime.api.HotfixManager;
import hotfix.runtime.internal.log.RuntimeLog;
import hotfix.runtime.internal.ops.Settings;
import hotfix.runtime.internal.pipeline.Pipeline;

/**
 * Watches the deploy directory on one daemon thread, {@value #THREAD}, and tells the
 * {@link Pipeline} what it watches and what went wrong.
 */
public final class DeployWatcher implements Pipeline.DeployState {

    /** The directory to watch; relative to the working directory; empty to watch none. */
    public static final String DIRECTORY_PROPERTY = Settings.DEPLOY_DIR;
    /** Milliseconds between two looks at the directory. */
    public static final String POLL_PROPERTY = Settings.DEPLOY_POLL;
    static final String DEFAULT_DIRECTORY = "hotfix/deploy";
    static final long DEFAULT_POLL_MILLIS = 500;
    static final long LEAST_POLL_MILLIS = 10;
    static final String STATE_FILE = "deploy-state.properties";
    static final String THREAD = "hotfix-deploy-watcher";
    /** How long {@link #stop()} waits for a hotfix in progress to end: past the default drain deadline. */
    static final Duration STOP_DEADLINE = Duration.ofSeconds(15);
    /** How long the first pass waits for the server to finish starting, at most. */
    static final Duration STARTUP_WAIT = Duration.ofSeconds(60);

    private final DeployScanner scanner;
    private final long pollMillis;
    private final BooleanSupplier ready;
    private final DeployScanner.Log log;
    private final List<String> problems;
    private final Thread thread;
    private final Object lock = new Object();
    private boolean stopping;

    /**
     * @param ready whether the server has finished starting: asked before each pass until it
     *              says yes, for {@link #STARTUP_WAIT} at most
     */
    DeployWatcher(DeployScanner scanner, Duration poll, BooleanSupplier ready, DeployScanner.Log log) {
        this.scanner = scanner;
        this.pollMillis = poll.toMillis();
        this.ready = ready;
        this.log = log;
        this.problems = List.of();
        this.thread = new Thread(this::run, THREAD);
        this.thread.setDaemon(true);
    }

    /** A watcher that watches nothing and says why. */
    private DeployWatcher(List<String> problems) {
        this.scanner = null;
        this.pollMillis = 0;
        this.ready = () -> false;
        this.log = null;
        this.problems = List.copyOf(problems);
        this.thread = null;
    }

    /**
     * Reads {@value #DIRECTORY_PROPERTY}, {@value #POLL_PROPERTY} and the other deploy settings, creates the directory if
     * missing, and starts watching it. Never throws: what goes wrong is logged and shown in
     * {@link #problems()}, and the runtime starts without the deploy directory.
     */
    public static DeployWatcher start(BundleContext context, Settings settings, HotfixManager manager,
            RuntimeLog runtimeLog) {
        DeployScanner.Log log = (level, message, thrown) -> {
            switch (level) {
                case ERROR -> runtimeLog.error("{}", message, thrown);
                case WARNING -> runtimeLog.warn("{}", message, thrown);
                default -> runtimeLog.info("{}", message, thrown);
            }
        };
        String configured = settings.get(DIRECTORY_PROPERTY);
        if (configured != null && configured.isBlank()) {
            runtimeLog.info("No deploy directory: {} is empty", DIRECTORY_PROPERTY);
            return new DeployWatcher(List.of());
        }
        Path directory;
        try {
            // relative to the working directory, so two servers started in two folders share nothing
            directory = Path.of(configured == null ? DEFAULT_DIRECTORY : configured.trim()).toAbsolutePath().normalize();
        } catch (InvalidPathException e) {
            String problem = "refusing to watch '" + configured + "': not a path: " + e.getMessage();
            runtimeLog.error("{}", problem);
            return new DeployWatcher(List.of(problem));
        }
        DeployDirectory.create(directory).ifPresent(problem -> log.log(System.Logger.Level.ERROR, problem, null));
        try {
            DeployScanner scanner = new DeployScanner(manager, directory,
                    new DeployedJars(context.getDataFile(STATE_FILE).toPath()), log);
            scanner.settings(settings.hotfixOptions(), settings.deployIncomplete(DeployScanner.DEFAULT_INCOMPLETE));
            DeployWatcher watcher = new DeployWatcher(scanner, Duration.ofMillis(poll(settings, runtimeLog)),
                    () -> started(context), log);
            watcher.startThread();
            runtimeLog.info("Watching {} for hotfix jars", directory);
            return watcher;
        } catch (RuntimeException e) {
            String problem = "cannot watch " + directory + ": " + e;
            runtimeLog.error("{}", problem, e);
            return new DeployWatcher(List.of(problem));
        }
    }

    /**
     * Whether the server has finished starting: every bundle meant to start is at or below the
     * framework's start level and no longer starting. The runtime starts at a low start level,
     * before the application; a jar added while the server was down is for the application, and
     * would be refused with its target not active yet. The framework being active is not enough:
     * launchers raise the start level after starting the framework.
     */
    static boolean started(BundleContext context) {
        Bundle framework = context.getBundle(Constants.SYSTEM_BUNDLE_LOCATION);
        if (framework.getState() != Bundle.ACTIVE) {
            return false;
        }
        int level = framework.adapt(FrameworkStartLevel.class).getStartLevel();
        for (Bundle bundle : context.getBundles()) {
            BundleStartLevel start = bundle.adapt(BundleStartLevel.class);
            if (start == null || bundle.getBundleId() == 0) {
                continue;
            }
            if (start.isPersistentlyStarted() && start.getStartLevel() > level) {
                return false;
            }
            // a lazily activated bundle waits in STARTING for its first class load, maybe forever
            if (bundle.getState() == Bundle.STARTING && !start.isActivationPolicyUsed()) {
                return false;
            }
        }
        return true;
    }

    private static long poll(Settings settings, RuntimeLog log) {
        String value = settings.get(POLL_PROPERTY);
        if (value == null || value.isBlank()) {
            return DEFAULT_POLL_MILLIS;
        }
        try {
            return Math.max(LEAST_POLL_MILLIS, Long.parseLong(value.trim()));
        } catch (NumberFormatException e) {
            log.warn("{}={} is not a number of milliseconds; polling every {} ms", POLL_PROPERTY, value,
                    DEFAULT_POLL_MILLIS);
            return DEFAULT_POLL_MILLIS;
        }
    }

    @Override
    public String directory() {
        return scanner != null && scanner.watching() ? scanner.directory().toString() : "";
    }

    @Override
    public List<String> problems() {
        return scanner != null ? scanner.problems() : problems;
    }

    void startThread() {
        thread.start();
    }

    /**
     * Stops the thread: at once between two polls; after the hotfix it is applying otherwise,
     * which is never interrupted half-way. Waits at most {@link #STOP_DEADLINE}.
     */
    public void stop() {
        if (thread == null) {
            return;
        }
        synchronized (lock) {
            stopping = true;
            lock.notifyAll();
        }
        if (Thread.currentThread() == thread) {
            return;
        }
        try {
            thread.join(STOP_DEADLINE.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (thread.isAlive()) {
            log.log(System.Logger.Level.WARNING, "The deploy directory watcher did not stop within "
                    + STOP_DEADLINE.toSeconds() + " s; it stops after the hotfix it is applying", null);
        }
    }

    private void run() {
        String lastFailure = "";
        boolean started = false;
        long since = System.nanoTime();
        while (true) {
            try {
                if (!started) {
                    started = ready.getAsBoolean();
                    if (!started && System.nanoTime() - since > STARTUP_WAIT.toNanos()) {
                        log.log(System.Logger.Level.WARNING, "The server has not finished starting after "
                                + STARTUP_WAIT.toSeconds() + " s: some bundle meant to start is above the framework's"
                                + " start level, or stuck starting; watching " + scanner.directory() + " anyway", null);
                        started = true;
                    }
                }
                if (started) {
                    scanner.scan();
                }
                lastFailure = "";
            } catch (RuntimeException | LinkageError e) {
                // Log and go on: a bad pass must not end the watching. Logged once while it repeats.
                String problem = "scanning " + scanner.directory() + " failed: " + e;
                if (!problem.equals(lastFailure)) {
                    log.log(System.Logger.Level.ERROR, problem, e);
                }
                scanner.failed(problem);
                lastFailure = problem;
            }
            synchronized (lock) {
                long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(pollMillis);
                for (long left = pollMillis; !stopping && left > 0;
                        left = TimeUnit.NANOSECONDS.toMillis(end - System.nanoTime())) {
                    try {
                        lock.wait(left);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
                if (stopping) {
                    return;
                }
            }
        }
    }
}
