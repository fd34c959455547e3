package hotfix.runtime.internal.redefine;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.lang.instrument.ClassFileTransformer;
import java.lang.invoke.MethodHandles;
import java.security.ProtectionDomain;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarInputStream;

import org.osgi.framework.Bundle;
import org.osgi.framework.BundleEvent;
import org.osgi.framework.BundleReference;
import org.osgi.framework.Constants;
import org.osgi.framework.SynchronousBundleListener;
import org.osgi.framework.Version;
import org.osgi.framework.wiring.BundleWiring;

import hotfix.runtime.api.HotfixReport;
import hotfix.runtime.api.Mode;
import hotfix.runtime.internal.inspect.JarBytes;
import hotfix.runtime.internal.journal.Journal;
import hotfix.runtime.internal.log.RuntimeLog;

/**
 * The classes that redefine-mode hotfixes put in place, per target bundle (symbolic name and
 * bundle version), as the journal records them: what a target runs now, so that the next
 * hotfix compares against it, and what a restarted JVM must run again.
 * <p>
 * After a restart the bundle loads its classes from its jar again. As a
 * {@link ClassFileTransformer} this puts the recorded bytes in place when each class is first
 * loaded, before it serves anything; as a {@link SynchronousBundleListener} it defines the new
 * classes a hotfix added when the target resolves, before it starts.
 */
public final class Redefinitions implements ClassFileTransformer, SynchronousBundleListener {

    private final Journal journal;
    private final RuntimeLog log;
    private volatile Map<String, Target> targets = Map.of();
    /** By hotfix id, newest first: the newest that redefined a class says what it runs now. */
    private final Map<Long, List<Exported>> exported = new ConcurrentSkipListMap<>(Comparator.reverseOrder());

    /**
     * What runs in one target: the redefined classes and the added ones, by binary name, and the
     * id of the hotfix whose bytes each redefined class runs.
     */
    private record Target(Version version, Map<String, byte[]> redefined, Map<String, byte[]> added,
            Map<String, Long> redefinedBy) {
    }

    /**
     * A class of an exported package that a swap redefined in place in the old exporter, for the
     * bundles that stay wired to it.
     *
     * @param type   the class, as the old exporter loaded it
     * @param before the bytes it ran before the swap: what rolling the swap back puts back
     * @param after  the bytes it runs since
     */
    public record Exported(Class<?> type, byte[] before, byte[] after) {
    }

    public Redefinitions(Journal journal, RuntimeLog log) {
        this.journal = journal;
        this.log = log;
        reload();
    }

    /** Rebuilds the state from the journal's applied hotfixes, in the order they were applied. */
    public synchronized void reload() {
        Map<String, Target> rebuilt = new HashMap<>();
        for (Journal.Entry entry : journal.applied()) {
            HotfixReport report = entry.report();
            if (report.mode() != Mode.REDEFINE) {
                continue;
            }
            Optional<byte[]> jar = journal.classes(report.id());
            if (jar.isEmpty()) {
                log.error("Hotfix {} is applied but its classes are not in the journal: a restart will not apply it",
                        report.id());
                continue;
            }
            try (JarInputStream in = new JarInputStream(new ByteArrayInputStream(jar.get()))) {
                Attributes main = in.getManifest().getMainAttributes();
                String key = key(main.getValue(Constants.BUNDLE_SYMBOLICNAME), main.getValue(Constants.BUNDLE_VERSION));
                Target target = rebuilt.computeIfAbsent(key, k -> new Target(Version.emptyVersion,
                        new LinkedHashMap<>(), new LinkedHashMap<>(), new LinkedHashMap<>()));
                for (JarEntry file = in.getNextJarEntry(); file != null; file = in.getNextJarEntry()) {
                    String name = file.getName();
                    byte[] bytes = in.readAllBytes();
                    String binary = name.substring(name.indexOf('/') + 1, name.length() - ".class".length())
                            .replace('/', '.');
                    if (name.startsWith("added/")) {
                        target.added().put(binary, bytes);
                    } else {
                        target.redefined().put(binary, bytes);
                        target.redefinedBy().put(binary, report.id());
                    }
                }
                Version version = Version.parseVersion(report.toVersion());
                rebuilt.put(key, new Target(version.compareTo(target.version()) > 0 ? version : target.version(),
                        target.redefined(), target.added(), target.redefinedBy()));
            } catch (IOException | RuntimeException e) {
                log.error("The classes of hotfix {} cannot be read from the journal", report.id(), e);
            }
        }
        targets = rebuilt;
    }

    /** @return the version a target runs at: that of its last redefinition, or its bundle's */
    public Version version(Bundle bundle) {
        Target target = targets.get(key(bundle));
        return target != null && target.version().compareTo(bundle.getVersion()) > 0 ? target.version()
                : bundle.getVersion();
    }

    /** @return the bytes a class of the target runs now, if a hotfix redefined it */
    public Optional<byte[]> current(Bundle bundle, String name) {
        Target target = targets.get(key(bundle));
        return target == null ? Optional.empty() : Optional.ofNullable(target.redefined().get(name));
    }

