package hotfix.runtime.internal.journal;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;

import hotfix.runtime.api.HotfixReport;
import hotfix.runtime.api.Outcome;
import hotfix.runtime.internal.inspect.Sha256;

/**
 * Keeps every attempt's report, and for an applied hotfix the jar of the version it replaced,
 * so that it can be rolled back and a restart can tell which version is meant to run.
 * <p>
 * Written ahead: before an attempt changes anything that outlives the process (a bundle in the
 * framework's cache), {@link #begin} records what it is about to do, with the jars a rollback
 * and a restart need; {@link #record} then replaces that record with what happened. A record
 * still in its begun state when the journal is loaded belongs to an attempt the process died
 * in: it reads as {@link Outcome#INTERRUPTED}, and {@link #interrupted()} lists it so that
 * recovery can put back the version that ran before it.
 * <p>
 * Layout under the data directory: {@code attempts/<id>.properties}, one per attempt;
 * {@code jars/<id>-previous.jar}, the replaced version; {@code jars/<id>-classes.jar}, the
 * classes a redefinition put in place, kept while the hotfix is applied and deleted once it is
 * refused, interrupted or rolled back. Every file is written to a temporary name, forced to
 * disk and moved into place, so a reader never sees half a file; every record carries a
 * checksum of its content and the digests of its jars, so a damaged one is reported, never
 * trusted.
 */
public final class Journal {

    private static final String STATE = "state";
    private static final String BEGUN = "begun";
    private static final String DONE = "done";
    private static final String CHECKSUM = "checksum";

    /** How many finished attempts the history keeps when nothing else is said. */
    public static final int DEFAULT_RETENTION = 1000;

    private final Path attempts;
    private final Path jars;
    private final Path idFloor;
    private volatile int retention = DEFAULT_RETENTION;
    private final AtomicLong lastId = new AtomicLong();
    private final List<String> unreadable = new ArrayList<>();
    private final Set<Long> damaged = new HashSet<>();
    private final Map<Long, Entry> entries = new LinkedHashMap<>();
    private final List<Entry> interrupted = new ArrayList<>();

    /**
     * One recorded attempt, with what only the runtime needs.
     *
     * @param report           the report users see
     * @param previousLocation for a hotfix that replaces a bundle, the location of the bundle it
     *                         replaces; for a rollback, where the restored version goes
     * @param startLevel       for a hotfix that replaces a bundle, that bundle's start level
     * @param location         where the attempt installs its version, if it installs one
     */
    public record Entry(HotfixReport report, String previousLocation, int startLevel, String location) {

        /** @return an entry with only a report: a dry run or a refusal */
        public static Entry of(HotfixReport report) {
            return new Entry(report, null, 0, null);
        }

        /** @return this entry with another report */
        public Entry with(HotfixReport other) {
            return new Entry(other, previousLocation, startLevel, location);
        }
    }

    public Journal(Path directory) {
        this(directory, null);
    }

