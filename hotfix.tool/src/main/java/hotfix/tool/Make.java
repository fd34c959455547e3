package hotfix.tool;

import java.io.IOException;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

import org.osgi.framework.Constants;
import org.osgi.framework.Version;
import org.osgi.framework.VersionRange;

import hotfix.runtime.api.HotfixHeaders;
import hotfix.runtime.api.Mode;
import hotfix.runtime.api.Reason;
import hotfix.runtime.internal.inspect.JarBytes;
import hotfix.runtime.internal.redefine.ClassPlanner;

/**
 * Makes a hotfix from changed source files: compiles them against the base jar the server runs,
 * at the base's own class-file level, keeps the classes whose bytes changed or are new, and writes
 * the jar a hotfix of that base needs (its symbolic name, a higher version, the exact base version
 * as the range it applies to), in the mode asked for, or in auto mode redefine when the runtime's
 * planner accepts every change and swap otherwise. The jar is planned ({@link OfflinePlan}) before
 * it is written, and written only if the plan accepts it.
 */
public final class Make {

    /** Which mode to make the hotfix in. */
    public enum Choice {
        /** Redefine if the planner accepts every change and leaves nothing out, swap otherwise. */
        AUTO,
        /** A new version of the whole bundle, its services swapped: any change the bundle can take. */
        SWAP,
        /** Only the changed classes, redefined in place: method bodies only. */
        REDEFINE;

        /** @return the choice named, in any case; null if none is */
        public static Choice of(String name) {
            for (Choice choice : values()) {
                if (choice.name().equalsIgnoreCase(name.trim())) {
                    return choice;
                }
            }
            return null;
        }
    }

    /**
     * What to make.
     *
     * @param base          the bundle jar the server runs
     * @param classpath     what else the sources compile against (the base's imports); the base and
     *                      the runtime API are on the class path already
     * @param choice        the mode
     * @param version       the hotfix's {@code Bundle-Version}; null for one micro step above the base's
     * @param targetVersion its {@code Hotfix-Target-Version}; null for exactly the base's version
     * @param description   its {@code Hotfix-Description}; null to name the sources
     * @param out           where to write it
     * @param sources       the changed {@code .java} files, or folders of them
     * @param encoding      of the sources
     */
    public record Request(Path base, List<Path> classpath, Choice choice, String version, String targetVersion,
            String description, Path out, List<Path> sources, Charset encoding) {

        public Request {
            Objects.requireNonNull(base, "base");
            classpath = List.copyOf(classpath);
            Objects.requireNonNull(choice, "choice");
            Objects.requireNonNull(out, "out");
            sources = List.copyOf(sources);
            encoding = encoding == null ? StandardCharsets.UTF_8 : encoding;
        }
    }

    /**
     * What was made.
     *
     * @param written whether the jar was written: false when there is nothing to hotfix, or the
     *                plan refuses it
     * @param mode    the mode chosen; null if nothing was compiled to choose from
     * @param plan    the plan of the jar, as the server would make it; null if none was planned
     * @param lines   what the tool says of it, one line each
     */
    public record Result(boolean written, Mode mode, OfflinePlan plan, List<String> lines) {
    }

    private final Request request;
    private final List<String> lines = new ArrayList<>();

    private Make(Request request) {
        this.request = request;
    }

    /**
     * @throws ToolException if the base cannot be read, the sources do not compile or do not
     *                       belong to the base, or an argument is wrong
     */
    public static Result make(Request request) throws ToolException {
        return new Make(request).run();
    }

