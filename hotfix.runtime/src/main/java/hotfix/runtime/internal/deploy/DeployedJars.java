package hotfix.runtime.internal.deploy;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import java.util.SortedMap;
import java.util.TreeMap;

import hotfix.runtime.internal.journal.DurableFiles;

/**
 * The watcher's own record of what each jar of the deploy directory did, kept in the runtime's
 * data area so that a restart neither applies a jar twice nor retries a refused one.
 * <p>
 * A properties file: {@code directory}, the directory the record is about, and per jar
 * {@code jar.<name>.sha256}, {@code jar.<name>.hotfix} and {@code jar.<name>.problem}. Written to
 * a temporary file and moved over the old one, so a crash leaves the old record or the new one,
 * never half of one.
 */
final class DeployedJars {

    /**
     * What one jar did.
     *
     * @param sha256  the SHA-256 of the content last handled; empty once the file is gone but
     *                the hotfix it applied could not be rolled back
     * @param hotfix  the id of the applied hotfix this jar owns, 0 for none
     * @param problem what went wrong, as the status shows it after the name; empty if nothing
     */
    record Entry(String sha256, long hotfix, String problem) {

        /** @return whether the file is gone and its hotfix was left applied */
        boolean gone() {
            return sha256.isEmpty();
        }
    }

    private static final String PREFIX = "jar.";

    private final Path file;
    private final SortedMap<String, Entry> entries = new TreeMap<>();
    private String directory = "";

    DeployedJars(Path file) {
        this.file = file;
    }

    /** @return the entries, by file name; changes go to the file at the next {@link #store()} */
    Map<String, Entry> entries() {
        return entries;
    }

    /** @return the absolute directory the entries are about; empty if never stored */
    String directory() {
        return directory;
    }

    void directory(String directory) {
        this.directory = directory;
    }

    /**
     * Replaces the entries with those of the file; a missing file is an empty record.
     *
     * @throws IOException if the file exists and cannot be read; the entries are then empty
     */
    void load() throws IOException {
        entries.clear();
        directory = "";
        Properties properties = new Properties();
        try (InputStream in = Files.newInputStream(file)) {
            properties.load(in);
        } catch (NoSuchFileException e) {
            return;
        }
        try {
            SortedMap<String, Entry> loaded = new TreeMap<>();
            for (String key : properties.stringPropertyNames()) {
                if (key.startsWith(PREFIX) && key.endsWith(".sha256")) {
                    String name = key.substring(PREFIX.length(), key.length() - ".sha256".length());
                    loaded.put(name, new Entry(properties.getProperty(key),
                            Long.parseLong(properties.getProperty(PREFIX + name + ".hotfix", "0")),
                            properties.getProperty(PREFIX + name + ".problem", "")));
                }
            }
            entries.putAll(loaded);
            directory = properties.getProperty("directory", "");
        } catch (NumberFormatException e) {
            throw new IOException(file + " has a hotfix id that is not a number: " + e.getMessage(), e);
        }
    }

    /** Writes the entries: whole, and durably ({@link DurableFiles}). */
    void store() throws IOException {
        Properties properties = new Properties();
        properties.setProperty("directory", directory);
        entries.forEach((name, entry) -> {
            properties.setProperty(PREFIX + name + ".sha256", entry.sha256());
            properties.setProperty(PREFIX + name + ".hotfix", Long.toString(entry.hotfix()));
            properties.setProperty(PREFIX + name + ".problem", entry.problem());
        });
        Files.createDirectories(file.toAbsolutePath().getParent());
        DurableFiles.write(file, out -> properties.store(out,
                "What each jar of the deploy directory did; written by hotfix.runtime"));
    }
}