    /**
     * @param idFloor a file outside the runtime's own data area that keeps the highest id given
     *                out, so that ids are never given out twice, even after the runtime is
     *                reinstalled with an empty journal; null for none
     */
    public Journal(Path directory, Path idFloor) {
        this.attempts = directory.resolve("attempts");
        this.jars = directory.resolve("jars");
        this.idFloor = idFloor;
        try {
            Files.createDirectories(attempts);
            Files.createDirectories(jars);
            DurableFiles.deleteTemporaries(attempts);
            DurableFiles.deleteTemporaries(jars);
            if (idFloor != null) {
                Files.createDirectories(idFloor.getParent());
                DurableFiles.deleteTemporaries(idFloor.getParent());
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the journal in " + directory, e);
        }
        load();
    }

    /**
     * Keeps every applied hotfix and the newest {@code finished} other attempts; older ones are
     * dropped from memory and from disk, now and as attempts are recorded.
     */
    public synchronized void retain(int finished) {
        retention = Math.max(1, finished);
        prune();
    }

    /** @return a new attempt id, higher than any recorded or given out before */
    public synchronized long nextId() {
        long id = lastId.incrementAndGet();
        if (idFloor != null) {
            try {
                DurableFiles.write(idFloor, out -> out.write(Long.toString(id).getBytes(StandardCharsets.US_ASCII)));
            } catch (IOException e) {
                // the journal still orders its own ids; only a reinstall could reuse this one
            }
        }
        return id;
    }

    /** @return the files that could not be read when the journal was loaded, and why */
    public synchronized List<String> unreadable() {
        return List.copyOf(unreadable);
    }

    /** @return whether the record of this attempt exists but could not be read */
    public synchronized boolean damaged(long id) {
        return damaged.contains(id);
    }

    /**
     * Records, before the attempt changes anything that outlives the process, what it is about
     * to do: the record reads as {@code intent} (an {@link Outcome#INTERRUPTED} report) until
     * {@link #record} replaces it. The jars go first, so a record never names a missing jar.
     *
     * @param previousJar the version a hotfix replaces, for its rollback; or null
     * @param classes     the classes a redefinition puts in place, for a restart; or null
     */
    public synchronized void begin(Entry intent, byte[] previousJar, byte[] classes) {
        long id = intent.report().id();
        try {
            Properties properties = toProperties(intent);
            if (previousJar != null) {
                DurableFiles.write(previousFile(id), out -> out.write(previousJar));
                properties.setProperty("previousSha256", Sha256.of(previousJar));
            }
            if (classes != null) {
                DurableFiles.write(classesFile(id), out -> out.write(classes));
                properties.setProperty("classesSha256", Sha256.of(classes));
            }
            properties.setProperty(STATE, BEGUN);
            store(id, properties);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot record hotfix attempt " + id + " ahead in " + attempts, e);
        }
    }

    /** Records how an attempt ended, replacing what {@link #begin} wrote for it. */
    public synchronized void record(Entry entry) {
        long id = entry.report().id();
        try {
            Properties properties = toProperties(entry);
            Properties begun = DurableFiles.read(attempts.resolve(id + ".properties"));
            if (begun != null) {
                for (String digest : List.of("previousSha256", "classesSha256")) {
                    if (begun.getProperty(digest) != null) {
                        properties.setProperty(digest, begun.getProperty(digest));
                    }
                }
            }
            properties.setProperty(STATE, DONE);
            store(id, properties);
            entries.put(id, entry);
            interrupted.removeIf(e -> e.report().id() == id);
            prune();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot record hotfix attempt " + id + " in " + attempts, e);
        }
        // only an applied hotfix needs its jars: for its rollback, and for a restart
        Outcome outcome = entry.report().outcome();
        if (outcome != Outcome.APPLIED) {
            DurableFiles.deleteQuietly(previousFile(id));
            DurableFiles.deleteQuietly(classesFile(id));
        }
        if (outcome == Outcome.ROLLED_BACK) {
            DurableFiles.deleteQuietly(previousFile(entry.report().undoes()));
            DurableFiles.deleteQuietly(classesFile(entry.report().undoes()));
        }
    }

    /** @return the attempts the process died in, as loaded and not yet {@linkplain #record recorded} again */
    public synchronized List<Entry> interrupted() {
        return List.copyOf(interrupted);
    }

    /** @return every attempt, newest first */
    public synchronized List<HotfixReport> history() {
        List<HotfixReport> history = new ArrayList<>();
        entries.values().forEach(entry -> history.add(entry.report()));
        history.sort(Comparator.comparingLong(HotfixReport::id).reversed());
        return history;
    }

    /** @return every attempt, oldest first */
    public synchronized List<Entry> entries() {
        List<Entry> all = new ArrayList<>(entries.values());
        all.sort(Comparator.comparingLong(entry -> entry.report().id()));
        return all;
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

    /** @return the classes a redefine-mode hotfix put in place, if it recorded them intact */
    public Optional<byte[]> classes(long id) {
        Path file = classesFile(id);
        try {
            if (!Files.exists(file)) {
                return Optional.empty();
            }
            byte[] bytes = Files.readAllBytes(file);
            check(id, file, bytes, "classesSha256");
            return Optional.of(bytes);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the classes of hotfix " + id, e);
        }
    }

    /** @return the jar of the version an applied hotfix replaced, checked against its digest */
    public byte[] previousJar(long id) {
        Path file = previousFile(id);
        try {
            byte[] bytes = Files.readAllBytes(file);
            check(id, file, bytes, "previousSha256");
            return bytes;
        } catch (IOException e) {
            throw new UncheckedIOException("the journal has no copy of the version hotfix " + id + " replaced", e);
        }
    }

    private void check(long id, Path file, byte[] bytes, String key) throws IOException {
        Properties record = DurableFiles.read(attempts.resolve(id + ".properties"));
        String expected = record == null ? null : record.getProperty(key);
        if (expected != null && !expected.equals(Sha256.of(bytes))) {
            throw new IOException(file.getFileName() + " is damaged: its SHA-256 is not the one hotfix " + id
                    + " recorded");
        }
    }

    private Path previousFile(long id) {
        return jars.resolve(id + "-previous.jar");
    }

    private Path classesFile(long id) {
        return jars.resolve(id + "-classes.jar");
    }

    private void load() {
        List<Path> files = new ArrayList<>();
        try (DirectoryStream<Path> stream = Files.newDirectoryStream(attempts)) {
            stream.forEach(files::add);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list the journal in " + attempts, e);
        }
        List<Entry> loaded = new ArrayList<>();
        for (Path file : files) {
            String name = file.getFileName().toString();
            if (!name.endsWith(".properties")) {
                continue;
            }
            try {
                Properties properties = DurableFiles.read(file);
                verifyChecksum(properties);
                Entry entry = new Entry(ReportRecord.read(properties), properties.getProperty("previousLocation"),
                        Integer.parseInt(properties.getProperty("startLevel", "0")),
                        properties.getProperty("location"));
                loaded.add(entry);
                if (BEGUN.equals(properties.getProperty(STATE))) {
                    interrupted.add(entry);
                }
            } catch (IOException | RuntimeException e) {
                unreadable.add(name + ": " + e.getMessage());
                idOf(name).ifPresent(id -> {
                    damaged.add(id);
                    lastId.accumulateAndGet(id, Math::max);
                });
            }
        }
        loaded.sort(Comparator.comparingLong(entry -> entry.report().id()));
        for (Entry entry : loaded) {
            entries.put(entry.report().id(), entry);
            lastId.accumulateAndGet(entry.report().id(), Math::max);
        }
        interrupted.sort(Comparator.comparingLong(entry -> entry.report().id()));
        if (idFloor != null) {
            try {
                String floor = Files.exists(idFloor) ? Files.readString(idFloor, StandardCharsets.US_ASCII).strip() : "";
                if (!floor.isEmpty()) {
                    lastId.accumulateAndGet(Long.parseLong(floor), Math::max);
                }
            } catch (IOException | NumberFormatException e) {
                unreadable.add(idFloor + ": " + e.getMessage() + "; ids continue from the journal's highest");
            }
        }
    }

    /**
     * Drops the oldest finished attempts beyond {@link #retention}: never an applied hotfix still
     * in place, never an attempt still in progress. A rolled-back hotfix's record is older than
     * its rollback's, so it goes first and is never left to read as applied again.
     */
    private void prune() {
        Set<Long> kept = new HashSet<>();
        applied().forEach(entry -> kept.add(entry.report().id()));
        interrupted.forEach(entry -> kept.add(entry.report().id()));
        List<Long> finished = new ArrayList<>();
        entries.keySet().stream().filter(id -> !kept.contains(id)).sorted().forEach(finished::add);
        for (int i = 0; i < finished.size() - retention; i++) {
            long id = finished.get(i);
            entries.remove(id);
            DurableFiles.deleteQuietly(attempts.resolve(id + ".properties"));
            DurableFiles.deleteQuietly(previousFile(id));
            DurableFiles.deleteQuietly(classesFile(id));
        }
    }

    private static Optional<Long> idOf(String name) {
        try {
            return Optional.of(Long.parseLong(name.substring(0, name.indexOf('.'))));
        } catch (RuntimeException e) {
            return Optional.empty();
        }
    }

    private void store(long id, Properties properties) throws IOException {
        properties.remove(CHECKSUM);
        properties.setProperty(CHECKSUM, checksum(properties));
        DurableFiles.write(attempts.resolve(id + ".properties"), out -> properties.store(out, "hotfix attempt " + id));
    }

    private static void verifyChecksum(Properties properties) {
        String recorded = properties.getProperty(CHECKSUM);
        if (recorded == null) {
            throw new IllegalArgumentException("damaged: it has no checksum (truncated?)");
        }
        Properties content = new Properties();
        content.putAll(properties);
        content.remove(CHECKSUM);
        if (!recorded.equals(checksum(content))) {
            throw new IllegalArgumentException("damaged: its content does not match its checksum");
        }
    }

    /** The SHA-256 of the record's keys and values, in key order: independent of how they were escaped. */
    private static String checksum(Properties properties) {
        StringBuilder text = new StringBuilder();
        new TreeMap<>(properties).forEach((key, value) -> text.append(key).append('=').append(value).append('\n'));
        return Sha256.of(text.toString().getBytes(StandardCharsets.UTF_8));
    }


    static Properties toProperties(Entry entry) {
        Properties p = ReportRecord.write(entry.report());
        if (entry.previousLocation() != null) {
            p.setProperty("previousLocation", entry.previousLocation());
        }
        if (entry.startLevel() > 0) {
            p.setProperty("startLevel", Integer.toString(entry.startLevel()));
        }
        if (entry.location() != null) {
            p.setProperty("location", entry.location());
        }
        return p;
    }
}
