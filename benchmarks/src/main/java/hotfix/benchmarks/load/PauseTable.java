package hotfix.benchmarks.load;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import hotfix.benchmarks.server.Answer;
import hotfix.benchmarks.server.Server;

/**
 * Issue 13's pause table: the pause each kind of hotfix reports under saturating load, for
 * several numbers of connections, measured on one or more server jars in one run, alternating
 * between them cell by cell, so that two models of the runtime (say the previous and the new) are
 * compared side by side on the same machine at the same time. Two more phases keep something
 * open during the hotfixes that never touches their target: event streams, and a thread blocked
 * inside another bundle's service. Prints Markdown tables and writes them,
 * with every attempt as CSV, to files. See benchmarks/README.md, "The pause table".
 */
public final class PauseTable {

    private static final Duration START = Duration.ofSeconds(90);
    private static final Duration COMMAND = Duration.ofSeconds(90);
    private static final Duration STREAM_PERIOD = Duration.ofMillis(50);
    private static final Pattern BUNDLE_ID = Pattern.compile("Bundle ID: (\\d+)");
    private static final Pattern REDEFINE_SAFEPOINT = Pattern.compile(
            "Safepoint \"RedefineClasses\".*Reaching safepoint: (\\d+) ns.*At safepoint: (\\d+) ns");
    private static final String SAFEPOINT_LOG = "safepoints.log";

    /** The three kinds of hotfix of issue 13's targets, and where the harness finds each by default. */
    enum Kind {
        SWAP("swap", "shared-state or stateless swap", "example.webapp/hotfixes/shop-overflow/target/shop-overflow-fix.jar"),
        COPY("copy", "copied-state swap", "benchmarks/fixtures/tally-copy/target/tally-copy-fix.jar"),
        REDEFINE("redefine", "redefine", "example.webapp/hotfixes/bulk-discount/target/bulk-discount-fix.jar");

        final String key;
        final String title;
        final String path;

        Kind(String key, String title, String path) {
            this.key = key;
            this.title = title;
            this.path = path;
        }

        static Kind of(String key) {
            for (Kind kind : values()) {
                if (kind.key.equals(key)) {
                    return kind;
                }
            }
            throw new IllegalArgumentException("unknown kind " + key + "; use swap, copy or redefine");
        }
    }

    /** What a phase keeps open during its hotfixes, beside the load. */
    enum Open {
        NONE("", "nothing"),
        STREAMS("streams", "event streams"),
        BLOCKED("blocked", "a blocked call");

        final String key;
        final String title;

        Open(String key, String title) {
            this.key = key;
            this.title = title;
        }

        static Open of(String key) {
            for (Open open : values()) {
                if (open != NONE && open.key.equals(key)) {
                    return open;
                }
            }
            throw new IllegalArgumentException("unknown open phase " + key + "; use streams or blocked");
        }
    }

    /** A server jar to measure, by a short name, with the hotfix jar of each kind made for it. */
    record Target(String name, Path webapp, Map<Kind, Path> fixes) {

        /**
         * {@code NAME=WEBAPP_JAR[,swap=JAR][,copy=JAR][,redefine=JAR]}. A hotfix not named is looked
         * for in the checkout the server jar was built in (WEBAPP_JAR is its
         * run-configs/target/webapp.jar), then in this one: the swap and redefine fixes are the
         * example's and must be built against the same example as the server; the copy fix's target
         * is a bundle of this harness, installed alike into every server.
         */
        static Target parse(String spec, Path repository) {
            int equals = spec.indexOf('=');
            if (equals <= 0) {
                throw new IllegalArgumentException("--server wants NAME=WEBAPP_JAR[,swap=JAR][,copy=JAR][,redefine=JAR], got " + spec);
            }
            String[] parts = spec.substring(equals + 1).split(",");
            Path webapp = Path.of(parts[0]);
            Map<Kind, Path> fixes = new EnumMap<>(Kind.class);
            for (int i = 1; i < parts.length; i++) {
                String[] pair = parts[i].split("=", 2);
                if (pair.length != 2) {
                    throw new IllegalArgumentException("expected KIND=JAR in " + spec + ", got " + parts[i]);
                }
                fixes.put(Kind.of(pair[0]), Path.of(pair[1]));
            }
            Path checkout = webapp.toAbsolutePath().getParent();
            for (int up = 0; up < 2 && checkout != null; up++) {
                checkout = checkout.getParent();
            }
            for (Kind kind : Kind.values()) {
                if (!fixes.containsKey(kind)) {
                    Path beside = checkout == null ? null : checkout.resolve(kind.path);
                    fixes.put(kind, beside != null && Files.isRegularFile(beside) ? beside : repository.resolve(kind.path));
                }
            }
            return new Target(spec.substring(0, equals), webapp, fixes);
        }
    }