    /** @return the bytes of a class a hotfix added to the target, if one did */
    public Optional<byte[]> added(Bundle bundle, String name) {
        Target target = targets.get(key(bundle));
        return target == null ? Optional.empty() : Optional.ofNullable(target.added().get(name));
    }

    /**
     * @return the classes that redefine-mode hotfixes changed in the bundle, by binary name, each
     *         with the id of the hotfix whose bytes it runs; what a swap of it would load afresh
     */
    public Map<String, Long> redefinedBy(Bundle bundle) {
        return redefinedBy(bundle.getSymbolicName(), bundle.getVersion());
    }

    /**
     * @return the same for a version not installed yet: what its classes will run as they load,
     *         as a swap rolled back puts that version back
     */
    public Map<String, Long> redefinedBy(String symbolicName, Version version) {
        Target target = targets.get(key(symbolicName, version.toString()));
        return target == null ? Map.of() : Collections.unmodifiableMap(target.redefinedBy());
    }

    /**
     * Remembers the exported classes a swap redefined in old exporters, with their bytes before and
     * after, so that rolling the swap back redefines them back and a later swap plans against what
     * they run. Kept in memory only: after a restart the old exporters are gone, importers are
     * wired to the version that runs, and a rollback swap finds the difference in its exported
     * classes by itself.
     */
    public void rememberExported(long id, List<Exported> classes) {
        if (!classes.isEmpty()) {
            exported.put(id, List.copyOf(classes));
        }
    }

    /** @return the exported classes hotfix {@code id} redefined, to redefine back when it is rolled back */
    public List<Exported> exported(long id) {
        return exported.getOrDefault(id, List.of());
    }

    /** Forgets them once the rollback is done. */
    public void forgetExported(long id) {
        exported.remove(id);
    }

    /**
     * @return the bytes a class of an old exporter runs since the newest swap that redefined it
     *         there, if one did
     */
    public Optional<byte[]> exportedNow(ClassLoader loader, String name) {
        for (List<Exported> classes : exported.values()) {
            for (Exported redefined : classes) {
                if (redefined.type().getClassLoader() == loader && redefined.type().getName().equals(name)) {
                    return Optional.of(redefined.after());
                }
            }
        }
        return Optional.empty();
    }

    /** @return the journal's record of one redefine-mode hotfix's classes */
    public static byte[] pack(Bundle bundle, Map<String, byte[]> redefined, Map<String, byte[]> added) {
        Map<String, byte[]> entries = new LinkedHashMap<>();
        redefined.forEach((name, bytes) -> entries.put("redefined/" + JarBytes.path(name), bytes));
        added.forEach((name, bytes) -> entries.put("added/" + JarBytes.path(name), bytes));
        return JarBytes.write(Map.of(Constants.BUNDLE_SYMBOLICNAME, bundle.getSymbolicName(),
                Constants.BUNDLE_VERSION, bundle.getVersion().toString()), entries);
    }

    @Override
    public byte[] transform(ClassLoader loader, String className, Class<?> redefining, ProtectionDomain domain,
            byte[] bytes) {
        if (redefining != null || className == null || !(loader instanceof BundleReference reference)) {
            return null;
        }
        Target target = targets.get(key(reference.getBundle()));
        return target == null ? null : target.redefined().get(className.replace('/', '.'));
    }

    @Override
    public void bundleChanged(BundleEvent event) {
        if (event.getType() != BundleEvent.RESOLVED && event.getType() != BundleEvent.STARTING) {
            return;
        }
        Bundle bundle = event.getBundle();
        Target target = targets.get(key(bundle));
        if (target == null || target.added().isEmpty()) {
            return;
        }
        BundleWiring wiring = bundle.adapt(BundleWiring.class);
        ClassLoader loader = wiring == null ? null : wiring.getClassLoader();
        if (loader == null) {
            return;
        }
        for (Map.Entry<String, byte[]> helper : target.added().entrySet()) {
            String name = helper.getKey();
            try {
                Class.forName(name, false, loader);
                continue;
            } catch (ClassNotFoundException e) {
                // not defined yet: define it below
            }
            try {
                String directory = name.substring(0, name.lastIndexOf('.')).replace('.', '/');
                String sibling = bundle.findEntries(directory, "*.class", false).nextElement().getPath().substring(1);
                Class<?> anchor = loader.loadClass(sibling.substring(0, sibling.length() - 6).replace('/', '.'));
                MethodHandles.privateLookupIn(anchor, MethodHandles.lookup()).defineClass(helper.getValue());
            } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
                log.error("Cannot define {} again in {} after a restart", name, bundle, e);
            }
        }
    }

    private static String key(Bundle bundle) {
        return key(bundle.getSymbolicName(), bundle.getVersion().toString());
    }

    private static String key(String symbolicName, String version) {
        return symbolicName + "@" + Version.parseVersion(version);
    }
}
