package hotfix.benchmarks.scale;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Item 5c of issue 6: a redefine-mode hotfix's pause against the number of classes loaded in the
 * JVM. For each K, runtime.jar starts with the ballast fixture holding K generated classes and
 * the services fixture with one service; the services' redefine hotfix (one class) is applied and
 * rolled back, and each of those is one {@code redefineClasses} call.
 */
final class RedefineScaling {

    private static final int WARM_UP = 1;

    /** One redefinition. Times in microseconds. */
    record Redefinition(int ballast, long loaded, int cycle, String kind, long pause, long commit) {
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
            try (Server server = launch.runtime("redefine-" + classes,
                    List.of("hotfix.benchmarks.services=1", "hotfix.benchmarks.ballast.classes=" + classes),
                    List.of(ballast, fixture), List.of(fix))) {
                long loaded = 0;
                for (int cycle = 1 - WARM_UP; cycle <= cycles; cycle++) {
                    String applied = server.command("hotfix:install " + fix.getFileName(), Launch.COMMAND);
                    if (!applied.contains("1 class(es) redefined")) {
                        throw new IllegalStateException("expected one class redefined:\n" + applied);
                    }
                    ShellReport apply = ShellReport.parse(applied);
                    ShellReport rollback = ShellReport.parse(server.command("hotfix:rollback " + apply.id(),
                            Launch.COMMAND));
                    if (cycle == 0) {
                        loaded = new JvmProbe(server.pid()).liveClasses();
                    } else {
                        measured.add(new Redefinition(classes, loaded, cycle, "apply", apply.pause(),
                                apply.stage("commit")));
                        measured.add(new Redefinition(classes, loaded, cycle, "rollback", rollback.pause(),
                                rollback.stage("commit")));
                    }
                }
            }
            log.printf("redefine: %d ballast classes done%n", classes);
        }
    }

    String csv() {
        StringBuilder csv = new StringBuilder("ballast_classes,classes_loaded,cycle,kind,pause_us,commit_us\n");
        measured.forEach(r -> csv.append(r.ballast()).append(',').append(r.loaded()).append(',').append(r.cycle())
                .append(',').append(r.kind()).append(',').append(r.pause()).append(',').append(r.commit())
                .append('\n'));
        return csv.toString();
    }

    String markdown() {
        StringBuilder md = new StringBuilder();
        md.append("| ballast classes | classes loaded in the JVM | redefinitions | pause p50 | pause p99 | pause max"
                + " | redefineClasses p50 | redefine share of the pause (p50) | pause p50 per 1,000 loaded |\n");
        md.append("|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
        for (int classes : counts) {
            List<Redefinition> runs = measured.stream().filter(r -> r.ballast() == classes).toList();
            if (runs.isEmpty()) {
                continue;
            }
            long loaded = runs.get(0).loaded();
            Distribution pause = new Distribution(runs.stream().map(Redefinition::pause).toList());
            Distribution commit = new Distribution(runs.stream().map(Redefinition::commit).toList());
            Distribution share = new Distribution(runs.stream()
                    .map(r -> r.pause() == 0 ? 0L : Math.min(100, Math.round(100.0 * r.commit() / r.pause())))
                    .toList());
            md.append(String.format("| %,d | %,d | %d | %s | %s | %s | %s | %d%% | %s |%n", classes, loaded,
                    pause.count(), LeakRun.us(pause.median()), LeakRun.us(pause.percentile(99)),
                    LeakRun.us(pause.max()), LeakRun.us(commit.median()), share.median(),
                    LeakRun.us(Math.round(pause.median() * 1000.0 / loaded))));
        }
        return md.toString();
    }
}