    private Result run() throws ToolException {
        BaseJar base = BaseJar.read(request.base());
        List<Path> sources = SourceCompiler.sources(request.sources());
        Version version = version(base);
        String range = range(base);
        int release = release(base);

        SourceCompiler.Output compiled;
        try (RuntimeApi api = RuntimeApi.extract()) {
            List<Path> classpath = new ArrayList<>();
            classpath.add(base.path());
            for (Path entry : request.classpath()) {
                if (!Files.exists(entry)) {
                    throw new ToolException("no class path entry at " + entry + ": --classpath lists the jars the "
                            + "sources compile against besides the base");
                }
                classpath.add(entry);
            }
            classpath.add(api.folder());
            compiled = SourceCompiler.compile(sources, classpath, release, request.encoding());
        }
        compiled.warnings().forEach(warning -> lines.add("javac: " + warning));
        checkPackages(base, compiled.classes());

        Map<String, byte[]> changed = new LinkedHashMap<>();
        Map<String, byte[]> added = new LinkedHashMap<>();
        for (Map.Entry<String, byte[]> output : compiled.classes().entrySet()) {
            byte[] before = base.entry(JarBytes.path(output.getKey()));
            if (before == null) {
                added.put(output.getKey(), output.getValue());
            } else if (!Arrays.equals(before, output.getValue())) {
                changed.put(output.getKey(), output.getValue());
            }
        }
        Set<String> gone = gone(base, compiled.classes());
        lines.add("compiled " + sources.size() + " source(s) against " + base.symbolicName() + " " + base.version()
                + " for Java " + release + ": " + changed.size() + " class(es) changed, " + added.size() + " new"
                + (gone.isEmpty() ? "" : ", " + gone.size() + " gone"));
        changed.keySet().forEach(name -> lines.add("  " + name + ": changed"));
        added.keySet().forEach(name -> lines.add("  " + name + ": new"));
        gone.forEach(name -> lines.add("  " + name + ": gone (no longer compiled from its source)"));
        if (changed.isEmpty() && added.isEmpty() && gone.isEmpty()) {
            lines.add("nothing to hotfix: the sources compile to the very classes " + base.symbolicName() + " "
                    + base.version() + " has");
            return new Result(false, null, null, lines);
        }
        checkLoadable(base, changed, added);
        checkMetadata(base, changed, added);

        String description = request.description() != null ? request.description()
                : String.join(", ", sources.stream().map(path -> path.getFileName().toString()).toList())
                        + " changed, made against " + base.symbolicName() + " " + base.version();
        Map<String, String> headers = HotfixJar.bundleHeaders(base.symbolicName(), version.toString());
        headers.put(HotfixHeaders.TARGET_VERSION, range);
        headers.put(HotfixHeaders.DESCRIPTION, description);

        Candidate chosen = choose(base, headers, changed, added, gone);
        if (chosen.plan() != null) {
            lines.addAll(chosen.plan().lines());
        }
        if (!chosen.written()) {
            return new Result(false, chosen.mode(), chosen.plan(), lines);
        }
        try {
            Path parent = request.out().toAbsolutePath().getParent();
            Files.createDirectories(parent);
            Files.write(request.out(), chosen.bytes());
        } catch (IOException e) {
            throw new ToolException("cannot write " + request.out() + ": " + e);
        }
        lines.add("wrote " + request.out() + ": " + base.symbolicName() + " " + version + ", "
                + HotfixHeaders.TARGET_VERSION + " " + range + ", " + HotfixHeaders.MODE + " "
                + chosen.mode().header());
        return new Result(true, chosen.mode(), chosen.plan(), lines);
    }

    /** A jar made in one mode, with its plan; written if the plan accepts it. */
    private record Candidate(Mode mode, byte[] bytes, OfflinePlan plan, boolean written) {
    }

    private Candidate choose(BaseJar base, Map<String, String> headers, Map<String, byte[]> changed,
            Map<String, byte[]> added, Set<String> gone) {
        Choice choice = request.choice();
        if (choice == Choice.SWAP) {
            lines.add("mode: swap, as asked");
            return candidate(base, Mode.SWAP, swap(base, headers, changed, added, gone));
        }
        Candidate redefine = candidate(base, Mode.REDEFINE, redefine(base, headers, changed, added));
        if (choice == Choice.REDEFINE) {
            lines.add("mode: redefine, as asked");
            return redefine;
        }
        String why;
        if (redefine.plan().reason() == Reason.NO_CHANGE && unapplied(base, changed).isEmpty()) {
            lines.add("nothing to hotfix: " + redefine.plan().refusal() + " (only line numbers, local variable "
                    + "names or the order of members differ); --mode swap makes a swap of it all the same");
            return new Candidate(null, null, null, false);
        } else if (redefine.plan().reason() == Reason.NO_CHANGE) {
            why = "a redefinition would leave the whole change out: " + String.join("; ", unapplied(base, changed));
        } else if (!redefine.plan().accepted()) {
            why = "the planner refuses to redefine (" + redefine.plan().reason() + "): "
                    + redefine.plan().refusal();
        } else if (!redefine.plan().unapplied().isEmpty()) {
            why = "a redefinition would leave part of the change out: "
                    + String.join("; ", redefine.plan().unapplied());
        } else if (!gone.isEmpty()) {
            why = "classes are gone, and a redefinition cannot remove classes: " + gone;
        } else {
            lines.add("mode: redefine (auto): the planner accepts every change as one HotSpot redefines in place");
            return redefine;
        }
        lines.add("mode: swap (auto): " + why);
        return candidate(base, Mode.SWAP, swap(base, headers, changed, added, gone));
    }

