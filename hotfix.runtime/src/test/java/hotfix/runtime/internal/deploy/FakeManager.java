package hotfix.runtime.internal.deploy;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.jar.JarInputStream;
import java.util.jar.Manifest;

import org.osgi.framework.Version;

import hotfix.runtime.api.HotfixManager;
import hotfix.runtime.api.HotfixOptions;
import hotfix.runtime.api.HotfixReport;
import hotfix.runtime.api.HotfixStatus;
import hotfix.runtime.api.Outcome;
import hotfix.runtime.api.Reason;
import hotfix.runtime.internal.inspect.Sha256;

/**
 * A HotfixManager with the rules the watcher relies on and nothing else: a jar applies when its
 * Bundle-Version is higher than its target's current version (every target starts at 1.0.0), a
 * file that is not a jar is refused, only the latest hotfix of a target rolls back.
 */
final class FakeManager implements HotfixManager {

    final List<HotfixReport> applied = new ArrayList<>();
    final List<HotfixReport> history = new ArrayList<>();
    final List<String> installs = new ArrayList<>();
    final List<Long> rollbacks = new ArrayList<>();
    volatile String inProgress = "";
    volatile RuntimeException failure;
    private long lastId;

    @Override
    public synchronized HotfixReport install(URI source, HotfixOptions options) {
        try {
            return install(source.toString(), Files.newInputStream(Path.of(source)), options);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public synchronized HotfixReport install(String name, InputStream jar, HotfixOptions options) {
        fail();
        byte[] bytes;
        try (InputStream in = jar) {
            bytes = in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        installs.add(name);
        if (!inProgress.isEmpty()) {
            return record(report(name, "", "", "", Outcome.REFUSED, Reason.BUSY, "refused: busy", 0));
        }
        String sha256 = Sha256.of(bytes);
        Manifest manifest;
        try (JarInputStream in = new JarInputStream(new ByteArrayInputStream(bytes))) {
            manifest = in.getManifest();
        } catch (IOException e) {
            manifest = null;
        }
        if (manifest == null) {
            return record(report(name, sha256, "", "", Outcome.REFUSED, Reason.UNREADABLE, "refused: not a jar", 0));
        }
        String target = manifest.getMainAttributes().getValue("Bundle-SymbolicName");
        Version version = Version.parseVersion(manifest.getMainAttributes().getValue("Bundle-Version"));
        Version current = current(target);
        if (version.compareTo(current) <= 0) {
            return record(report(name, sha256, target, version.toString(), Outcome.REFUSED,
                    Reason.VERSION_NOT_HIGHER, "refused: " + version + " is not higher than " + current, 0));
        }
        HotfixReport report = record(report(name, sha256, target, version.toString(), Outcome.APPLIED, Reason.NONE,
                "applied: " + target + " " + current + " -> " + version, 0));
        applied.add(report);
        return report;
    }

    @Override
    public HotfixReport verify(URI source) {
        throw new UnsupportedOperationException();
    }

    @Override
    public synchronized HotfixReport rollback(long id, HotfixOptions options) {
        fail();
        rollbacks.add(id);
        HotfixReport own = applied.stream().filter(r -> r.id() == id).findFirst().orElse(null);
        if (own == null || applied.stream().anyMatch(r -> r.id() > id && r.target().equals(own.target()))) {
            return record(report("rollback of " + id, "", "", "", Outcome.REFUSED, Reason.UNKNOWN_HOTFIX,
                    "refused: not the latest", 0));
        }
        applied.remove(own);
        return record(report("rollback of " + id, "", own.target(), "", Outcome.ROLLED_BACK, Reason.NONE,
                "rolled back hotfix " + id, id));
    }

    @Override
    public synchronized List<HotfixReport> list() {
        fail();
        return List.copyOf(applied);
    }

    @Override
    public synchronized List<HotfixReport> history() {
        List<HotfixReport> newestFirst = new ArrayList<>(history);
        newestFirst.sort(Comparator.comparingLong(HotfixReport::id).reversed());
        return newestFirst;
    }

    @Override
    public HotfixStatus status() {
        return new HotfixStatus(false, 0, inProgress, applied.size(), "", List.of(), false, List.of());
    }

    synchronized int appliedCount() {
        return applied.size();
    }

    /** Undoes a hotfix the way the shell would, behind the watcher's back. */
    synchronized void rollBackFromTheShell(long id) {
        applied.removeIf(r -> r.id() == id);
    }

    private void fail() {
        RuntimeException e = failure;
        if (e != null) {
            failure = null;
            throw e;
        }
    }

    private Version current(String target) {
        Version current = new Version(1, 0, 0);
        for (HotfixReport report : applied) {
            if (report.target().equals(target)) {
                current = Version.parseVersion(report.toVersion());
            }
        }
        return current;
    }

    private HotfixReport record(HotfixReport report) {
        history.add(report);
        return report;
    }

    private HotfixReport report(String source, String sha256, String target, String toVersion, Outcome outcome,
            Reason reason, String message, long undoes) {
        return HotfixReport.builder()
                .id(++lastId)
                .source(source)
                .sha256(sha256)
                .target(target)
                .toVersion(toVersion)
                .outcome(outcome)
                .reason(reason)
                .message(message)
                .time(Instant.now())
                .undoes(undoes)
                .build();
    }
}
