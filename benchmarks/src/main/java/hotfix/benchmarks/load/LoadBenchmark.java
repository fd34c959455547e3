package hotfix.benchmarks.load;

import java.awt.Color;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import hotfix.benchmarks.server.Answer;
import hotfix.benchmarks.server.Server;

/**
 * Proof under load: the exported example server, started as a process, under HTTP load from N
 * clients, while the hotfix is applied and rolled back from its shell; the same load against a
 * plain bundle update and a restart; and the same load with the runtime switched off. Prints
 * Markdown tables and writes them, with plots, to files. See benchmarks/README.md.
 */
public final class LoadBenchmark {

    private static final Duration START = Duration.ofSeconds(90);
    private static final Duration COMMAND = Duration.ofSeconds(60);
    private static final Pattern ECONOMY = Pattern.compile("(?m)^\\s*(\\d+)\\|\\w+\\s*\\|\\s*\\d+\\|example\\.webapp\\.economy ");
    private static final String FIX = "shop-overflow-fix.jar";
    private static final String REDEFINE = "bulk-discount-fix.jar";
    private static final String ECONOMY_JAR = "example.webapp.economy-";

    /** How big a run is. */
    record Size(int[] clients, int cycles, int redefineCycles, int events, Duration warmup, Duration baseline,
            Duration gap, Duration idleMeasure, int idleRounds, long maxRequests, Duration phaseLimit) {

        static Size full() {
            return new Size(new int[] {8, 32, 128}, 100, 25, 3, Duration.ofSeconds(3), Duration.ofSeconds(10),
                    Duration.ofMillis(150), Duration.ofSeconds(20), 3, 20_000_000, Duration.ofMinutes(8));
        }

        static Size quick() {
            return new Size(new int[] {4, 16}, 5, 3, 1, Duration.ofSeconds(2), Duration.ofSeconds(3),
                    Duration.ofMillis(150), Duration.ofSeconds(8), 1, 2_000_000, Duration.ofMinutes(2));
        }

        int middle() {
            return clients[clients.length / 2];
        }
    }

    private final Size size;
    private final Path webapp;
    private final Path fix;
    private final Path redefine;
    private final Path work;
    private final Path plots;
    private final StringBuilder report = new StringBuilder();

    private LoadBenchmark(Size size, Path webapp, Path fix, Path redefine, Path work, Path plots) {
        this.size = size;
        this.webapp = webapp;
        this.fix = fix;
        this.redefine = redefine;
        this.work = work;
        this.plots = plots;
    }