    /** @return what redefining each changed class would leave out, from the runtime's class planner */
    private static List<String> unapplied(BaseJar base, Map<String, byte[]> changed) {
        List<String> unapplied = new ArrayList<>();
        changed.forEach((name, bytes) -> unapplied.addAll(ClassPlanner.plan(name, base.entry(JarBytes.path(name)),
                bytes, Set.of()).unapplied()));
        return unapplied;
    }

    private static Candidate candidate(BaseJar base, Mode mode, byte[] bytes) {
        OfflinePlan plan = OfflinePlan.of(base, bytes);
        return new Candidate(mode, bytes, plan, plan.accepted());
    }

    private static byte[] redefine(BaseJar base, Map<String, String> headers, Map<String, byte[]> changed,
            Map<String, byte[]> added) {
        Map<String, String> all = new LinkedHashMap<>(headers);
        all.put(HotfixHeaders.MODE, Mode.REDEFINE.header());
        Map<String, byte[]> classes = new LinkedHashMap<>();
        changed.forEach((name, bytes) -> classes.put(JarBytes.path(name), bytes));
        added.forEach((name, bytes) -> classes.put(JarBytes.path(name), bytes));
        return HotfixJar.redefine(all, classes, base.time());
    }

    private static byte[] swap(BaseJar base, Map<String, String> headers, Map<String, byte[]> changed,
            Map<String, byte[]> added, Set<String> gone) {
        Map<String, String> set = new LinkedHashMap<>(headers);
        set.remove(Constants.BUNDLE_MANIFESTVERSION);
        set.remove(Constants.BUNDLE_SYMBOLICNAME);
        set.put(HotfixHeaders.MODE, Mode.SWAP.header());
        Map<String, byte[]> classes = new LinkedHashMap<>();
        changed.forEach((name, bytes) -> classes.put(JarBytes.path(name), bytes));
        added.forEach((name, bytes) -> classes.put(JarBytes.path(name), bytes));
        Set<String> dropped = new TreeSet<>();
        gone.forEach(name -> dropped.add(JarBytes.path(name)));
        return HotfixJar.swap(base, set, classes, dropped);
    }

    private Version version(BaseJar base) throws ToolException {
        if (request.version() == null) {
            Version was = base.version();
            return new Version(was.getMajor(), was.getMinor(), was.getMicro() + 1);
        }
        try {
            return Version.parseVersion(request.version().trim());
        } catch (IllegalArgumentException e) {
            throw new ToolException("--version " + request.version() + " is not an OSGi version (such as 1.0.1): "
                    + e.getMessage());
        }
    }

    private String range(BaseJar base) throws ToolException {
        if (request.targetVersion() == null) {
            return "[" + base.version() + "," + base.version() + "]";
        }
        try {
            return VersionRange.valueOf(request.targetVersion().trim()).toString();
        } catch (IllegalArgumentException e) {
            throw new ToolException("--target-version " + request.targetVersion() + " is not a version range (such as "
                    + "[1.0.0,1.1.0)): " + e.getMessage());
        }
    }

    private static int release(BaseJar base) throws ToolException {
        int runs = Runtime.version().feature();
        int release = base.release();
        if (release == 0) {
            return runs;
        }
        if (release > runs) {
            throw new ToolException(base.symbolicName() + "'s classes are compiled for Java " + release
                    + ", newer than this JDK (" + runs + "): run the tool with JDK " + release + " or later");
        }
        return release;
    }

    /** Refuses a class in a package the base does not contain: a hotfix fixes the bundle it names. */
    private static void checkPackages(BaseJar base, Map<String, byte[]> classes) throws ToolException {
        Set<String> outside = new TreeSet<>();
        for (String name : classes.keySet()) {
            String path = JarBytes.path(name);
            String directory = path.indexOf('/') < 0 ? "" : path.substring(0, path.lastIndexOf('/'));
            if (!base.packages().contains(directory)) {
                outside.add(name + " (package " + (directory.isEmpty() ? "(default)" : directory.replace('/', '.'))
                        + ")");
            }
        }
        if (!outside.isEmpty()) {
            throw new ToolException("the sources declare classes in packages " + base.symbolicName()
                    + " does not contain: " + String.join(", ", outside) + "; a hotfix changes the bundle it fixes, "
                    + "and a new class goes in one of its packages: " + dotted(base.packages()));
        }
    }

