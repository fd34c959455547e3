package hotfix.itests;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.stream.Stream;

import org.osgi.framework.launch.FrameworkFactory;

import aQute.bnd.header.Attrs;
import aQute.bnd.header.OSGiHeader;
import aQute.bnd.header.Parameters;
import aQute.bnd.osgi.Constants;
import aQute.bnd.osgi.Domain;
import aQute.bnd.osgi.Processor;
import aQute.bnd.version.Version;
import aQute.bnd.version.VersionRange;

/**
 * A bnd run configuration as the build resolved it: the {@code -runbundles} the resolver wrote,
 * each with the start level the {@code -runbundles+} decorator gives it and the jar the build
 * resolved it to, the {@code -runproperties} and the {@code -runsystempackages}.
 * <p>
 * bnd's own library reads the file, as the exporter does when it makes the executable jar, so
 * {@code -include}, macros and decorators mean the same here. It runs in the failsafe JVM only:
 * bnd is not in the framework.
 */
final class RunConfiguration {

    /** A bundle the configuration runs, at its start level, as the jar the build resolved. */
    record RunBundle(String symbolicName, Version version, int startLevel, File jar) {

        /** @return whether it is a fragment: installed, never started, as the launcher does */
        boolean fragment() {
            try (java.util.jar.JarFile file = new java.util.jar.JarFile(jar)) {
                return file.getManifest().getMainAttributes().getValue("Fragment-Host") != null;
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException("cannot read " + jar, e);
            }
        }
    }

    private final List<RunBundle> bundles;
    private final Map<String, String> properties;
    private final List<String> systemPackages;
    private final int beginningStartLevel;

    private RunConfiguration(List<RunBundle> bundles, Map<String, String> properties, List<String> systemPackages,
            int beginningStartLevel) {
        this.bundles = bundles;
        this.properties = properties;
        this.systemPackages = systemPackages;
        this.beginningStartLevel = beginningStartLevel;
    }