    /**
     * Runs it. Options: {@code --quick} (a short run), {@code --webapp JAR}, {@code --fix JAR},
     * {@code --redefine JAR}, {@code --out FILE} (the Markdown, default benchmarks/target/load.md),
     * {@code --plots DIR} (default docs). Paths default to the build's outputs, from the
     * repository's root.
     */
    public static void main(String[] args) throws Exception {
        System.setProperty("java.awt.headless", "true");
        // read once, when the JDK's HTTP client first loads: before any client is made
        System.setProperty("jdk.httpclient.keepalive.timeout", Integer.toString(Load.KEEP_ALIVE_S));
        Size size = Size.full();
        Path webapp = Path.of("run-configs/target/webapp.jar");
        Path fix = Path.of("example.webapp/hotfixes/shop-overflow/target/shop-overflow-fix.jar");
        Path redefine = Path.of("example.webapp/hotfixes/bulk-discount/target/bulk-discount-fix.jar");
        Path out = Path.of("benchmarks/target/load.md");
        Path plots = Path.of("docs");
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--quick" -> size = Size.quick();
                case "--webapp" -> webapp = Path.of(args[++i]);
                case "--fix" -> fix = Path.of(args[++i]);
                case "--redefine" -> redefine = Path.of(args[++i]);
                case "--out" -> out = Path.of(args[++i]);
                case "--plots" -> plots = Path.of(args[++i]);
                default -> throw new IllegalArgumentException("unknown option " + args[i]
                        + "; use --quick, --webapp JAR, --fix JAR, --redefine JAR, --out FILE, --plots DIR");
            }
        }
        for (Path jar : List.of(webapp, fix, redefine)) {
            if (!Files.isRegularFile(jar)) {
                throw new IllegalArgumentException("missing " + jar.toAbsolutePath()
                        + ": build first (mvn -q package -DskipTests) and run from the repository's root");
            }
        }
        Path work = Files.createTempDirectory("hotfix-load-");
        LoadBenchmark benchmark = new LoadBenchmark(size, webapp, fix, redefine, work, plots);
        try {
            benchmark.run();
        } finally {
            Files.createDirectories(out.toAbsolutePath().getParent());
            Files.writeString(out, benchmark.report);
            System.out.println("\nwritten to " + out.toAbsolutePath());
            delete(work);
        }
    }

    private void run() throws Exception {
        Instant began = Instant.now();
        line("<!-- %s, %d processors, %s %s -->", began, Runtime.getRuntime().availableProcessors(),
                System.getProperty("java.vm.name"), System.getProperty("java.runtime.version"));
        hotfixUnderLoad();
        redefineUnderLoad();
        alternatives();
        idleCost();
        line("<!-- took %s -->", Duration.between(began, Instant.now()).withNanos(0));
    }

    // ---- 1. the hotfix under load -------------------------------------------------------------

    private void hotfixUnderLoad() throws Exception {
        line("### Hotfix under load: %s applied and rolled back %d times", FIX, size.cycles());
        line("");
        line("| clients | hotfixes | requests | failed | outside p50 / p99 / max (ms) | during p50 / p99 / max (ms)"
                + " | longest gap: unpatched / around a hotfix (ms) | pause p50 / p99 / max (us) | state kept |");
        line("|---:|---:|---:|---:|---|---|---|---|---|");
        for (int clients : size.clients()) {
            Cycles cycles = cycles(clients, "swap" + clients, FIX, false, size.cycles());
            row(clients, cycles);
            if (clients == size.middle()) {
                plotSwap(cycles);
            }
        }
        line("");
    }

    private void redefineUnderLoad() throws Exception {
        line("### Redefine under load: %s applied and rolled back %d times (on top of %s)", REDEFINE,
                size.redefineCycles(), FIX);
        line("");
        line("| clients | hotfixes | requests | failed | outside p50 / p99 / max (ms) | during p50 / p99 / max (ms)"
                + " | longest gap: unpatched / around a hotfix (ms) | pause p50 / p99 / max (us) | state kept |");
        line("|---:|---:|---:|---:|---|---|---|---|---|");
        int clients = size.middle();
        row(clients, cycles(clients, "redefine" + clients, REDEFINE, true, size.redefineCycles()));
        line("");
    }

    /** What one run of apply/rollback cycles measured. */
    record Cycles(Requests requests, List<Stats.Window> applies, List<Stats.Window> rollbacks, List<Long> pauses,
            List<Long> moments, long from, long to, boolean stateKept, int hotfixes) {
    }

    private Cycles cycles(int clients, String name, String jar, boolean onTopOfSwap, int count) throws Exception {
        Path folder = folder(name);
        int port = freePort();
        try (Server server = new Server(webapp, folder, port, List.of())) {
            server.awaitReady(START);
            if (onTopOfSwap) {
                expect(server.command("hotfix:install --json " + FIX, COMMAND), "APPLIED");
            }
            Probe witness = new Probe(server.base(), "witness");
            String before = witness.prepare();
            long origin = System.nanoTime();
            Load load = new Load(server.base(), clients, origin, size.maxRequests(), "c" + clients + "-");
            Thread.sleep(size.warmup().toMillis());
            long from = System.nanoTime() - origin;
            Thread.sleep(size.baseline().toMillis()); // outside any window: what the load sees unpatched
            long deadline = System.nanoTime() + size.phaseLimit().toNanos();
            List<Stats.Window> applies = new ArrayList<>();
            List<Stats.Window> rollbacks = new ArrayList<>();
            List<Long> pauses = new ArrayList<>();
            List<Long> moments = new ArrayList<>();
            for (int cycle = 0; cycle < count && !load.exhausted() && System.nanoTime() < deadline; cycle++) {
                Server.Reply applied = expect(server.command("hotfix:install --json " + jar, COMMAND), "APPLIED");
                applies.add(new Stats.Window(applied.sent() - origin, applied.replied() - origin));
                pauses.add(pause(applied));
                if (cycle == 0) {
                    System.out.println(name + ", the first reply:\n" + applied.text());
                }
                moments.add(applied.sent() - origin + pauseStart(applied));
                Thread.sleep(size.gap().toMillis());
                Server.Reply rolledBack = expect(server.command("hotfix:rollback --json " + id(applied), COMMAND),
                        "ROLLED_BACK");
                rollbacks.add(new Stats.Window(rolledBack.sent() - origin, rolledBack.replied() - origin));
                pauses.add(pause(rolledBack));
                moments.add(rolledBack.sent() - origin + pauseStart(rolledBack));
                Thread.sleep(size.gap().toMillis());
            }
            Thread.sleep(1000);
            long to = System.nanoTime() - origin;
            Requests requests = load.stop();
            boolean kept = Probe.same(before, witness.state());
            System.out.printf(Locale.ROOT, "%s: %d requests, %d hotfixes; pauses (us) in order: %s%n", name,
                    requests.size(), applies.size() + rollbacks.size(), pauses);
            List<Stats.Window> windows = new ArrayList<>(applies);
            windows.addAll(rollbacks);
            failures(name, requests, windows);
            return new Cycles(requests, applies, rollbacks, pauses, moments, from, to, kept, applies.size() + rollbacks.size());
        }
    }

    private void row(int clients, Cycles cycles) {
        List<Stats.Window> windows = new ArrayList<>(cycles.applies());
        windows.addAll(cycles.rollbacks());
        windows.sort(Comparator.comparingLong(Stats.Window::from));
        Stats.Summary[] split = Stats.split(cycles.requests(), windows, cycles.from(), cycles.to());
        long gap = 0;
        for (Stats.Window window : windows) {
            gap = Math.max(gap, Stats.unavailable(cycles.requests(), window, 0));
        }
        long[] pauses = Stats.sorted(cycles.pauses());
        long unpatched = Stats.unavailable(cycles.requests(),
                new Stats.Window(cycles.from(), cycles.from() + size.baseline().toNanos()), 0);
        line("| %d | %d | %d | %d | %s | %s | %s / %s | %d / %d / %d | %s |", clients, cycles.hotfixes(),
                split[0].requests() + split[1].requests(), split[0].failed() + split[1].failed(), ms(split[0]),
                ms(split[1]), ms(unpatched), ms(gap), Stats.percentile(pauses, 50), Stats.percentile(pauses, 99),
                pauses.length == 0 ? 0 : pauses[pauses.length - 1], cycles.stateKept() ? "yes" : "**no**");
    }

    private void plotSwap(Cycles cycles) throws IOException {
        List<Plot.Shade> shades = List.of(
                new Plot.Shade(cycles.applies(), new Color(255, 150, 0, 90), "apply"),
                new Plot.Shade(cycles.rollbacks(), new Color(0, 170, 90, 90), "rollback"));
        String subtitle = String.format(Locale.ROOT, "%d clients; shaded: from typing hotfix:install (orange) or "
                + "hotfix:rollback (green) to its reply; dark red line: the pause, placed by the report's stage times; "
                + "red dots: failed requests (none if absent)", size.middle());
        if (cycles.applies().isEmpty()) {
            return;
        }
        Plot.write(plots.resolve("latency-whole-run.png"), "Request latency while " + FIX + " is applied and rolled back "
                + cycles.applies().size() + " times", subtitle, cycles.requests(), shades, cycles.moments(),
                cycles.from(), cycles.to());
        int first = Math.min(10, cycles.rollbacks().size()) - 1;
        Plot.write(plots.resolve("latency-under-hotfix.png"), "Request latency: " + size.baseline().toSeconds()
                + " s unpatched, then the first " + (first + 1) + " apply/rollback cycles", subtitle,
                cycles.requests(), shades, cycles.moments(), cycles.from(), cycles.rollbacks().get(first).to() + 500_000_000L);
        int middle = cycles.rollbacks().size() / 2;
        Plot.write(plots.resolve("latency-one-hotfix.png"), "One apply and rollback, close up (cycle " + (middle + 1)
                + ")", subtitle, cycles.requests(), shades, cycles.moments(),
                cycles.applies().get(middle).from() - 300_000_000L, cycles.rollbacks().get(middle).to() + 300_000_000L);
    }

    // ---- 2. the alternatives ------------------------------------------------------------------

    /** One way of changing the economy bundle while the load runs; returns its window. */
    private interface Change {
        Stats.Window apply(int event, long origin) throws Exception;
    }

    private void alternatives() throws Exception {
        int clients = size.middle();
        line("### The alternatives: %d clients, the economy bundle changed %d time(s) by each", clients, size.events());
        line("");
        line("| way | changes | requests | failed | unavailable per change, max (ms) | longest gap unchanged (ms)"
                + " | state kept | during p99 / max (ms) |");
        line("|---|---:|---:|---:|---:|---:|---|---|");
        alternative("hotfix (hotfix:install, hotfix:rollback)", clients, "alt-hotfix", (server, holder) -> (event, origin) -> {
            Server.Reply reply = event % 2 == 0
                    ? expect(server[0].command("hotfix:install --json " + FIX, COMMAND), "APPLIED")
                    : expect(server[0].command("hotfix:rollback --json " + holder[0], COMMAND), "ROLLED_BACK");
            if (event % 2 == 0) {
                holder[0] = id(reply);
            }
            return new Stats.Window(reply.sent() - origin, reply.replied() - origin);
        });
        alternative("bundle update + refresh (Gogo update, refresh)", clients, "alt-update", (server, holder) -> (event, origin) -> {
            Path folder = work.resolve("alt-update");
            Path jar = event % 2 == 0 ? folder.resolve(FIX) : folder.resolve("economy-1.0.0.jar");
            if (!Files.exists(folder.resolve("economy-1.0.0.jar"))) {
                Files.write(folder.resolve("economy-1.0.0.jar"), Redeploy.embedded(webapp, ECONOMY_JAR));
            }
            String id = economy(server[0]);
            Server.Reply updated = server[0].command("update " + id + " " + jar.toUri(), COMMAND);
            Server.Reply refreshed = server[0].command("refresh " + id, COMMAND);
            return new Stats.Window(updated.sent() - origin, refreshed.replied() - origin);
        });
        alternative("restart with the fixed bundle (stop, redeploy, start)", clients, "alt-restart", (server, holder) -> (event, origin) -> {
            Path folder = work.resolve("alt-restart");
            Path fixed = work.resolve("webapp-fixed.jar");
            if (!Files.exists(fixed)) {
                Redeploy.replace(webapp, ECONOMY_JAR, Files.readAllBytes(fix), fixed);
            }
            long sent = System.nanoTime();
            int port = server[0].base().getPort();
            server[0].close();
            server[0] = new Server(event % 2 == 0 ? fixed : webapp, folder, port, List.of());
            server[0].awaitReady(START);
            return new Stats.Window(sent - origin, System.nanoTime() - origin);
        });
        line("");
    }

    private interface ChangeFactory {
        Change of(Server[] server, String[] holder);
    }

    private void alternative(String name, int clients, String folderName, ChangeFactory factory) throws Exception {
        Path folder = folder(folderName);
        Server[] server = {new Server(webapp, folder, freePort(), List.of())};
        try {
            server[0].awaitReady(START);
            Change change = factory.of(server, new String[1]);
            Probe witness = new Probe(server[0].base(), "witness");
            String before = witness.prepare();
            long origin = System.nanoTime();
            Load load = new Load(server[0].base(), clients, origin, size.maxRequests(), "a-");
            Thread.sleep(size.warmup().toMillis());
            long from = System.nanoTime() - origin;
            Thread.sleep(size.baseline().toMillis()); // the same load, nothing changed: what a gap is anyway
            long unchanged = System.nanoTime() - origin;
            List<Stats.Window> windows = new ArrayList<>();
            int kept = 0;
            for (int event = 0; event < size.events(); event++) {
                windows.add(change.apply(event, origin));
                Thread.sleep(3000); // a refresh finishes after its command returns; let the load settle
                String after = witness.state();
                if (Probe.same(before, after)) {
                    kept++;
                } else {
                    System.out.printf("%s: the witness was %s, is now %s%n", name, before, after.isEmpty() ? "gone" : after);
                    before = after.isEmpty() ? witness.prepare() : after;
                }
            }
            long to = System.nanoTime() - origin;
            Requests requests = load.stop();
            long unavailable = 0;
            for (Stats.Window window : windows) {
                unavailable = Math.max(unavailable, Stats.unavailable(requests, window, 2_500_000_000L));
            }
            Stats.Summary all = Stats.all(requests, from, to);
            Stats.Summary during = Stats.split(requests, windows, from, to)[1];
            long quiet = Stats.unavailable(requests, new Stats.Window(from, unchanged), 0);
            line("| %s | %d | %d | %d | %s | %s | %s | %s / %s |", name, windows.size(), all.requests(), all.failed(),
                    ms(unavailable), ms(quiet), kept == windows.size() ? "yes" : kept == 0 ? "**no**" : kept + " of " + windows.size(),
                    ms(during.p99()), ms(during.max()));
            System.out.printf(Locale.ROOT, "%s: %d requests%n", name, requests.size());
            failures(name, requests, windows);
        } finally {
            server[0].close();
        }
    }

    private static String economy(Server server) throws IOException, InterruptedException {
        Server.Reply reply = server.command("lb -s example.webapp.economy", COMMAND);
        Matcher matcher = ECONOMY.matcher(reply.text());
        if (!matcher.find()) {
            throw new IllegalStateException("no economy bundle in:\n" + reply.text());
        }
        return matcher.group(1);
    }

    // ---- 3. the cost when idle ----------------------------------------------------------------

    private void idleCost() throws Exception {
        int clients = size.middle();
        line("### Cost when idle: %d clients, %d s measured after %d s of warm-up, %d round(s)", clients,
                size.idleMeasure().toSeconds(), size.warmup().toSeconds(), size.idleRounds());
        line("");
        line("| round | runtime | requests | failed | throughput (req/s) | p50 / p99 / max (ms) |");
        line("|---:|---|---:|---:|---:|---|");
        long[] totals = new long[2];
        for (int round = 1; round <= size.idleRounds(); round++) {
            for (int enabled = 1; enabled >= 0; enabled--) {
                Path folder = folder("idle-" + round + "-" + enabled);
                List<String> properties = enabled == 1 ? List.of() : List.of("-Dhotfix.enabled=false");
                try (Server server = new Server(webapp, folder, freePort(), properties)) {
                    server.awaitReady(START);
                    String status = server.command("hotfix:status", COMMAND).text();
                    if (status.contains("CommandNotFound") == (enabled == 1)) {
                        throw new IllegalStateException("the runtime is not " + (enabled == 1 ? "on" : "off") + ":\n" + status);
                    }
                    long origin = System.nanoTime();
                    Load load = new Load(server.base(), clients, origin, size.maxRequests(), "i-");
                    Thread.sleep(size.warmup().toMillis());
                    long from = System.nanoTime() - origin;
                    Thread.sleep(size.idleMeasure().toMillis());
                    long to = System.nanoTime() - origin;
                    Requests requests = load.stop();
                    Stats.Summary summary = Stats.all(requests, from, to);
                    failures(folder.getFileName().toString(), requests, List.of());
                    totals[enabled] += summary.requests();
                    line("| %d | %s | %d | %d | %.0f | %s |", round, enabled == 1 ? "on" : "off (-Dhotfix.enabled=false)",
                            summary.requests(), summary.failed(), summary.requests() / ((to - from) / 1e9), ms(summary));
                }
            }
        }
        line("");
        line("Throughput with the runtime on is **%.1f%%** of the throughput with it off (all rounds together).",
                100.0 * totals[1] / Math.max(1, totals[0]));
        line("");
    }

    // ---- helpers ------------------------------------------------------------------------------

    /** Prints the first failed requests, and whether each overlapped a window, for the log. */
    private static void failures(String name, Requests requests, List<Stats.Window> windows) {
        if (requests.failures.isEmpty()) {
            return;
        }
        System.out.println(name + ", failed requests (at most 100 per client; seconds since the load began):");
        requests.failures.stream().sorted(Comparator.comparingLong(Requests.Failure::start)).limit(40)
                .forEach(f -> System.out.printf(Locale.ROOT, "  %.3f s%s: %s%n", f.start() / 1e9,
                        windows.stream().anyMatch(w -> w.from() <= f.start() && f.start() <= w.to())
                                ? " (in a window)" : "", f.what()));
    }

    /** @return the reply, if its JSON report has the outcome given */
    private static Server.Reply expect(Server.Reply reply, String outcome) {
        Answer.parse(reply.text()).expect(outcome);
        return reply;
    }

    private static String id(Server.Reply reply) {
        return Long.toString(Answer.parse(reply.text()).id());
    }

    private static long pause(Server.Reply reply) {
        return Answer.parse(reply.text()).pauseMicros();
    }

    /** When the pause began, in nanoseconds after the command was sent: the stages before it, as reported. */
    private static long pauseStart(Server.Reply reply) {
        Answer answer = Answer.parse(reply.text());
        long micros = 0;
        for (String stage : List.of("inspect", "plan", "stage")) {
            micros += Math.max(0, answer.stage(stage));
        }
        return micros * 1000;
    }

    private Path folder(String name) throws IOException {
        Path folder = Files.createDirectories(work.resolve(name));
        Files.copy(fix, folder.resolve(FIX));
        Files.copy(redefine, folder.resolve(REDEFINE));
        return folder;
    }

    private static String ms(Stats.Summary summary) {
        return ms(summary.p50()) + " / " + ms(summary.p99()) + " / " + ms(summary.max());
    }

    static String ms(long nanos) {
        if (nanos == Long.MAX_VALUE) {
            return "never back";
        }
        double ms = nanos / 1e6;
        return String.format(Locale.ROOT, ms < 10 ? "%.2f" : ms < 100 ? "%.1f" : "%.0f", ms);
    }

    private void line(String format, Object... arguments) {
        String text = String.format(Locale.ROOT, format, arguments);
        report.append(text).append('\n');
        System.out.println(text);
    }

    static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void delete(Path root) throws IOException {
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        }
    }
}
