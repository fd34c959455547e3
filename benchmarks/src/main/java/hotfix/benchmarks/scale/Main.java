package hotfix.benchmarks.scale;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * Runs the no-leak and scaling measurements of issue 6 (items 4 and 5) against the jars the build
 * exported, and writes their tables and raw figures. From the repository's root, after
 * {@code mvn -B -q package -DskipTests}:
 *
 * <pre>
 * java -cp benchmarks/target/benchmarks.jar hotfix.benchmarks.scale.Main [--quick] [--only leak,swap,inflight,redefine]
 * </pre>
 *
 * {@code --quick} is a smoke run of a minute or two; the full run takes about a quarter of an hour on
 * two cores. Tables go to standard output and {@code benchmarks/results/scaling-tables.md}, the
 * per-hotfix numbers to CSV files beside it ({@code --out DIR} moves them).
 */
public final class Main {

    private Main() {
    }

    public static void main(String[] args) throws IOException, InterruptedException {
        boolean quick = false;
        List<String> only = List.of("leak", "swap", "inflight", "redefine");
        Path repository = Path.of("").toAbsolutePath();
        Path out = null;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--quick" -> quick = true;
                case "--only" -> only = Arrays.asList(args[++i].split(","));
                case "--repo" -> repository = Path.of(args[++i]).toAbsolutePath();
                case "--out" -> out = Path.of(args[++i]).toAbsolutePath();
                default -> {
                    System.err.println("usage: Main [--quick] [--only leak,swap,inflight,redefine] [--repo DIR] [--out DIR]");
                    System.exit(2);
                }
            }
        }
        if (out == null) {
            out = repository.resolve("benchmarks/results");
        }
        Files.createDirectories(out);
        PrintStream log = System.err;
        Path work = Files.createTempDirectory("hotfix-scale");
        Launch launch = new Launch(repository, work);
        Instant started = Instant.now();
        StringBuilder tables = new StringBuilder();
        tables.append("<!-- ").append(quick ? "--quick, " : "").append(started).append(", ")
                .append(Runtime.getRuntime().availableProcessors()).append(" cores, java ")
                .append(System.getProperty("java.vm.version")).append(" -->\n");
        try {
            if (only.contains("leak")) {
                LeakRun leak = new LeakRun(launch, log, quick ? 50 : 1000);
                leak.run();
                Files.writeString(out.resolve("leak-cycles.csv"), leak.csvCycles());
                Files.writeString(out.resolve("leak-snapshots.csv"), leak.csvPoints());
                tables.append("\n### No leak\n\n").append(leak.markdown());
            }
            if (only.contains("swap")) {
                SwapScaling swap = new SwapScaling(launch, log, quick ? List.of(1, 10, 100) : List.of(1, 10, 100, 1000),
                        quick ? 5 : 20);
                swap.run();
                Files.writeString(out.resolve("swap-pauses.csv"), swap.csv());
                tables.append("\n### Swap pause against services swapped\n\n").append(swap.markdown());
            }
            if (only.contains("inflight")) {
                InFlightScaling inFlight = new InFlightScaling(launch, log,
                        quick ? List.of(0, 8) : List.of(0, 1, 8, 32, 128), quick ? 3 : 10);
                inFlight.run();
                Files.writeString(out.resolve("inflight-pauses.csv"), inFlight.csv());
                tables.append("\n### Swap pause against calls in flight\n\n").append(inFlight.markdown());
            }
            if (only.contains("redefine")) {
                RedefineScaling redefine = new RedefineScaling(launch, log,
                        quick ? List.of(0, 5_000) : List.of(0, 5_000, 10_000, 20_000, 40_000), quick ? 3 : 10);
                redefine.run();
                Files.writeString(out.resolve("redefine-pauses.csv"), redefine.csv());
                tables.append("\n### Redefine pause against classes loaded\n\n").append(redefine.markdown());
            }
        } finally {
            delete(work);
        }
        tables.append("\n<!-- took ").append(Duration.between(started, Instant.now()).toSeconds()).append(" s -->\n");
        Files.writeString(out.resolve("scaling-tables.md"), tables);
        System.out.print(tables);
    }

    private static void delete(Path folder) throws IOException {
        List<Path> paths = new ArrayList<>();
        try (Stream<Path> walk = Files.walk(folder)) {
            walk.sorted(Comparator.reverseOrder()).forEach(paths::add);
        }
        for (Path path : paths) {
            Files.deleteIfExists(path);
        }
    }
}