    /**
     * @param bndrun     a resolved {@code .bndrun} file
     * @param repository the folder of jars the build resolved its bundles from
     * @throws IllegalStateException when the file does not read, a run bundle has no jar in the
     *                               repository, or the framework on the class path is not {@code -runfw}
     */
    static RunConfiguration read(Path bndrun, Path repository) {
        try (Processor run = new Processor()) {
            if (!Files.isRegularFile(bndrun)) {
                throw new IllegalStateException("no run configuration at " + bndrun.toAbsolutePath());
            }
            run.setProperties(bndrun.toFile());
            requireOk(run, bndrun);
            Map<String, List<Located>> jars = index(repository);
            Parameters runbundles = run.decorated(Constants.RUNBUNDLES);
            int highest = runbundles.values().stream()
                    .map(attrs -> attrs.get(Constants.RUNBUNDLES_STARTLEVEL_ATTRIBUTE))
                    .filter(level -> level != null)
                    .mapToInt(Integer::parseInt)
                    .max().orElse(0);
            List<RunBundle> bundles = new ArrayList<>();
            runbundles.forEach((key, attrs) -> {
                String bsn = Processor.removeDuplicateMarker(key);
                Located jar = find(jars, bsn, attrs, bndrun, repository);
                // the bnd launcher's default for a run bundle without a start level
                String level = attrs.get(Constants.RUNBUNDLES_STARTLEVEL_ATTRIBUTE, Integer.toString(highest + 1));
                bundles.add(new RunBundle(bsn, jar.version(), Integer.parseInt(level), jar.file()));
            });
            Map<String, String> properties = new HashMap<>(
                    OSGiHeader.parseProperties(run.mergeProperties(Constants.RUNPROPERTIES)));
            List<String> systemPackages = new ArrayList<>();
            new Parameters(run.mergeProperties(Constants.RUNSYSTEMPACKAGES))
                    .forEach((pkg, attrs) -> systemPackages.add(attrs.isEmpty() ? pkg : pkg + ";" + attrs));
            // without org.osgi.framework.startlevel.beginning, the launcher goes two above the highest level
            int beginning = Integer.parseInt(properties.getOrDefault(
                    org.osgi.framework.Constants.FRAMEWORK_BEGINNING_STARTLEVEL, Integer.toString(highest + 2)));
            requireOk(run, bndrun);
            requireFramework(new Parameters(run.getProperty(Constants.RUNFW)), bndrun);
            return new RunConfiguration(List.copyOf(bundles), Map.copyOf(properties), List.copyOf(systemPackages),
                    beginning);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** @return the run bundles, in the order of {@code -runbundles}, which is the order the launcher installs them */
    List<RunBundle> bundles() {
        return bundles;
    }

    /** @return the {@code -runproperties}, the launcher's own ({@code launch.*}) included */
    Map<String, String> properties() {
        return properties;
    }

    /** @return the {@code -runsystempackages}, one export clause each */
    List<String> systemPackages() {
        return systemPackages;
    }

    /** @return the start level the launcher raises the framework to once the bundles are installed */
    int beginningStartLevel() {
        return beginningStartLevel;
    }

    /** @return the start level of the bundle with this symbolic name */
    int startLevel(String symbolicName) {
        return bundles.stream()
                .filter(bundle -> bundle.symbolicName().equals(symbolicName))
                .findFirst()
                .orElseThrow(() -> new IllegalStateException("the run configuration does not run " + symbolicName))
                .startLevel();
    }

    private record Located(Version version, File file) {
    }

    private static Map<String, List<Located>> index(Path repository) throws IOException {
        List<Path> files;
        try (Stream<Path> list = Files.list(repository)) {
            files = list.filter(file -> file.toString().endsWith(".jar")).sorted().toList();
        }
        Map<String, List<Located>> jars = new HashMap<>();
        for (Path file : files) {
            Domain manifest = Domain.domain(file.toFile());
            if (manifest == null || manifest.getBundleSymbolicName() == null) {
                continue; // not a bundle
            }
            jars.computeIfAbsent(manifest.getBundleSymbolicName().getKey(), bsn -> new ArrayList<>())
                    .add(new Located(Version.parseVersion(manifest.getBundleVersion()), file.toFile()));
        }
        return jars;
    }

    private static Located find(Map<String, List<Located>> jars, String bsn, Attrs attrs, Path bndrun,
            Path repository) {
        VersionRange range = new VersionRange(attrs.getVersion());
        List<Located> matches = jars.getOrDefault(bsn, List.of()).stream()
                .filter(jar -> range.includes(jar.version()))
                .toList();
        if (matches.size() != 1) {
            throw new IllegalStateException(bndrun.getFileName() + " runs " + bsn + " " + range + ", and "
                    + repository + " holds " + (matches.isEmpty() ? "no such bundle" : "several: " + matches)
                    + ": the build copies the bundles the run configurations resolve from (run-configs/pom.xml)");
        }
        return matches.get(0);
    }

    private static void requireOk(Processor run, Path bndrun) {
        if (!run.isOk()) {
            throw new IllegalStateException(bndrun + " does not read: " + run.getErrors());
        }
    }

    /** Pax Exam launches the framework on the class path: it must be the one the configuration ships. */
    private static void requireFramework(Parameters runfw, Path bndrun) {
        FrameworkFactory factory = ServiceLoader.load(FrameworkFactory.class).findFirst()
                .orElseThrow(() -> new IllegalStateException("no OSGi framework on the class path"));
        Domain framework;
        try {
            framework = Domain.domain(new File(
                    factory.getClass().getProtectionDomain().getCodeSource().getLocation().toURI()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
        String bsn = framework.getBundleSymbolicName().getKey();
        Version version = Version.parseVersion(framework.getBundleVersion());
        boolean shipped = runfw.entrySet().stream().anyMatch(fw -> fw.getKey().equals(bsn)
                && (fw.getValue().getVersion() == null || new VersionRange(fw.getValue().getVersion()).includes(version)));
        if (!shipped) {
            throw new IllegalStateException("the class path has " + bsn + " " + version + ", and " + bndrun.getFileName()
                    + " runs " + runfw + ": give the itests the framework -runfw names");
        }
    }
}
