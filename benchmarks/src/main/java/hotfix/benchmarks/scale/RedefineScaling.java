package hotfix.benchmarks.scale;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import hotfix.benchmarks.server.Answer;
import hotfix.benchmarks.server.Server;

/**
 * Item 5c of issue 6: a redefine-mode hotfix's pause against the number of classes loaded in the
 * JVM. For each K, runtime.jar starts with the ballast fixture holding K generated classes and
 * the services fixture with one service; the services' redefine hotfix (one class) is applied and
 * rolled back, and each of those is one {@code redefineClasses} call. The JVM logs its safepoints
 * ({@code -Xlog:safepoint}), so that the time HotSpot spent reaching the safepoint and inside it
 * can be told apart from the rest of the pause.
 */
final class RedefineScaling {

    private static final int WARM_UP = 1;
    private static final String SAFEPOINT_LOG = "safepoints.log";
    private static final Pattern REDEFINE_SAFEPOINT = Pattern.compile(
            "Safepoint \"RedefineClasses\".*Reaching safepoint: (\\d+) ns.*At safepoint: (\\d+) ns");

    /**
     * One redefinition. Times in microseconds; {@code reaching} and {@code inside} are HotSpot's
     * own, -1 if its log did not have them.
     */
    record Redefinition(int ballast, long loaded, int cycle, String kind, long pause, long commit, long reaching,
            long inside) {
    }

    private final Launch launch;
    private final PrintStream log;
    private final List<Integer> counts;
    private final int cycles;
    final List<Redefinition> measured = new ArrayList<>();

    RedefineScaling(Launch launch, PrintStream log, List<Integer> counts, int cycles) {
        this.launch = launch;
        this.log = log;
        this.counts = counts;
        this.cycles = cycles;
    }

    void run() throws IOException, InterruptedException {
        Path ballast = launch.built("benchmarks/fixtures/ballast/target/benchmarks.fixture.ballast-1.0.0-SNAPSHOT.jar");
        Path fixture = launch.built("benchmarks/fixtures/services/target/benchmarks.fixture.services-1.0.0-SNAPSHOT.jar");
        Path fix = launch.built("benchmarks/fixtures/services-redefine/target/services-redefine-fix.jar");
        for (int classes : counts) {
            String name = "redefine-" + classes;
            List<Redefinition> runs = new ArrayList<>();
            long loaded = 0;
            try (Server server = launch.runtime(name, List.of("-Xlog:safepoint=info:file=" + SAFEPOINT_LOG),
                    List.of("hotfix.benchmarks.services=1", "hotfix.benchmarks.ballast.classes=" + classes),
                    List.of(ballast, fixture), List.of(fix))) {
                for (int cycle = 1 - WARM_UP; cycle <= cycles; cycle++) {
                    String applied = server.command("hotfix:install --json " + fix.getFileName(), Launch.COMMAND).text();
                    if (!applied.contains("1 class(es) redefined")) {
                        throw new IllegalStateException("expected one class redefined:\n" + applied);
                    }
                    Answer apply = Answer.parse(applied).expect("APPLIED");
                    Answer rollback = Answer.parse(server.command("hotfix:rollback --json " + apply.id(),
                            Launch.COMMAND).text()).expect("ROLLED_BACK");
                    if (cycle == 0) {
                        loaded = new JvmProbe(server.pid()).liveClasses();
                    } else {
                        runs.add(new Redefinition(classes, loaded, cycle, "apply", apply.pauseMicros(),
                                apply.stage("commit"), -1, -1));
                        runs.add(new Redefinition(classes, loaded, cycle, "rollback", rollback.pauseMicros(),
                                rollback.stage("commit"), -1, -1));
                    }
                }
            }
            measured.addAll(withSafepoints(runs, launch.folder(name).resolve(SAFEPOINT_LOG)));
            log.printf("redefine: %d ballast classes done%n", classes);
        }
    }

    // the log has one RedefineClasses safepoint per redefinition, in order: the agent's own at
    // start (hotfix.agent spends the JIT's one-time global deoptimization there), the warm-up ones,
    // then the measured ones, which are the last
    private static List<Redefinition> withSafepoints(List<Redefinition> runs, Path safepoints) throws IOException {
        List<long[]> times = new ArrayList<>();
        if (Files.exists(safepoints)) {
            for (String line : Files.readAllLines(safepoints)) {
                Matcher matcher = REDEFINE_SAFEPOINT.matcher(line);
                if (matcher.find()) {
                    times.add(new long[] {Long.parseLong(matcher.group(1)) / 1000,
                        Long.parseLong(matcher.group(2)) / 1000});
                }
            }
        }
        int skip = times.size() - runs.size();
        if (skip < 2 * WARM_UP) {
            return runs;
        }
        List<Redefinition> matched = new ArrayList<>();
        for (int i = 0; i < runs.size(); i++) {
            Redefinition r = runs.get(i);
            long[] time = times.get(skip + i);
            matched.add(new Redefinition(r.ballast(), r.loaded(), r.cycle(), r.kind(), r.pause(), r.commit(), time[0],
                    time[1]));
        }
        return matched;
    }

    String csv() {
        StringBuilder csv = new StringBuilder(
                "ballast_classes,classes_loaded,cycle,kind,pause_us,commit_us,reaching_safepoint_us,at_safepoint_us\n");
        measured.forEach(r -> csv.append(r.ballast()).append(',').append(r.loaded()).append(',').append(r.cycle())
                .append(',').append(r.kind()).append(',').append(r.pause()).append(',').append(r.commit())
                .append(',').append(r.reaching()).append(',').append(r.inside()).append('\n'));
        return csv.toString();
    }

    String markdown() {
        StringBuilder md = new StringBuilder();
        md.append("| ballast classes | classes loaded in the JVM | redefinitions | pause p50 | pause p99 | pause max"
                + " | redefineClasses p50 | its share of the pause (p50) | reaching the safepoint p50"
                + " | at the safepoint p50 | at the safepoint min |\n");
        md.append("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
        for (int classes : counts) {
            List<Redefinition> runs = measured.stream().filter(r -> r.ballast() == classes).toList();
            if (runs.isEmpty()) {
                continue;
            }
            Distribution pause = new Distribution(runs.stream().map(Redefinition::pause).toList());
            Distribution commit = new Distribution(runs.stream().map(Redefinition::commit).toList());
            Distribution share = new Distribution(runs.stream()
                    .map(r -> r.pause() == 0 ? 0L : Math.min(100, Math.round(100.0 * r.commit() / r.pause())))
                    .toList());
            Distribution reaching = new Distribution(runs.stream().map(Redefinition::reaching).toList());
            Distribution inside = new Distribution(runs.stream().map(Redefinition::inside).toList());
            md.append(String.format("| %,d | %,d | %d | %s | %s | %s | %s | %d%% | %s | %s | %s |%n", classes,
                    runs.get(0).loaded(), pause.count(), LeakRun.us(pause.median()), LeakRun.us(pause.percentile(99)),
                    LeakRun.us(pause.max()), LeakRun.us(commit.median()), share.median(),
                    LeakRun.us(reaching.median()), LeakRun.us(inside.median()), LeakRun.us(inside.percentile(0))));
        }
        return md.toString();
    }
}
