package hotfix.runtime.internal.pipeline;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URL;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;

import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Version;
import org.osgi.framework.VersionRange;

import hotfix.runtime.api.Reason;
import hotfix.runtime.internal.gate.Gate;
import hotfix.runtime.internal.mediation.Hotfixable;
import hotfix.runtime.internal.mediation.Mediated;

/** What every mode does alike: find the target, check the versions, close the window. */
final class Targets {

    /** How long the count inside may stay unchanged, with callers held, before they are let through. */
    static final Duration STALL = Duration.ofMillis(100);

    private Targets() {
    }

    /** @return the one active, hotfixable bundle the hotfix names */
    static Bundle find(BundleContext context, Hotfixable hotfixable, HotfixJar hotfix) throws Refusal {
        List<Bundle> candidates = new ArrayList<>();
        for (Bundle bundle : context.getBundles()) {
            if (hotfix.symbolicName.equals(bundle.getSymbolicName()) && bundle.getState() != Bundle.UNINSTALLED) {
                candidates.add(bundle);
            }
        }
        if (candidates.isEmpty()) {
            throw new Refusal(Reason.NO_TARGET, "no installed bundle is named " + hotfix.symbolicName
                    + ": a hotfix's Bundle-SymbolicName must be that of the bundle it fixes");
        }
        if (candidates.size() > 1) {
            List<String> versions = new ArrayList<>();
            candidates.forEach(bundle -> versions.add(bundle.getVersion().toString()));
            throw new Refusal(Reason.NO_TARGET, candidates.size() + " versions of " + hotfix.symbolicName
                    + " are installed (" + String.join(", ", versions) + "): cannot tell which one to fix");
        }
        Bundle target = candidates.get(0);
        String why = hotfixable.why(target);
        if (why != null) {
            throw new Refusal(Reason.NOT_HOTFIXABLE, target.getSymbolicName() + " cannot be hotfixed: " + why);
        }
        if (target.getState() != Bundle.ACTIVE) {
            throw new Refusal(Reason.NOT_HOTFIXABLE, target.getSymbolicName() + " " + target.getVersion()
                    + " is not active: start it, or update it the ordinary way");
        }
        return target;
    }

    /**
     * Checks the hotfix's version is above the current one and the current one is in its
     * {@code Hotfix-Target-Version}. A rollback goes back to a lower version, by design.
     */
    static void checkVersion(HotfixJar hotfix, Version current, boolean rollback) throws Refusal {
        if (rollback) {
            return;
        }
        if (hotfix.version.compareTo(current) <= 0) {
            throw new Refusal(Reason.VERSION_NOT_HIGHER, "the hotfix's version " + hotfix.version
                    + " is not higher than the installed " + hotfix.symbolicName + " " + current
                    + ": give the hotfix a higher Bundle-Version");
        }
        String range = hotfix.headers.getValue(HotfixJar.TARGET_VERSION);
        if (range == null) {
            return;
        }
        VersionRange accepted;
        try {
            accepted = VersionRange.valueOf(unquote(range.trim()));
        } catch (IllegalArgumentException e) {
            throw new Refusal(Reason.INVALID_HEADER,
                    HotfixJar.TARGET_VERSION + ": '" + range + "' is not a version range: " + e.getMessage());
        }
        if (!accepted.includes(current)) {
            throw new Refusal(Reason.TARGET_VERSION_MISMATCH, "the hotfix applies to " + hotfix.symbolicName + " "
                    + accepted + " (" + HotfixJar.TARGET_VERSION + "), but " + current + " is installed");
        }
    }

    /**
     * Holds new calls to the given services, closes the gate and drains the calls inside. On
     * success the gate stays closed, and its opening is on the undo stack.
     */
    static void closeWindow(Gate gate, List<Mediated> held, Duration timeout, Deque<Runnable> undo,
            List<String> notes) throws Refusal {
        for (Mediated mediated : held) {
            mediated.slot().hold(true);
        }
        undo.push(() -> release(held));
        Gate.Drain drain = gate.closeAndDrain(timeout, STALL);
        if (!drain.drained()) {
            throw new Refusal(Reason.DRAIN_TIMEOUT, "calls in flight did not finish within " + timeout.toMillis()
                    + " ms" + (drain.releases() > 0 ? " (held calls were let through " + drain.releases()
                            + " time(s) because the drain stalled)" : "")
                    + "; still inside: " + String.join("; ", drain.inside())
                    + ". Nothing was changed; retry with a longer drain timeout, or when the server is less busy");
        }
        undo.push(gate::open);
        if (drain.releases() > 0) {
            notes.add("the drain stalled " + drain.releases()
                    + " time(s) with calls held, and let them through to the old version before it succeeded");
        }
    }

    /** Lets calls through the given services pass a closed gate again. */
    static void release(List<Mediated> held) {
        for (Mediated mediated : held) {
            mediated.slot().hold(false);
        }
    }

    /** @return the bytes of an entry of a bundle's jar, or {@code null} if it has none */
    static byte[] entry(Bundle bundle, String path) {
        URL url = bundle.getEntry(path);
        if (url == null) {
            return null;
        }
        try (InputStream in = url.openStream()) {
            return in.readAllBytes();
        } catch (IOException e) {
            return null;
        }
    }

    /** @return a jar with the given main headers and entries, by path */
    static byte[] jar(Map<String, String> headers, Map<String, byte[]> entries) {
        Manifest manifest = new Manifest();
        Attributes main = manifest.getMainAttributes();
        main.put(Attributes.Name.MANIFEST_VERSION, "1.0");
        headers.forEach(main::putValue);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (JarOutputStream out = new JarOutputStream(bytes, manifest)) {
            for (Map.Entry<String, byte[]> entry : entries.entrySet()) {
                out.putNextEntry(new JarEntry(entry.getKey()));
                out.write(entry.getValue());
                out.closeEntry();
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write a jar in memory", e);
        }
        return bytes.toByteArray();
    }

    /** @return the path of a class in a jar, from its binary name */
    static String path(String binaryName) {
        return binaryName.replace('.', '/') + ".class";
    }

    private static String unquote(String value) {
        return value.length() >= 2 && value.startsWith("\"") && value.endsWith("\"")
                ? value.substring(1, value.length() - 1)
                : value;
    }
}
