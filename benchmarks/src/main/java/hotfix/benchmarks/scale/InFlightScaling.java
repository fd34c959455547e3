package hotfix.benchmarks.scale;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import hotfix.benchmarks.server.Answer;
import hotfix.benchmarks.server.Server;

/**
 * Item 5b of issue 6: the swap's pause against the number of calls in flight. For each K,
 * runtime.jar starts with one counter whose calls wait {@value #CALL_MICROS} µs, as a call to a
 * database would, and K threads of the callers fixture calling it through its proxy without pause;
 * the swap hotfix is applied and rolled back, and each must drain the calls inside.
 */
final class InFlightScaling {

    static final int CALL_MICROS = 1000;
    private static final int WARM_UP = 2;

    private final Launch launch;
    private final PrintStream log;
    private final List<Integer> callers;
    private final int cycles;
    final List<SwapScaling.Swap> measured = new ArrayList<>();

    InFlightScaling(Launch launch, PrintStream log, List<Integer> callers, int cycles) {
        this.launch = launch;
        this.log = log;
        this.callers = callers;
        this.cycles = cycles;
    }

    void run() throws IOException, InterruptedException {
        Path fixture = launch.built("benchmarks/fixtures/services/target/benchmarks.fixture.services-1.0.0-SNAPSHOT.jar");
        Path calling = launch.built("benchmarks/fixtures/callers/target/benchmarks.fixture.callers-1.0.0-SNAPSHOT.jar");
        Path fix = launch.built("benchmarks/fixtures/services-swap/target/services-swap-fix.jar");
        for (int threads : callers) {
            try (Server server = launch.runtime("inflight-" + threads, List.of(),
                    List.of("hotfix.benchmarks.services=1", "hotfix.benchmarks.call.micros=" + CALL_MICROS,
                            "hotfix.benchmarks.callers=" + threads),
                    List.of(fixture, calling), List.of(fix))) {
                for (int cycle = 1 - WARM_UP; cycle <= cycles; cycle++) {
                    Answer apply = Answer.parse(server.command("hotfix:install --json " + fix.getFileName(),
                            Launch.COMMAND).text()).expect("APPLIED");
                    Answer rollback = Answer.parse(server.command("hotfix:rollback --json " + apply.id(),
                            Launch.COMMAND).text()).expect("ROLLED_BACK");
                    if (cycle > 0) {
                        // "services" holds the number of calling threads here
                        measured.add(new SwapScaling.Swap(threads, cycle, "apply", apply.pauseMicros(),
                                apply.stage("quiesce"), apply.stage("commit")));
                        measured.add(new SwapScaling.Swap(threads, cycle, "rollback", rollback.pauseMicros(),
                                rollback.stage("quiesce"), rollback.stage("commit")));
                    }
                }
            }
            log.printf("in flight: %d callers done%n", threads);
        }
    }

    String csv() {
        StringBuilder csv = new StringBuilder("callers,cycle,kind,pause_us,quiesce_us,commit_us\n");
        measured.forEach(s -> csv.append(s.services()).append(',').append(s.cycle()).append(',').append(s.kind())
                .append(',').append(s.pause()).append(',').append(s.quiesce()).append(',').append(s.commit())
                .append('\n'));
        return csv.toString();
    }

    String markdown() {
        StringBuilder md = new StringBuilder();
        md.append("| threads calling (calls of " + CALL_MICROS + " µs) | swaps | pause p50 | pause p99 | pause max"
                + " | quiesce p50 | commit p50 |\n");
        md.append("|---:|---:|---:|---:|---:|---:|---:|\n");
        for (int threads : callers) {
            List<SwapScaling.Swap> swaps = measured.stream().filter(s -> s.services() == threads).toList();
            if (swaps.isEmpty()) {
                continue;
            }
            Distribution pause = new Distribution(swaps.stream().map(SwapScaling.Swap::pause).toList());
            Distribution quiesce = new Distribution(swaps.stream().map(SwapScaling.Swap::quiesce).toList());
            Distribution commit = new Distribution(swaps.stream().map(SwapScaling.Swap::commit).toList());
            md.append(String.format("| %d | %d | %s | %s | %s | %s | %s |%n", threads, pause.count(),
                    LeakRun.us(pause.median()), LeakRun.us(pause.percentile(99)), LeakRun.us(pause.max()),
                    LeakRun.us(quiesce.median()), LeakRun.us(commit.median())));
        }
        return md.toString();
    }
}