    /** How big a run is. */
    record Size(int[] connections, int cycles, int warmupCycles, int openConnections, int openCycles, int streams,
            Duration warmup, Duration gap, int trickleClients, long trickleMicros, long maxRequests) {

        static Size full() {
            return new Size(new int[] {16, 64, 256}, 20, 1, 16, 5, 3, Duration.ofSeconds(3), Duration.ofMillis(150), 2,
                    2000, 20_000_000);
        }

        static Size quick() {
            return new Size(new int[] {16}, 3, 1, 16, 1, 2, Duration.ofSeconds(2), Duration.ofMillis(150), 2, 2000,
                    2_000_000);
        }
    }

    /** One hotfix command and what it answered. */
    record Attempt(String server, Kind kind, int connections, int round, int cycle, String action, Answer answer,
            Stats.Window window, int streamsOpen, long reachingSafepointMicros, long atSafepointMicros) {

        /** @return whether it counts in the tables: not a warm-up cycle */
        boolean counted() {
            return cycle >= 1;
        }

        /**
         * @return whether it paused anything: it applied (or rolled back), or was refused once it had
         *         held calls (a refused report has no quiesce stage, but says how long it held them)
         */
        boolean paused() {
            return done() || answer.pauseMicros() > 0;
        }

        boolean done() {
            return answer.outcome().equals("APPLIED") || answer.outcome().equals("ROLLED_BACK");
        }

        Attempt withStreamsOpen(int open) {
            return new Attempt(server, kind, connections, round, cycle, action, answer, window, open,
                    reachingSafepointMicros, atSafepointMicros);
        }

        Attempt withSafepoint(long reaching, long at) {
            return new Attempt(server, kind, connections, round, cycle, action, answer, window, streamsOpen, reaching, at);
        }
    }

    /** What one cell (a server, a kind, a number of connections) measured in one round. */
    record Cell(String server, Kind kind, int connections, int round, Open open, List<Attempt> attempts,
            long requests, long failed, Stats.Summary during, String summary, int streams, String problem) {
    }

    private final List<Target> targets;
    private final List<Kind> kinds;
    private final List<Kind> openKinds;
    private final List<Open> opens;
    private final Size size;
    private final int rounds;
    private final Path repository;
    private final Path work;
    private final String drainTimeout;
    private final StringBuilder report = new StringBuilder();
    private final List<Cell> cells = new ArrayList<>();
    private final List<Cell> openCells = new ArrayList<>();
    private final List<String> problems = new ArrayList<>();
    private final Path plots;

    private PauseTable(List<Target> targets, List<Kind> kinds, List<Kind> openKinds, List<Open> opens, Size size,
            int rounds, Path repository, Path work, String drainTimeout, Path plots) {
        this.opens = opens;
        this.plots = plots;
        this.targets = targets;
        this.kinds = kinds;
        this.openKinds = openKinds;
        this.size = size;
        this.rounds = rounds;
        this.repository = repository;
        this.work = work;
        this.drainTimeout = drainTimeout;
    }

