package hotfix.runtime.internal.journal;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

import hotfix.runtime.api.HotfixReport;
import hotfix.runtime.api.Mode;
import hotfix.runtime.api.Outcome;
import hotfix.runtime.api.Reason;

/**
 * Keeps every attempt's report, and for an applied hotfix the jar of the version it replaced,
 * so that it can be rolled back and a restart can tell which version is meant to run.
 * <p>
 * Layout under the data directory: {@code attempts/<id>.properties}, one per attempt, and
 * {@code jars/<id>-previous.jar}, the replaced version of each applied hotfix. Every file is
 * written to a temporary name and moved into place, so a reader never sees half a file.
 */
public final class Journal {

    private final Path attempts;
    private final Path jars;
    private final AtomicLong lastId = new AtomicLong();
    private final List<String> unreadable = new ArrayList<>();
    private final Map<Long, Entry> entries = new LinkedHashMap<>();

    /**
     * One recorded attempt, with what only the runtime needs.
     *
     * @param report           the report users see
     * @param previousLocation for an applied hotfix, the location of the bundle it replaced
     * @param startLevel       for an applied hotfix, the start level of the bundle it replaced
     */
    public record Entry(HotfixReport report, String previousLocation, int startLevel) {
    }

    public Journal(Path directory) {
        this.attempts = directory.resolve("attempts");
        this.jars = directory.resolve("jars");
        try {
            Files.createDirectories(attempts);
            Files.createDirectories(jars);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the journal in " + directory, e);
        }
        load();
    }

    /** @return a new attempt id, higher than any recorded */
    public long nextId() {
        return lastId.incrementAndGet();
    }

    /** @return the files that could not be read when the journal was loaded, and why */
    public synchronized List<String> unreadable() {
        return List.copyOf(unreadable);
    }

    /** Records an attempt; for an applied hotfix, with the jar and location of what it replaced. */
    public synchronized void record(HotfixReport report, byte[] previousJar, String previousLocation,
            int startLevel) {
        try {
            if (previousJar != null) {
                write(jars.resolve(report.id() + "-previous.jar"), out -> out.write(previousJar));
            }
            Properties properties = toProperties(report);
            if (previousLocation != null) {
                properties.setProperty("previousLocation", previousLocation);
            }
            if (startLevel > 0) {
                properties.setProperty("startLevel", Integer.toString(startLevel));
            }
            write(attempts.resolve(report.id() + ".properties"),
                    out -> properties.store(out, "hotfix attempt " + report.id()));
            entries.put(report.id(), new Entry(report, previousLocation, startLevel));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot record hotfix attempt " + report.id() + " in " + attempts, e);
        }
    }

    /** @return every attempt, newest first */
    public synchronized List<HotfixReport> history() {
        List<HotfixReport> history = new ArrayList<>();
        entries.values().forEach(entry -> history.add(entry.report()));
        history.sort(Comparator.comparingLong(HotfixReport::id).reversed());
        return history;
    }

    /** @return the applied hotfixes not rolled back since, oldest first */
    public synchronized List<Entry> applied() {
        Set<Long> undone = new HashSet<>();
        for (Entry entry : entries.values()) {
            if (entry.report().outcome() == Outcome.ROLLED_BACK) {
                undone.add(entry.report().undoes());
            }
        }
        List<Entry> applied = new ArrayList<>();
        for (Entry entry : entries.values()) {
            HotfixReport report = entry.report();
            if (report.outcome() == Outcome.APPLIED && !undone.contains(report.id())) {
                applied.add(entry);
            }
        }
        applied.sort(Comparator.comparingLong(entry -> entry.report().id()));
        return applied;
    }

    /** @return the attempt with this id */
    public synchronized Optional<Entry> find(long id) {
        return Optional.ofNullable(entries.get(id));
    }

    /** Keeps the classes a redefine-mode hotfix put in place, for a restart to apply again. */
    public void recordClasses(long id, byte[] jar) {
        try {
            write(jars.resolve(id + "-classes.jar"), out -> out.write(jar));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot record the classes of hotfix " + id + " in " + jars, e);
        }
    }

    /** @return the classes a redefine-mode hotfix put in place, if it recorded them */
    public Optional<byte[]> classes(long id) {
        Path file = jars.resolve(id + "-classes.jar");
        try {
            return Files.exists(file) ? Optional.of(Files.readAllBytes(file)) : Optional.empty();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the classes of hotfix " + id, e);
        }
    }