    /**
     * Refuses a class that refers to a package the bundle can neither see nor import: it would
     * compile here, where the class path has it, and fail at run time with NoClassDefFoundError.
     */
    private static void checkLoadable(BaseJar base, Map<String, byte[]> changed, Map<String, byte[]> added)
            throws ToolException {
        for (String open : new String[] {Constants.DYNAMICIMPORT_PACKAGE, Constants.REQUIRE_BUNDLE,
                Constants.FRAGMENT_HOST}) {
            if (base.header(open) != null) {
                return; // what the bundle sees then is the server's to know
            }
        }
        Set<String> visible = new LinkedHashSet<>(dotted(base.packages()));
        visible.addAll(base.imports());
        List<String> unseen = new ArrayList<>();
        Map<String, byte[]> classes = new LinkedHashMap<>(changed);
        classes.putAll(added);
        for (Map.Entry<String, byte[]> type : classes.entrySet()) {
            for (String reference : new ClassFacts(type.getValue()).references()) {
                int dot = reference.lastIndexOf('.');
                String pkg = dot < 0 ? "" : reference.substring(0, dot);
                if (!pkg.startsWith("java.") && !visible.contains(pkg)) {
                    unseen.add(type.getKey() + " uses " + reference);
                }
            }
        }
        if (!unseen.isEmpty()) {
            throw new ToolException("the sources use packages " + base.symbolicName() + " neither contains nor "
                    + "imports, so the hotfix would fail with NoClassDefFoundError: " + String.join(", ", unseen)
                    + "; a hotfix keeps the bundle's imports (" + String.join(", ", base.imports()) + "): use "
                    + "those, or release a new version of the bundle that imports what it needs");
        }
    }

    /**
     * Refuses a change to OSGi annotations, or to the interfaces of an annotated class: the
     * bundle's build turned them into metadata (component descriptors, the manifest) that a
     * hotfix keeps as the base has it, so the change would not take effect.
     */
    private static void checkMetadata(BaseJar base, Map<String, byte[]> changed, Map<String, byte[]> added)
            throws ToolException {
        List<String> differing = new ArrayList<>();
        for (Map.Entry<String, byte[]> type : changed.entrySet()) {
            String before = new ClassFacts(base.entry(JarBytes.path(type.getKey()))).osgiAnnotations();
            if (!before.equals(new ClassFacts(type.getValue()).osgiAnnotations())) {
                differing.add(type.getKey() + " (changed)");
            }
        }
        for (Map.Entry<String, byte[]> type : added.entrySet()) {
            if (!new ClassFacts(type.getValue()).osgiAnnotations().isEmpty()) {
                differing.add(type.getKey() + " (new)");
            }
        }
        if (!differing.isEmpty()) {
            throw new ToolException("the OSGi annotations of " + String.join(", ", differing) + " differ from "
                    + base.symbolicName() + "'s, or the types an annotated class implements: the bundle's build made "
                    + "its component descriptors and manifest from them, and a hotfix keeps those as they are, so "
                    + "the change would not take effect; keep them as they are, or release a new version of the "
                    + "bundle from its build");
        }
    }

    /** @return the base's classes nested in a compiled class that it no longer compiles to */
    private static Set<String> gone(BaseJar base, Map<String, byte[]> compiled) {
        Set<String> gone = new TreeSet<>();
        for (String name : base.classNames()) {
            if (!compiled.containsKey(name) && name.indexOf('$') > 0) {
                String host = new ClassFacts(base.entry(JarBytes.path(name))).host();
                if (host != null && compiled.containsKey(host)) {
                    gone.add(name);
                }
            }
        }
        return gone;
    }

    private static List<String> dotted(Set<String> directories) {
        return directories.stream().map(directory -> directory.replace('/', '.')).toList();
    }

    /** @return the mode named for --mode, as a user types it */
    static String modes() {
        return Arrays.stream(Choice.values()).map(choice -> choice.name().toLowerCase(Locale.ROOT)).toList()
                .toString();
    }
}
