package hotfix.benchmarks.scale;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Looks at a server's JVM from outside, with the JDK's own tools ({@code jcmd}, {@code jstat}) and
 * nothing loaded into the server: what a user would run to check for a leak.
 */
final class JvmProbe {

    /**
     * The numbers after a full GC. Sizes in KiB.
     *
     * @param instances live instances of each of the classes asked for, by name
     */
    record Snapshot(long loaded, long unloaded, long metaspaceUsed, long heapUsed, int bundleLoaders,
            int proxyLoaders, int targetClasses, int targetLoaders, Map<String, Long> instances) {

        /** @return classes loaded now: loaded since start less those unloaded */
        long live() {
            return loaded - unloaded;
        }
    }

    private static final Pattern HEAP_USED = Pattern.compile("heap\\s+total \\d+K, used (\\d+)K");
    private static final Pattern METASPACE_USED = Pattern.compile("Metaspace\\s+used (\\d+)K");

    private final long pid;

    JvmProbe(long pid) {
        this.pid = pid;
    }

    /**
     * Collects, then measures.
     *
     * @param targetPrefix classes whose names start with this are counted, with their loaders
     * @param counted      classes whose live instances are counted, from the class histogram
     */
    Snapshot afterFullGc(String targetPrefix, List<String> counted) throws IOException, InterruptedException {
        // twice: a bundle's class loader may only become unreachable once a cleaner ran after the first
        jcmd("GC.run");
        jcmd("GC.run");
        String[] classes = run(tool("jstat"), "-class", Long.toString(pid)).strip().split("\n");
        String[] columns = classes[classes.length - 1].trim().split("\\s+");
        String heap = jcmd("GC.heap_info");
        int bundleLoaders = 0;
        int proxyLoaders = 0;
        for (String line : jcmd("VM.classloader_stats").split("\n")) {
            if (line.endsWith("BundleWiringImpl$BundleClassLoader")) {
                bundleLoaders++;
            } else if (line.endsWith("mediation.ProxyClassLoader")) {
                proxyLoaders++;
            }
        }
        // one line per class: |--name/0xLOADERDATA, hidden classes with one address more before it
        Pattern target = Pattern.compile("\\|--" + Pattern.quote(targetPrefix) + "\\S*/(0x[0-9a-f]+)");
        int targetClasses = 0;
        Set<String> loaders = new HashSet<>();
        for (String line : jcmd("VM.class_hierarchy").split("\n")) {
            Matcher matcher = target.matcher(line);
            if (matcher.find()) {
                targetClasses++;
                loaders.add(matcher.group(1));
            }
        }
        Map<String, Long> instances = new LinkedHashMap<>();
        counted.forEach(name -> instances.put(name, 0L));
        // "  num:  #instances  #bytes  class name (module)"; one line per class, so per loader
        for (String line : jcmd("GC.class_histogram").split("\n")) {
            String[] fields = line.trim().split("\\s+");
            if (fields.length >= 4 && instances.containsKey(fields[3])) {
                instances.merge(fields[3], Long.parseLong(fields[1]), Long::sum);
            }
        }
        return new Snapshot(Long.parseLong(columns[0]), Long.parseLong(columns[2]),
                find(METASPACE_USED, heap), find(HEAP_USED, heap), bundleLoaders, proxyLoaders, targetClasses,
                loaders.size(), instances);
    }

    /** @return the classes loaded now, without a GC first */
    long liveClasses() throws IOException, InterruptedException {
        String[] classes = run(tool("jstat"), "-class", Long.toString(pid)).strip().split("\n");
        String[] columns = classes[classes.length - 1].trim().split("\\s+");
        return Long.parseLong(columns[0]) - Long.parseLong(columns[2]);
    }

    private String jcmd(String command) throws IOException, InterruptedException {
        return run(tool("jcmd"), Long.toString(pid), command);
    }

    private static long find(Pattern pattern, String text) {
        Matcher matcher = pattern.matcher(text);
        if (!matcher.find()) {
            throw new IllegalStateException("no " + pattern + " in:\n" + text);
        }
        return Long.parseLong(matcher.group(1));
    }

    private static String tool(String name) {
        return Path.of(System.getProperty("java.home"), "bin", name).toString();
    }

    private static String run(String... command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(new ArrayList<>(List.of(command))).redirectErrorStream(true).start();
        byte[] bytes = process.getInputStream().readAllBytes();
        if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
            throw new IllegalStateException(String.join(" ", command) + " failed:\n"
                    + new String(bytes, StandardCharsets.UTF_8));
        }
        return new String(bytes, StandardCharsets.UTF_8);
    }
}
