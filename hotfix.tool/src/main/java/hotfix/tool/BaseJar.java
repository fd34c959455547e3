package hotfix.tool;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.jar.Manifest;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;

import org.objectweb.asm.ClassReader;
import org.osgi.framework.Constants;
import org.osgi.framework.Version;

import hotfix.runtime.api.HotfixHeaders;
import hotfix.runtime.api.Mode;
import hotfix.runtime.api.StateTransfer;
import hotfix.runtime.internal.inspect.Components;
import hotfix.runtime.internal.inspect.InspectedJar;
import hotfix.runtime.internal.inspect.JarBytes;
import hotfix.runtime.internal.inspect.Refusal;
import hotfix.runtime.internal.pipeline.SwapPlan;
import hotfix.runtime.internal.redefine.RedefinePlan;

/**
 * The bundle jar a hotfix is made and planned against: the version the server runs. It is read
 * with the runtime's own inspection, and the runtime's planners see it as they see the running
 * target ({@link RedefinePlan.Base}, {@link SwapPlan.Base}, {@link SwapPlan.Exporter}), less what
 * only a server knows: the classes earlier hotfixes redefined, the services registered without
 * Declarative Services, and which bundles are wired to its exports (each exported package is
 * taken to have importers).
 */
public final class BaseJar implements RedefinePlan.Base, SwapPlan.Base, SwapPlan.Exporter {

    /** Who imports an exported package, as far as the tool can tell offline. */
    static final String IMPORTERS = "any bundle importing it";

    private static final String STATE_TRANSFER = StateTransfer.class.getName();

    /** Java 1.0's class file major version is 44 + 1, Java 17's is 61. */
    private static final int MAJOR_OFFSET = 44;

    private final Path path;
    private final InspectedJar jar;
    private final Manifest manifest;
    private final List<String> order;
    private final long time;
    private final List<SwapPlan.Service> services;
    private Set<String> packages;

    private BaseJar(Path path, InspectedJar jar, Manifest manifest, List<String> order, long time,
            List<SwapPlan.Service> services) {
        this.path = path;
        this.jar = jar;
        this.manifest = manifest;
        this.order = order;
        this.time = time;
        this.services = services;
    }

