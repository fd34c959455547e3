package hotfix.benchmarks.scale;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import hotfix.benchmarks.server.Answer;
import hotfix.benchmarks.server.Server;

/**
 * Item 5a of issue 6: the swap's pause against the number of proxied services it swaps. For each
 * N, runtime.jar starts with the services fixture registering N services; its swap hotfix is
 * applied and rolled back, and every one of those is a swap of all N.
 */
final class SwapScaling {

    private static final int WARM_UP = 2;

    /** One swap. Times in microseconds. */
    record Swap(int services, int cycle, String kind, long pause, long quiesce, long commit) {
    }

    private final Launch launch;
    private final PrintStream log;
    private final List<Integer> counts;
    private final int cycles;
    final List<Swap> measured = new ArrayList<>();

    SwapScaling(Launch launch, PrintStream log, List<Integer> counts, int cycles) {
        this.launch = launch;
        this.log = log;
        this.counts = counts;
        this.cycles = cycles;
    }

    void run() throws IOException, InterruptedException {
        Path fixture = launch.built("benchmarks/fixtures/services/target/benchmarks.fixture.services-1.0.0-SNAPSHOT.jar");
        Path fix = launch.built("benchmarks/fixtures/services-swap/target/services-swap-fix.jar");
        for (int services : counts) {
            try (Server server = launch.runtime("swap-" + services, List.of(), List.of("hotfix.benchmarks.services=" + services),
                    List.of(fixture), List.of(fix))) {
                for (int cycle = 1 - WARM_UP; cycle <= cycles; cycle++) {
                    String applied = server.command("hotfix:install --json " + fix.getFileName(), Launch.COMMAND).text();
                    Answer apply = Answer.parse(applied).expect("APPLIED");
                    if (cycle == 1 - WARM_UP && !applied.contains(services + " service(s) swapped")) {
                        throw new IllegalStateException("expected " + services + " services swapped:\n" + applied);
                    }
                    Answer rollback = Answer.parse(server.command("hotfix:rollback --json " + apply.id(),
                            Launch.COMMAND).text()).expect("ROLLED_BACK");
                    if (cycle > 0) {
                        measured.add(swap(services, cycle, "apply", apply));
                        measured.add(swap(services, cycle, "rollback", rollback));
                    }
                }
            }
            log.printf("swap: %d services done%n", services);
        }
    }

    private static Swap swap(int services, int cycle, String kind, Answer report) {
        return new Swap(services, cycle, kind, report.pauseMicros(), report.stage("quiesce"), report.stage("commit"));
    }

    String csv() {
        StringBuilder csv = new StringBuilder("services,cycle,kind,pause_us,quiesce_us,commit_us\n");
        measured.forEach(s -> csv.append(s.services()).append(',').append(s.cycle()).append(',').append(s.kind())
                .append(',').append(s.pause()).append(',').append(s.quiesce()).append(',').append(s.commit())
                .append('\n'));
        return csv.toString();
    }

    String markdown() {
        StringBuilder md = new StringBuilder();
        md.append("| services swapped | swaps | pause p50 | pause p99 | pause max | quiesce p50 | commit p50 |"
                + " pause p50 per service |\n");
        md.append("|---:|---:|---:|---:|---:|---:|---:|---:|\n");
        for (int services : counts) {
            List<Swap> swaps = measured.stream().filter(s -> s.services() == services).toList();
            if (swaps.isEmpty()) {
                continue;
            }
            Distribution pause = new Distribution(swaps.stream().map(Swap::pause).toList());
            Distribution quiesce = new Distribution(swaps.stream().map(Swap::quiesce).toList());
            Distribution commit = new Distribution(swaps.stream().map(Swap::commit).toList());
            md.append(String.format("| %d | %d | %s | %s | %s | %s | %s | %.2f µs |%n", services, pause.count(),
                    LeakRun.us(pause.median()), LeakRun.us(pause.percentile(99)), LeakRun.us(pause.max()),
                    LeakRun.us(quiesce.median()), LeakRun.us(commit.median()), (double) pause.median() / services));
        }
        return md.toString();
    }
}
