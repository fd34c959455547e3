package hotfix.benchmarks.scale;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

import hotfix.benchmarks.server.Answer;
import hotfix.benchmarks.server.Server;

/**
 * Item 4 of issue 6: apply and roll back the example's swap hotfix many times in one server
 * process, and look at the classes, the metaspace and the heap after a full GC, from outside.
 */
final class LeakRun {

    private static final String TARGET = "example.webapp.economy.";

    /**
     * Objects counted at each snapshot: what a retained bundle, a kept logger, a shell job and a
     * history entry leave on the heap.
     */
    private static final List<String> COUNTED = List.of(
            "org.apache.felix.framework.BundleImpl",
            "org.apache.felix.framework.BundleRevisionImpl",
            "org.apache.felix.log.LoggerImpl",
            "org.apache.felix.gogo.runtime.CommandSessionImpl$JobImpl",
            "hotfix.runtime.api.HotfixReport");

    /** One apply and its rollback. Times in microseconds. */
    record Cycle(int cycle, long applyPause, long rollbackPause, long applyWall, long rollbackWall) {
    }

    /** Measurements after a number of cycles. */
    record Point(int cycles, JvmProbe.Snapshot snapshot) {
    }

    private final Launch launch;
    private final PrintStream log;
    private final int cycles;
    final List<Cycle> measured = new ArrayList<>();
    final List<Point> points = new ArrayList<>();

    LeakRun(Launch launch, PrintStream log, int cycles) {
        this.launch = launch;
        this.log = log;
        this.cycles = cycles;
    }

    void run() throws IOException, InterruptedException {
        Path fix = launch.built("example.webapp/hotfixes/shop-overflow/target/shop-overflow-fix.jar");
        // the first cycle loads the runtime's own pipeline classes: measure before and after it
        Set<Integer> at = new TreeSet<>(List.of(0, 1, cycles / 2, cycles));
        try (Server server = launch.webapp("leak", List.of(fix))) {
            JvmProbe probe = new JvmProbe(server.pid());
            long started = System.nanoTime();
            for (int cycle = 0; cycle <= cycles; cycle++) {
                if (at.contains(cycle)) {
                    points.add(new Point(cycle, probe.afterFullGc(TARGET, COUNTED)));
                    log.printf("leak: %d cycles, %s%n", cycle, points.get(points.size() - 1).snapshot());
                }
                if (cycle == cycles) {
                    break;
                }
                long before = System.nanoTime();
                Answer applied = Answer.parse(server.command("hotfix:install --json " + fix.getFileName(),
                        Launch.COMMAND).text()).expect("APPLIED");
                long between = System.nanoTime();
                Answer rolledBack = Answer.parse(server.command("hotfix:rollback --json " + applied.id(),
                        Launch.COMMAND).text()).expect("ROLLED_BACK");
                long after = System.nanoTime();
                measured.add(new Cycle(cycle + 1, applied.pauseMicros(), rolledBack.pauseMicros(), (between - before) / 1000,
                        (after - between) / 1000));
                if ((cycle + 1) % 100 == 0) {
                    log.printf("leak: %d cycles in %d s%n", cycle + 1, (System.nanoTime() - started) / 1_000_000_000L);
                }
            }
        }
    }

    String csvCycles() {
        StringBuilder csv = new StringBuilder("cycle,apply_pause_us,rollback_pause_us,apply_command_us,rollback_command_us\n");
        measured.forEach(c -> csv.append(c.cycle()).append(',').append(c.applyPause()).append(',')
                .append(c.rollbackPause()).append(',').append(c.applyWall()).append(',').append(c.rollbackWall())
                .append('\n'));
        return csv.toString();
    }

    String csvPoints() {
        StringBuilder csv = new StringBuilder("cycles,live_classes,loaded,unloaded,metaspace_used_kib,heap_used_kib,"
                + "bundle_loaders,proxy_loaders,economy_classes,economy_loaders," + String.join(",", COUNTED) + "\n");
        for (Point point : points) {
            JvmProbe.Snapshot s = point.snapshot();
            csv.append(point.cycles()).append(',').append(s.live()).append(',').append(s.loaded()).append(',')
                    .append(s.unloaded()).append(',').append(s.metaspaceUsed()).append(',').append(s.heapUsed())
                    .append(',').append(s.bundleLoaders()).append(',').append(s.proxyLoaders()).append(',')
                    .append(s.targetClasses()).append(',').append(s.targetLoaders());
            COUNTED.forEach(name -> csv.append(',').append(s.instances().get(name)));
            csv.append('\n');
        }
        return csv.toString();
    }

    String markdown() {
        StringBuilder md = new StringBuilder();
        md.append("| after cycles | classes loaded now | loaded since start | unloaded since start | metaspace used"
                + " | heap used | bundle class loaders | proxy class loaders | economy classes | economy loaders |\n");
        md.append("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
        for (Point point : points) {
            JvmProbe.Snapshot s = point.snapshot();
            md.append(String.format("| %d | %d | %d | %d | %,d KiB | %,d KiB | %d | %d | %d | %d |%n", point.cycles(),
                    s.live(), s.loaded(), s.unloaded(), s.metaspaceUsed(), s.heapUsed(), s.bundleLoaders(),
                    s.proxyLoaders(), s.targetClasses(), s.targetLoaders()));
        }
        md.append('\n').append("| after cycles |");
        COUNTED.forEach(name -> md.append(' ').append(name.substring(name.lastIndexOf('.') + 1)).append(" |"));
        md.append("\n|---:|").append("---:|".repeat(COUNTED.size())).append('\n');
        for (Point point : points) {
            md.append("| ").append(point.cycles()).append(" |");
            COUNTED.forEach(name -> md.append(' ').append(point.snapshot().instances().get(name)).append(" |"));
            md.append('\n');
        }
        if (!measured.isEmpty()) {
            md.append('\n').append("| swap pauses over the cycles | n | p50 | p99 | max |\n|---|---:|---:|---:|---:|\n");
            row(md, "apply", measured.stream().map(Cycle::applyPause).toList());
            row(md, "rollback", measured.stream().map(Cycle::rollbackPause).toList());
            int half = measured.size() / 2;
            row(md, "apply, first half", measured.subList(0, half).stream().map(Cycle::applyPause).toList());
            row(md, "apply, second half", measured.subList(half, measured.size()).stream().map(Cycle::applyPause)
                    .toList());
            md.append('\n').append("| command time (shell, round trip) | n | p50 | p99 | max |\n|---|---:|---:|---:|---:|\n");
            row(md, "hotfix:install", measured.stream().map(Cycle::applyWall).toList());
            row(md, "hotfix:rollback", measured.stream().map(Cycle::rollbackWall).toList());
        }
        return md.toString();
    }

    static void row(StringBuilder md, String name, List<Long> micros) {
        Distribution d = new Distribution(micros);
        md.append(String.format("| %s | %d | %s | %s | %s |%n", name, d.count(), us(d.median()), us(d.percentile(99)),
                us(d.max())));
    }

    static String us(long micros) {
        return micros >= 10_000 ? String.format("%.1f ms", micros / 1000.0) : micros + " µs";
    }
}