    /**
     * Runs it, from the repository's root. Options:
     * <ul>
     * <li>{@code --server NAME=WEBAPP_JAR[,swap=JAR][,copy=JAR][,redefine=JAR]}, repeated: the
     * servers to compare, in this order (the first is the baseline of the ratios); default
     * {@code current=run-configs/target/webapp.jar};</li>
     * <li>{@code --connections 16,64,256}, {@code --cycles 20} (apply and rollback, per cell, after
     * {@code --warmup-cycles 1} that are not counted in the tables, only in the CSV),
     * {@code --kinds swap,copy,redefine}, {@code --rounds 1} (each round measures every cell
     * again, the servers' order flipped);</li>
     * <li>{@code --open streams,blocked} (or {@code none}), {@code --open-kinds swap,copy,redefine},
     * {@code --open-cycles 5}, {@code --open-connections 16}, {@code --streams 3}: the phases with
     * event streams open, and with a call blocked inside another bundle's service;</li>
     * <li>{@code --drain-timeout MS}: passed to every hotfix command ({@code -t}); the shell's
     * default (5000) otherwise;</li>
     * <li>{@code --quick}: one level of 16 connections, 3 cycles, 1 open cycle;</li>
     * <li>{@code --out FILE} (default benchmarks/target/pause-table.md; the attempts go beside it,
     * .csv), {@code --plots DIR} (default benchmarks/target: pause-swap.png, pause-copy.png,
     * pause-redefine.png).</li>
     * </ul>
     */
    public static void main(String[] args) throws Exception {
        System.setProperty("java.awt.headless", "true");
        // read once, when the JDK's HTTP client first loads: before any client is made
        System.setProperty("jdk.httpclient.keepalive.timeout", Integer.toString(Load.KEEP_ALIVE_S));
        Path repository = Path.of("");
        Size size = Size.full();
        List<String> servers = new ArrayList<>();
        int[] connections = null;
        Integer cycles = null;
        Integer warmupCycles = null;
        Integer openCycles = null;
        Integer openConnections = null;
        Integer streams = null;
        List<Kind> kinds = List.of(Kind.values());
        List<Kind> openKinds = List.of(Kind.values());
        List<Open> opens = List.of(Open.STREAMS, Open.BLOCKED);
        int rounds = 1;
        String drainTimeout = "";
        Path out = Path.of("benchmarks/target/pause-table.md");
        Path plots = Path.of("benchmarks/target");
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--server" -> servers.add(args[++i]);
                case "--connections" -> connections = Arrays.stream(args[++i].split(",")).mapToInt(Integer::parseInt).toArray();
                case "--cycles" -> cycles = Integer.parseInt(args[++i]);
                case "--warmup-cycles" -> warmupCycles = Integer.parseInt(args[++i]);
                case "--kinds" -> kinds = kinds(args[++i]);
                case "--open-kinds" -> openKinds = kinds(args[++i]);
                case "--open" -> opens = args[++i].equals("none") ? List.of()
                        : Arrays.stream(args[i].split(",")).map(Open::of).toList();
                case "--open-cycles" -> openCycles = Integer.parseInt(args[++i]);
                case "--open-connections" -> openConnections = Integer.parseInt(args[++i]);
                case "--streams" -> streams = Integer.parseInt(args[++i]);
                case "--rounds" -> rounds = Integer.parseInt(args[++i]);
                case "--drain-timeout" -> drainTimeout = "-t " + Long.parseLong(args[++i]) + " ";
                case "--quick" -> size = Size.quick();
                case "--out" -> out = Path.of(args[++i]);
                case "--plots" -> plots = Path.of(args[++i]);
                default -> throw new IllegalArgumentException("unknown option " + args[i] + "; see the Javadoc of "
                        + PauseTable.class.getName() + " or benchmarks/README.md");
            }
        }
        size = new Size(connections != null ? connections : size.connections(), cycles != null ? cycles : size.cycles(),
                warmupCycles != null ? warmupCycles : size.warmupCycles(), openConnections != null ? openConnections : size.openConnections(),
                openCycles != null ? openCycles : size.openCycles(), streams != null ? streams : size.streams(),
                size.warmup(), size.gap(), size.trickleClients(), size.trickleMicros(), size.maxRequests());
        if (servers.isEmpty()) {
            servers.add("current=run-configs/target/webapp.jar");
        }
        List<Target> targets = servers.stream().map(spec -> Target.parse(spec, repository)).toList();
        for (Target target : targets) {
            List<Path> needed = new ArrayList<>(List.of(target.webapp()));
            needed.addAll(target.fixes().values());
            needed.addAll(fixtures(repository));
            for (Path jar : needed) {
                if (!Files.isRegularFile(jar)) {
                    throw new IllegalArgumentException("missing " + jar.toAbsolutePath() + " (for " + target.name()
                            + "): build first (mvn -B -o package -DskipTests) and run from the repository's root");
                }
            }
        }
        Path work = Files.createTempDirectory("hotfix-pauses-");
        PauseTable table = new PauseTable(targets, kinds, openKinds, opens, size, rounds, repository, work,
                drainTimeout, plots);
        Path csv = out.resolveSibling(out.getFileName().toString().replaceFirst("\\.md$", "") + ".csv");
        try {
            table.run();
        } finally {
            Files.createDirectories(out.toAbsolutePath().getParent());
            Files.writeString(out, table.report);
            Files.writeString(csv, table.csv());
            System.out.println("\nwritten to " + out.toAbsolutePath() + " and " + csv.toAbsolutePath());
            delete(work);
        }
    }

    private static List<Kind> kinds(String list) {
        return list.equals("none") ? List.of() : Arrays.stream(list.split(",")).map(Kind::of).toList();
    }

    /** The bundles of this harness installed into every server, in the order they are started. */
    private static List<Path> fixtures(Path repository) {
        return Stream.of("blocker", "tally", "probe")
                .map(name -> repository.resolve("benchmarks/fixtures/" + name + "/target/benchmarks.fixture." + name
                        + "-1.0.0-SNAPSHOT.jar"))
                .toList();
    }

    private void run() throws Exception {
        Instant began = Instant.now();
        line("<!-- %s, %d processors, %s %s -->", began, Runtime.getRuntime().availableProcessors(),
                System.getProperty("java.vm.name"), System.getProperty("java.runtime.version"));
        for (Target target : targets) {
            line("<!-- %s: %s; %s -->", target.name(), target.webapp().toAbsolutePath().normalize(),
                    target.fixes().entrySet().stream().map(e -> e.getKey().key + "=" + e.getValue().toAbsolutePath().normalize())
                            .collect(Collectors.joining(", ")));
        }
        int index = 0;
        for (int round = 1; round <= rounds; round++) {
            for (int connections : size.connections()) {
                for (Kind kind : kinds) {
                    // alternate which server goes first, cell by cell, so that neither always runs on a
                    // machine the other has just warmed or loaded
                    for (Target target : order(index++)) {
                        measure(cells, target, kind, connections, round, Open.NONE);
                    }
                }
            }
        }
        pauseTables();
        plots();
        for (Open open : opens) {
            for (Kind kind : openKinds) {
                for (Target target : order(index++)) {
                    measure(openCells, target, kind, size.openConnections(), 1, open);
                }
            }
        }
        openTable();
        if (!problems.isEmpty()) {
            line("### Cells that stopped early or never ran");
            line("");
            // one line each: an exception's message may carry the server's output
            problems.forEach(problem -> line("- %s", oneLine(problem)));
            line("");
        }
        line("<!-- took %s -->", Duration.between(began, Instant.now()).withNanos(0));
    }

    /** Measures a cell into the list; a cell that cannot start is named among the problems, and the run goes on. */
    private void measure(List<Cell> into, Target target, Kind kind, int connections, int round, Open open) {
        try {
            Cell cell = cell(target, kind, connections, round, open);
            into.add(cell);
            if (!cell.problem().isEmpty()) {
                problems.add(String.format(Locale.ROOT, "%s, %s, %d connections, round %d, %s open: stopped after %d"
                        + " attempt(s): %s", target.name(), kind.title, connections, round, open.title,
                        cell.attempts().size(), cell.problem()));
            }
        } catch (Exception e) {
            System.out.println("could not measure " + target.name() + " " + kind.key + " " + connections + ": " + e);
            e.printStackTrace(System.out);
            problems.add(String.format(Locale.ROOT, "%s, %s, %d connections, round %d, %s open: not measured: %s",
                    target.name(), kind.title, connections, round, open.title, e));
        }
    }

    private List<Target> order(int index) {
        List<Target> order = new ArrayList<>(targets);
        if (index % 2 == 1) {
            Collections.reverse(order);
        }
        return order;
    }

    // ---- one cell -----------------------------------------------------------------------------

    private Cell cell(Target target, Kind kind, int connections, int round, Open open) throws Exception {
        String name = String.format(Locale.ROOT, "%s-%s-%d-r%d%s", target.name(), kind.key, connections, round,
                open == Open.NONE ? "" : "-" + open.key);
        int count = open == Open.NONE ? size.cycles() : size.openCycles();
        System.out.printf(Locale.ROOT, "%s: %s, %d connections, %d cycles, %s open%n", name, kind.title, connections,
                count, open.title);
        Path folder = Files.createDirectories(work.resolve(name));
        Path fix = target.fixes().get(kind);
        Files.copy(fix, folder.resolve(fix.getFileName()));
        List<String> options = kind == Kind.REDEFINE ? List.of("-Xlog:safepoint=info:file=" + SAFEPOINT_LOG) : List.of();
        Cell cell;
        try (Server server = new Server(target.webapp(), folder, LoadBenchmark.freePort(), options)) {
            server.awaitReady(START);
            installFixtures(server, folder);
            long origin = System.nanoTime();
            Load load = new Load(server.base(), connections, origin, size.maxRequests(), "p" + connections + "-");
            Trickle trickle = kind == Kind.COPY
                    ? new Trickle(server.base().resolve("/bench/tally?micros=" + size.trickleMicros()), size.trickleClients(), origin)
                    : null;
            EventStreams streams = open == Open.STREAMS
                    ? new EventStreams(server.base(), size.streams(), STREAM_PERIOD, origin) : null;
            String blocked = "";
            String problem = "";
            List<Attempt> attempts = new ArrayList<>();
            try {
                if (streams != null) {
                    streams.awaitFlowing(Duration.ofSeconds(30));
                }
                if (open == Open.BLOCKED) {
                    blocked = block(server.base(), "POST");
                }
                Thread.sleep(size.warmup().toMillis());
                // no warm-up cycle with something open: it would only add a refusal's drain timeout to each
                cycles(server, target, kind, connections, round, open == Open.NONE ? size.warmupCycles() : 0, count,
                        fix.getFileName().toString(), origin, streams, attempts);
                Thread.sleep(500);
                if (open == Open.BLOCKED) {
                    blocked = block(server.base(), "GET");
                }
            } catch (Exception e) {
                // a long run goes on to the next cell; the cell keeps what it measured, and says what broke
                problem = e.toString();
                System.out.println(name + ": stopped early: " + e);
                e.printStackTrace(System.out);
            } finally {
                Requests requests = load.stop();
                Requests trickled = trickle == null ? null : trickle.stop();
                String openSummary = "";
                if (streams != null) {
                    // a stream was open across a window if it delivered a line before it and one after it
                    Thread.sleep(2 * STREAM_PERIOD.toMillis());
                    attempts = attempts.stream().map(a -> a.withStreamsOpen(streams.openAcross(a.window()))).toList();
                    openSummary = streamsSummary(streams, attempts.stream().map(Attempt::window).toList());
                    streams.close();
                }
                if (open == Open.BLOCKED) {
                    openSummary = "blocked call after the hotfixes: " + (blocked.isEmpty() ? "no answer" : blocked);
                    block(server.base(), "DELETE");
                }
                long failed = Stats.failed(requests, 0, Long.MAX_VALUE)
                        + (trickled == null ? 0 : Stats.failed(trickled, 0, Long.MAX_VALUE));
                long total = requests.size() + (trickled == null ? 0 : trickled.size());
                List<Stats.Window> windows = attempts.stream().map(Attempt::window).toList();
                failures(name, requests, windows);
                if (trickled != null) {
                    failures(name + " (tally calls)", trickled, windows);
                }
                if (kind == Kind.REDEFINE) {
                    attempts = withSafepoints(attempts, folder.resolve(SAFEPOINT_LOG));
                }
                System.out.printf(Locale.ROOT, "%s: %d requests, %d failed; pauses (us) in order: %s%s%n", name, total,
                        failed, attempts.stream().map(a -> a.answer().outcome().startsWith("REFUSED")
                                ? a.answer().reason() : Long.toString(a.answer().pauseMicros())).toList(),
                        openSummary.isEmpty() ? "" : "; " + openSummary);
                // the example's requests that overlapped a hotfix's window: how long the load was held
                Stats.Summary during = Stats.split(requests, windows, 0, Long.MAX_VALUE)[1];
                cell = new Cell(target.name(), kind, connections, round, open, attempts, total, failed, during,
                        openSummary, streams == null ? 0 : streams.count(), problem);
            }
        }
        return cell;
    }

    private void cycles(Server server, Target target, Kind kind, int connections, int round, int warmups, int count,
            String jar, long origin, EventStreams streams, List<Attempt> attempts) throws Exception {
        for (int cycle = 1 - warmups; cycle <= count; cycle++) {
            Attempt applied = attempt(server, target, kind, connections, round, cycle, "apply",
                    "hotfix:install --json " + drainTimeout + jar, origin, streams);
            attempts.add(applied);
            if (cycle == 1 - warmups) {
                String message = applied.answer().message();
                System.out.printf(Locale.ROOT, "  the first reply: %s %s, pause %d us: %s%n", applied.answer().outcome(),
                        applied.answer().reason(), applied.answer().pauseMicros(),
                        message.length() > 400 ? message.substring(0, 400) + "..." : message);
            }
            Thread.sleep(size.gap().toMillis());
            if (!applied.done()) {
                continue;
            }
            // a rollback refused (say, the drain timed out) is tried again: the next apply needs the old version back
            for (int tries = 0; tries < 5; tries++) {
                Attempt rolledBack = attempt(server, target, kind, connections, round, cycle, "rollback",
                        "hotfix:rollback --json " + drainTimeout + applied.answer().id(), origin, streams);
                attempts.add(rolledBack);
                Thread.sleep(size.gap().toMillis());
                if (rolledBack.done()) {
                    break;
                }
                if (tries == 4) {
                    throw new IllegalStateException("could not roll back " + applied.answer().id() + ": "
                            + rolledBack.answer().message());
                }
            }
        }
    }

    private Attempt attempt(Server server, Target target, Kind kind, int connections, int round, int cycle,
            String action, String command, long origin, EventStreams streams) throws IOException, InterruptedException {
        Server.Reply reply = server.command(command, COMMAND);
        Answer answer = Answer.parse(reply.text());
        Stats.Window window = new Stats.Window(reply.sent() - origin, reply.replied() - origin);
        // whether the streams were open across it is known once they have delivered a line after it
        return new Attempt(target.name(), kind, connections, round, cycle, action, answer, window, -1, -1, -1);
    }

    /** Installs and starts this harness's bundles, then waits for the probe's servlets to answer. */
    private void installFixtures(Server server, Path folder) throws IOException, InterruptedException {
        for (Path bundle : fixtures(repository)) {
            Path copy = folder.resolve(bundle.getFileName());
            Files.copy(bundle, copy);
            String installed = server.command("install " + copy.toUri(), COMMAND).text();
            Matcher id = BUNDLE_ID.matcher(installed);
            if (!id.find()) {
                throw new IllegalStateException("could not install " + bundle + ":\n" + installed);
            }
            String started = server.command("start " + id.group(1), COMMAND).text();
            if (started.contains("Exception")) {
                throw new IllegalStateException("could not start " + bundle + ":\n" + started);
            }
        }
        long end = System.nanoTime() + START.toNanos();
        while (block(server.base(), "GET").isEmpty()) {
            if (System.nanoTime() - end > 0) {
                throw new IllegalStateException("the probe's /bench/block never answered");
            }
            Thread.sleep(100);
        }
    }

    /** Starts ({@code POST}), asks about ({@code GET}) or releases ({@code DELETE}) the blocked call. */
    private static String block(URI base, String method) throws InterruptedException {
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(2)).build();
        // far longer than any drain timeout, and than the phase: DELETE ends it
        URI uri = base.resolve(method.equals("POST") ? "/bench/block?ms=1800000" : "/bench/block");
        try {
            HttpResponse<String> response = client.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(30))
                    .method(method, HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
            return response.statusCode() / 100 == 2 ? response.body().strip() : "";
        } catch (IOException e) {
            return "";
        }
    }

    private static String streamsSummary(EventStreams streams, List<Stats.Window> windows) {
        return String.format(Locale.ROOT, "%d lines, longest gap %s ms (touching a hotfix's window: %s ms), "
                + "%d of %d streams still open after the hotfixes%s", streams.lines(),
                LoadBenchmark.ms(streams.longestGap(List.of())),
                windows.isEmpty() ? "-" : LoadBenchmark.ms(streams.longestGap(windows)), streams.alive(), streams.count(),
                streams.ended().isEmpty() ? "" : " (ended: " + String.join("; ", streams.ended()) + ")");
    }

    // the log has one RedefineClasses safepoint per redefinition, in order: the agent's own at
    // start, then one per apply and rollback that got as far as redefining; the last ones are ours
    private static List<Attempt> withSafepoints(List<Attempt> attempts, Path safepoints) throws IOException {
        List<long[]> times = new ArrayList<>();
        if (Files.exists(safepoints)) {
            for (String line : Files.readAllLines(safepoints)) {
                Matcher matcher = REDEFINE_SAFEPOINT.matcher(line);
                if (matcher.find()) {
                    times.add(new long[] {Long.parseLong(matcher.group(1)) / 1000, Long.parseLong(matcher.group(2)) / 1000});
                }
            }
        }
        List<Attempt> done = attempts.stream().filter(Attempt::done).toList();
        int skip = times.size() - done.size();
        if (skip < 0) {
            return attempts;
        }
        List<Attempt> matched = new ArrayList<>();
        int next = skip;
        for (Attempt attempt : attempts) {
            if (attempt.done()) {
                long[] time = times.get(next++);
                matched.add(attempt.withSafepoint(time[0], time[1]));
            } else {
                matched.add(attempt);
            }
        }
        return matched;
    }

    // ---- the tables ---------------------------------------------------------------------------

    private void pauseTables() {
        if (cells.isEmpty()) {
            return;
        }
        line("### Pause under saturating load: %d apply/rollback cycle(s) per cell, %d round(s)", size.cycles(), rounds);
        line("");
        line("The pause is the report's (`pauseMicros`), in µs, over every apply and rollback of the cell (all rounds"
                + " together) that paused, refused ones included: they held calls as long;"
                + " *held* is the calls the report says it held (`n/r`: the report does not say).");
        line("");
        line("| kind | connections | server | hotfixes done / tried | pause p50 / p90 / p99 / max (µs) | calls held: total / max"
                + " | requests | failed | redefineClasses safepoint p50 (µs) | pause minus safepoint p50 / p99 (µs) |");
        line("|---|---:|---|---:|---|---|---:|---:|---:|---|");
        Map<String, List<Cell>> groups = new LinkedHashMap<>();
        for (Cell cell : cells) {
            groups.computeIfAbsent(cell.kind().key + "|" + cell.connections() + "|" + cell.server(), key -> new ArrayList<>())
                    .add(cell);
        }
        Map<String, long[]> sorted = new TreeMap<>();
        for (Map.Entry<String, List<Cell>> group : groups.entrySet()) {
            List<Cell> of = group.getValue();
            Cell first = of.get(0);
            List<Attempt> attempts = of.stream().flatMap(c -> c.attempts().stream()).filter(Attempt::counted).toList();
            List<Attempt> done = attempts.stream().filter(Attempt::done).toList();
            long[] pauses = Stats.sorted(attempts.stream().filter(Attempt::paused).map(a -> a.answer().pauseMicros()).toList());
            sorted.put(group.getKey(), pauses);
            List<Long> held = done.stream().map(a -> a.answer().held()).filter(h -> h >= 0).toList();
            String heldText = held.isEmpty() ? "n/r" : held.stream().mapToLong(Long::longValue).sum() + " / "
                    + held.stream().mapToLong(Long::longValue).max().orElse(0);
            long[] safepoints = Stats.sorted(done.stream().filter(a -> a.atSafepointMicros() >= 0)
                    .map(a -> a.reachingSafepointMicros() + a.atSafepointMicros()).toList());
            long[] ours = Stats.sorted(done.stream().filter(a -> a.atSafepointMicros() >= 0)
                    .map(a -> a.answer().pauseMicros() - a.reachingSafepointMicros() - a.atSafepointMicros()).toList());
            line("| %s | %d | %s | %d / %d%s | %s | %s | %d | %d | %s | %s |", first.kind().title, first.connections(),
                    first.server(), done.size(), attempts.size(), refusals(attempts), percentiles(pauses), heldText,
                    of.stream().mapToLong(Cell::requests).sum(), of.stream().mapToLong(Cell::failed).sum(),
                    safepoints.length == 0 ? "" : Long.toString(Stats.percentile(safepoints, 50)),
                    ours.length == 0 ? "" : Stats.percentile(ours, 50) + " / " + Stats.percentile(ours, 99));
        }
        line("");
        if (targets.size() < 2) {
            return;
        }
        Target base = targets.get(0);
        line("### Side by side: each server against %s, the same cells of the same run", base.name());
        line("");
        line("| kind | connections | server | p50: %s → it (µs) | ratio | p99: %s → it (µs) | ratio | max: %s → it (µs) |",
                base.name(), base.name(), base.name());
        line("|---|---:|---|---|---:|---|---:|---|");
        for (Kind kind : kinds) {
            for (int connections : size.connections()) {
                long[] was = sorted.get(kind.key + "|" + connections + "|" + base.name());
                for (Target other : targets.subList(1, targets.size())) {
                    long[] is = sorted.get(kind.key + "|" + connections + "|" + other.name());
                    if (was == null || is == null || was.length == 0 || is.length == 0) {
                        continue;
                    }
                    long p50 = Stats.percentile(was, 50);
                    long p99 = Stats.percentile(was, 99);
                    line("| %s | %d | %s | %d → %d | %s | %d → %d | %s | %d → %d |", kind.title, connections, other.name(),
                            p50, Stats.percentile(is, 50), ratio(Stats.percentile(is, 50), p50), p99,
                            Stats.percentile(is, 99), ratio(Stats.percentile(is, 99), p99), was[was.length - 1],
                            is[is.length - 1]);
                }
            }
        }
        line("");
        if (rounds > 1) {
            line("Median pause per round (µs), to see how much a cell moves between rounds:");
            line("");
            for (Map.Entry<String, List<Cell>> group : groups.entrySet()) {
                line("- %s: %s", group.getKey().replace('|', ' '), group.getValue().stream()
                        .map(c -> Long.toString(Stats.percentile(Stats.sorted(c.attempts().stream().filter(a -> a.counted() && a.paused())
                                .map(a -> a.answer().pauseMicros()).toList()), 50)))
                        .collect(Collectors.joining(", ")));
            }
            line("");
        }
    }

    /** One plot per kind: every pause, by connections, the servers side by side. */
    private void plots() throws IOException {
        if (cells.isEmpty()) {
            return;
        }
        for (Kind kind : kinds) {
            Map<String, List<long[]>> pauses = new LinkedHashMap<>();
            for (Target target : targets) {
                List<long[]> levels = new ArrayList<>();
                for (int connections : size.connections()) {
                    levels.add(Stats.sorted(cells.stream()
                            .filter(c -> c.kind() == kind && c.connections() == connections && c.server().equals(target.name()))
                            .flatMap(c -> c.attempts().stream()).filter(a -> a.counted() && a.paused())
                            .map(a -> a.answer().pauseMicros()).toList()));
                }
                pauses.put(target.name(), levels);
            }
            Path file = plots.resolve("pause-" + kind.key + ".png");
            PausePlot.write(file, "Pause of a " + kind.title + " under saturating load",
                    String.format(Locale.ROOT, "%d apply/rollback cycles per cell and round, %d round(s); each dot one"
                            + " hotfix's reported pause, the line each server's median", size.cycles(), rounds),
                    size.connections(), pauses);
            line("![%s](%s)", kind.title, file.toAbsolutePath().normalize());
            line("");
        }
    }

    private void openTable() {
        if (openCells.isEmpty()) {
            return;
        }
        line("### Open during the hotfixes, never touching their target: %d connections, %d cycle(s) per cell",
                size.openConnections(), size.openCycles());
        line("");
        line("*event streams*: %d synchronous `GET /bench/events` of the probe bundle (a line every %d ms, calling no"
                + " service), open from before the first hotfix to after the last. *a blocked call*: a thread of the probe"
                + " bundle inside the blocker bundle's service (through its proxy) for up to 30 minutes, longer than any"
                + " drain timeout, from before the first hotfix to after the last.", size.streams(), STREAM_PERIOD.toMillis());
        line("");
        line("| open | kind | server | hotfixes done / tried | tried with every stream open across it | pause p50 / max (µs), refused ones too"
                + " | requests | failed | latency of the requests around a hotfix p99 / max (ms) | what stayed open |");
        line("|---|---|---|---:|---:|---|---:|---:|---|---|");
        for (Cell cell : openCells) {
            List<Attempt> counted = cell.attempts().stream().filter(Attempt::counted).toList();
            List<Attempt> done = counted.stream().filter(Attempt::done).toList();
            long[] pauses = Stats.sorted(counted.stream().filter(Attempt::paused).map(a -> a.answer().pauseMicros()).toList());
            line("| %s | %s | %s | %d / %d%s | %s | %s | %d | %d | %s / %s | %s |", cell.open().title, cell.kind().title,
                    cell.server(), done.size(), counted.size(), refusals(counted),
                    cell.open() == Open.STREAMS ? openCount(counted, cell.streams()) : "",
                    pauses.length == 0 ? "-" : Stats.percentile(pauses, 50) + " / " + pauses[pauses.length - 1],
                    cell.requests(), cell.failed(), LoadBenchmark.ms(cell.during().p99()),
                    LoadBenchmark.ms(cell.during().max()), cell.summary());
        }
        line("");
    }

    private static String openCount(List<Attempt> attempts, int streams) {
        return attempts.stream().filter(a -> a.streamsOpen() == streams).count() + " of " + attempts.size();
    }

    private static String refusals(List<Attempt> attempts) {
        Map<String, Long> reasons = attempts.stream().filter(a -> !a.done())
                .collect(Collectors.groupingBy(a -> a.answer().outcome() + " " + a.answer().reason(), TreeMap::new,
                        Collectors.counting()));
        return reasons.isEmpty() ? "" : " (" + reasons.entrySet().stream().map(e -> e.getValue() + " " + e.getKey())
                .collect(Collectors.joining(", ")) + ")";
    }

    private static String oneLine(String text) {
        String flat = text.strip().replaceAll("\\s*\\R\\s*", " / ");
        return flat.length() > 600 ? flat.substring(0, 600) + "..." : flat;
    }

    private static String percentiles(long[] sorted) {
        if (sorted.length == 0) {
            return "-";
        }
        return Stats.percentile(sorted, 50) + " / " + Stats.percentile(sorted, 90) + " / " + Stats.percentile(sorted, 99)
                + " / " + sorted[sorted.length - 1];
    }

    private static String ratio(long is, long was) {
        return was == 0 ? "-" : String.format(Locale.ROOT, "%.2f", (double) is / was);
    }

    private String csv() {
        StringBuilder out = new StringBuilder("phase,server,kind,connections,round,cycle,action,outcome,reason,pause_us,held,"
                + "quiesce_us,commit_us,window_ms,streams_open,reaching_safepoint_us,at_safepoint_us\n");
        List<Cell> all = new ArrayList<>(cells);
        all.addAll(openCells);
        for (Cell cell : all) {
            for (Attempt a : cell.attempts()) {
                out.append(String.format(Locale.ROOT, "%s,%s,%s,%d,%d,%d,%s,%s,%s,%d,%d,%d,%d,%.1f,%d,%d,%d%n",
                        cell.open() == Open.NONE ? "pause" : cell.open().key, a.server(), a.kind().key, a.connections(), a.round(),
                        a.cycle(), a.action(), a.answer().outcome(), a.answer().reason(), a.answer().pauseMicros(),
                        a.answer().held(), a.answer().stage("quiesce"), a.answer().stage("commit"),
                        (a.window().to() - a.window().from()) / 1e6, a.streamsOpen(), a.reachingSafepointMicros(),
                        a.atSafepointMicros()));
            }
        }
        return out.toString();
    }

    // ---- helpers ------------------------------------------------------------------------------

    private static void failures(String name, Requests requests, List<Stats.Window> windows) {
        if (requests.failures.isEmpty()) {
            return;
        }
        System.out.println(name + ", failed requests (the first 20; seconds since the load began):");
        requests.failures.stream().sorted(Comparator.comparingLong(Requests.Failure::start)).limit(20)
                .forEach(f -> System.out.printf(Locale.ROOT, "  %.3f s%s: %s%n", f.start() / 1e9,
                        windows.stream().anyMatch(w -> w.from() <= f.start() && f.start() <= w.to())
                                ? " (in a window)" : "", f.what()));
    }

    private void line(String format, Object... arguments) {
        String text = String.format(Locale.ROOT, format, arguments);
        report.append(text).append('\n');
        System.out.println(text);
    }

    private static void delete(Path root) throws IOException {
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        }
    }
}