    /**
     * @throws ToolException if there is no such file, it is no bundle the runtime would read, or
     *                       it is a redefine-mode hotfix (which holds only some classes)
     */
    public static BaseJar read(Path path) throws ToolException {
        if (!Files.isRegularFile(path)) {
            throw new ToolException("no base jar at " + path + ": --base names the bundle jar the server runs, the "
                    + "one the hotfix fixes");
        }
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(path);
        } catch (IOException e) {
            throw new ToolException("cannot read the base jar " + path + ": " + e);
        }
        InspectedJar jar;
        List<SwapPlan.Service> services = new ArrayList<>();
        try {
            jar = InspectedJar.read(bytes);
            if (jar.mode() == Mode.REDEFINE) {
                throw new ToolException("the base " + path + " is a redefine-mode hotfix (" + HotfixHeaders.MODE
                        + ": redefine), which holds only the classes it changes: --base names the whole bundle jar "
                        + "the server runs");
            }
            for (Components.Declared component : Components.declared(jar)) {
                services.add(new SwapPlan.Service(SwapPlan.Service.component(component.name()),
                        component.interfaces(), component.interfaces().contains(STATE_TRANSFER)
                                || implementsStateTransfer(jar, component.implementation())));
            }
        } catch (Refusal refusal) {
            throw new ToolException("the base " + path + " is not a bundle the runtime can read ("
                    + refusal.reason() + "): " + refusal.getMessage());
        }
        List<String> order = new ArrayList<>();
        Manifest manifest = null;
        long time = -1;
        try (ZipInputStream in = new ZipInputStream(new ByteArrayInputStream(bytes))) {
            for (ZipEntry entry = in.getNextEntry(); entry != null; entry = in.getNextEntry()) {
                if (entry.getName().equalsIgnoreCase("META-INF/MANIFEST.MF")) {
                    manifest = new Manifest(in);
                    time = entry.getTime();
                } else {
                    order.add(entry.getName());
                }
            }
        } catch (IOException e) {
            throw new ToolException("cannot read the base jar " + path + ": " + e);
        }
        return new BaseJar(path, jar, manifest, List.copyOf(order), time, List.copyOf(services));
    }

    /**
     * @return whether a class of the jar implements StateTransfer, itself or through a supertype of
     *         the jar: what the runtime asks of the running service object
     */
    private static boolean implementsStateTransfer(InspectedJar jar, String className) {
        byte[] bytes = className == null || className.isEmpty() ? null : jar.entry(JarBytes.path(className));
        if (bytes == null) {
            return false;
        }
        ClassReader type = new ClassReader(bytes);
        for (String implemented : type.getInterfaces()) {
            if (implemented.replace('/', '.').equals(STATE_TRANSFER)
                    || implementsStateTransfer(jar, implemented.replace('/', '.'))) {
                return true;
            }
        }
        return type.getSuperName() != null && implementsStateTransfer(jar, type.getSuperName().replace('/', '.'));
    }

    /** @return where it was read from */
    public Path path() {
        return path;
    }

    /** @return its {@code Bundle-SymbolicName}, without attributes */
    public String symbolicName() {
        return jar.symbolicName();
    }

    /** @return its {@code Bundle-Version} */
    public Version version() {
        return jar.version();
    }

    /** @return a main header of its manifest; null if it has none */
    public String header(String name) {
        return jar.header(name);
    }

    /** @return its manifest, a copy */
    Manifest manifest() {
        return new Manifest(manifest);
    }

    /** @return the names of its entries in the jar's order, directories included, the manifest aside */
    List<String> order() {
        return order;
    }

    /** @return the time of its manifest entry, to date what the tool writes from it; -1 if unknown */
    long time() {
        return time;
    }

    /** @return the Java feature release its classes are compiled for: the newest of them */
    public int release() {
        int major = 0;
        for (String name : jar.names()) {
            if (name.endsWith(".class") && !name.startsWith("META-INF/")) {
                byte[] bytes = jar.entry(name);
                major = Math.max(major, (bytes[6] & 0xFF) << 8 | bytes[7] & 0xFF);
            }
        }
        return major == 0 ? 0 : major - MAJOR_OFFSET;
    }

    /** @return the directories of the jar that hold classes, such as {@code example/webapp/economy} */
    public Set<String> packages() {
        if (packages == null) {
            Set<String> found = new TreeSet<>();
            for (String name : jar.names()) {
                if (name.endsWith(".class") && !name.startsWith("META-INF/") && name.indexOf('/') > 0) {
                    found.add(name.substring(0, name.lastIndexOf('/')));
                }
            }
            packages = Collections.unmodifiableSet(found);
        }
        return packages;
    }

    /** @return the packages its manifest imports */
    public Set<String> imports() {
        return Headers.packages(header(Constants.IMPORT_PACKAGE));
    }

    /** @return the packages its manifest exports */
    public Set<String> exports() {
        return Headers.packages(header(Constants.EXPORT_PACKAGE));
    }

    @Override
    public String name() {
        return symbolicName();
    }

    @Override
    public String identity() {
        return symbolicName() + " " + version();
    }

    @Override
    public byte[] entry(String path) {
        return jar.entry(path);
    }

    @Override
    public boolean hasPackage(String directory) {
        return packages().contains(directory);
    }

    /** Offline every class of the jar loads from the target itself. */
    @Override
    public Optional<RedefinePlan.Problem> problem(String name) {
        return Optional.empty();
    }

    /** Offline no earlier hotfix redefined anything: the base jar is what runs. */
    @Override
    public Optional<byte[]> current(String name) {
        return Optional.empty();
    }

    @Override
    public Optional<byte[]> added(String name) {
        return Optional.empty();
    }

    /** @return its Declarative Services components that provide services; the server also knows the others */
    @Override
    public List<SwapPlan.Service> services() {
        return services;
    }

    /**
     * Offline every component is taken to stand behind a proxy: which services the server leaves
     * alone (a Gogo command, an HTTP Whiteboard service, a prototype-scoped one) only it decides.
     */
    @Override
    public List<SwapPlan.LeftAlone> leftAlone() {
        return List.of();
    }

    /** Every exported package is taken to be imported: the server refuses what an importer could not get. */
    @Override
    public Map<String, List<String>> importedPackages() {
        Map<String, List<String>> imported = new LinkedHashMap<>();
        exports().forEach(pkg -> imported.put(pkg, List.of(IMPORTERS)));
        return Collections.unmodifiableMap(imported);
    }

    /** Offline the server is taken to run with the hotfix agent, as webapp.jar and runtime.jar do. */
    @Override
    public Optional<String> cannotRedefine(String name) {
        return Optional.empty();
    }

    /** @return the binary names of its classes */
    Set<String> classNames() {
        Set<String> names = new TreeSet<>();
        for (String name : jar.names()) {
            if (name.endsWith(".class") && !name.startsWith("META-INF/")) {
                names.add(JarBytes.binaryName(name));
            }
        }
        return names;
    }
}