    /** @return the jar of the version an applied hotfix replaced */
    public byte[] previousJar(long id) {
        try {
            return Files.readAllBytes(jars.resolve(id + "-previous.jar"));
        } catch (IOException e) {
            throw new UncheckedIOException("the journal has no copy of the version hotfix " + id + " replaced", e);
        }
    }

    private void load() {
        List<Path> files = new ArrayList<>();
        try (DirectoryStream<Path> stream = Files.newDirectoryStream(attempts, "*.properties")) {
            stream.forEach(files::add);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list the journal in " + attempts, e);
        }
        List<Entry> loaded = new ArrayList<>();
        for (Path file : files) {
            Properties properties = new Properties();
            try (InputStream in = Files.newInputStream(file)) {
                properties.load(in);
                loaded.add(new Entry(fromProperties(properties), properties.getProperty("previousLocation"),
                        Integer.parseInt(properties.getProperty("startLevel", "0"))));
            } catch (IOException | RuntimeException e) {
                unreadable.add(file.getFileName() + ": " + e);
            }
        }
        loaded.sort(Comparator.comparingLong(entry -> entry.report().id()));
        for (Entry entry : loaded) {
            entries.put(entry.report().id(), entry);
            lastId.accumulateAndGet(entry.report().id(), Math::max);
        }
    }

    private interface Writer {
        void write(OutputStream out) throws IOException;
    }

    private static void write(Path file, Writer writer) throws IOException {
        Path temporary = file.resolveSibling(file.getFileName() + ".tmp");
        try (OutputStream out = Files.newOutputStream(temporary)) {
            writer.write(out);
        }
        try {
            Files.move(temporary, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    static Properties toProperties(HotfixReport report) {
        Properties p = new Properties();
        p.setProperty("id", Long.toString(report.id()));
        p.setProperty("source", report.source());
        p.setProperty("sha256", report.sha256());
        p.setProperty("signer", report.signer());
        p.setProperty("target", report.target());
        p.setProperty("fromVersion", report.fromVersion());
        p.setProperty("toVersion", report.toVersion());
        p.setProperty("mode", report.mode().name());
        p.setProperty("description", report.description());
        p.setProperty("outcome", report.outcome().name());
        p.setProperty("reason", report.reason().name());
        p.setProperty("message", report.message());
        putList(p, "services", report.services());
        putList(p, "classes", report.classes());
        putList(p, "notes", report.notes());
        p.setProperty("stages", String.join(",", report.stages().keySet()));
        report.stages().forEach((stage, took) -> p.setProperty("stage." + stage, Long.toString(took.toNanos())));
        p.setProperty("pause", Long.toString(report.pause().toNanos()));
        p.setProperty("time", report.time().toString());
        p.setProperty("undoes", Long.toString(report.undoes()));
        return p;
    }

    static HotfixReport fromProperties(Properties p) {
        Map<String, Duration> stages = new LinkedHashMap<>();
        String names = p.getProperty("stages", "");
        if (!names.isEmpty()) {
            for (String stage : names.split(",")) {
                stages.put(stage, Duration.ofNanos(Long.parseLong(required(p, "stage." + stage))));
            }
        }
        return new HotfixReport(
                Long.parseLong(required(p, "id")),
                required(p, "source"),
                p.getProperty("sha256", ""),
                p.getProperty("signer", ""),
                p.getProperty("target", ""),
                p.getProperty("fromVersion", ""),
                p.getProperty("toVersion", ""),
                Mode.valueOf(required(p, "mode")),
                p.getProperty("description", ""),
                Outcome.valueOf(required(p, "outcome")),
                Reason.valueOf(required(p, "reason")),
                p.getProperty("message", ""),
                getList(p, "services"),
                getList(p, "classes"),
                getList(p, "notes"),
                stages,
                Duration.ofNanos(Long.parseLong(p.getProperty("pause", "0"))),
                Instant.parse(required(p, "time")),
                Long.parseLong(p.getProperty("undoes", "0")));
    }

    private static String required(Properties p, String key) {
        String value = p.getProperty(key);
        if (value == null) {
            throw new IllegalArgumentException("missing '" + key + "'");
        }
        return value;
    }

    private static void putList(Properties p, String key, List<String> values) {
        p.setProperty(key + ".count", Integer.toString(values.size()));
        for (int i = 0; i < values.size(); i++) {
            p.setProperty(key + "." + i, values.get(i));
        }
    }

    private static List<String> getList(Properties p, String key) {
        int count = Integer.parseInt(p.getProperty(key + ".count", "0"));
        List<String> values = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            values.add(required(p, key + "." + i));
        }
        return values;
    }
}
