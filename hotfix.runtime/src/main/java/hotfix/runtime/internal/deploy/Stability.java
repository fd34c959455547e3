package hotfix.runtime.internal.deploy;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * Decides when a file in the deploy directory is completely written, so that a file still being
 * copied is never read half-way.
 * <p>
 * A file is stable when its size and modification time are the same at two consecutive polls.
 * Once handled it is not offered again until it changes. A copy can stall for longer than a poll
 * (a slow disk, a network share), so a stable file that begins as a zip must also end as one:
 * {@link #incomplete(byte[])}; one that does not, for long, is truncated
 * ({@link #waitedIncomplete}).
 */
final class Stability {

    private static final byte[] LOCAL_HEADER = {'P', 'K', 3, 4};
    private static final byte[] END_RECORD = {'P', 'K', 5, 6};
    private static final int END_RECORD_SIZE = 22;
    private static final int MAX_COMMENT = 0xFFFF;

    /** What one poll saw of a file. */
    record Seen(long size, FileTime modified) {
    }

    private final Map<String, Seen> last = new HashMap<>();
    private final Set<String> settled = new HashSet<>();
    /** Stable files whose zip is incomplete: the content seen, and since when (nanoTime). */
    private final Map<String, Incomplete> incomplete = new HashMap<>();

    private record Incomplete(String sha256, long since) {
    }

    /**
     * Takes one poll's listing.
     *
     * @param now every file of the directory that counts, by name
     * @return the names that are stable and not settled since they last changed, in name order
     */
    List<String> observe(Map<String, Seen> now) {
        last.keySet().retainAll(now.keySet());
        settled.retainAll(now.keySet());
        incomplete.keySet().retainAll(now.keySet());
        List<String> stable = new ArrayList<>();
        for (Map.Entry<String, Seen> file : new TreeMap<>(now).entrySet()) {
            Seen before = last.put(file.getKey(), file.getValue());
            if (!file.getValue().equals(before)) {
                settled.remove(file.getKey());
            } else if (!settled.contains(file.getKey())) {
                stable.add(file.getKey());
            }
        }
        return stable;
    }

    /**
     * A stable file whose zip is incomplete is a copy that stalled, or a truncated file: it is
     * offered again at every poll while the copy may still finish, and refused once the same
     * content has stayed incomplete for {@code limit}.
     *
     * @param sha256 the content seen now; other content starts the wait again
     * @return how long it waited, once that is at least {@code limit}; empty while it waits
     */
    Optional<Duration> waitedIncomplete(String name, String sha256, Duration limit) {
        long now = System.nanoTime();
        Incomplete seen = incomplete.get(name);
        if (seen == null || !seen.sha256().equals(sha256)) {
            seen = new Incomplete(sha256, now);
            incomplete.put(name, seen);
        }
        Duration waited = Duration.ofNanos(now - seen.since());
        if (waited.compareTo(limit) < 0) {
            return Optional.empty();
        }
        incomplete.remove(name);
        return Optional.of(waited);
    }

    /**
     * Lists the jars of the directory that count: {@code *.jar}, not hidden, regular files.
     *
     * @param present every such name, readable or not (one that is there is not removed)
     * @param listing what each readable one looks like now, for {@link #observe}
     */
    static void list(Path directory, Set<String> present, Map<String, Seen> listing) throws IOException {
        try (DirectoryStream<Path> files = Files.newDirectoryStream(directory)) {
            for (Path file : files) {
                String name = file.getFileName().toString();
                if (name.startsWith(".") || !name.endsWith(".jar")) {
                    continue;
                }
                BasicFileAttributes attributes;
                try {
                    attributes = Files.readAttributes(file, BasicFileAttributes.class);
                } catch (NoSuchFileException e) {
                    continue;
                } catch (IOException e) {
                    // there but unreadable for now: not removed, not stable
                    present.add(name);
                    continue;
                }
                if (attributes.isRegularFile()) {
                    present.add(name);
                    listing.put(name, new Seen(attributes.size(), attributes.lastModifiedTime()));
                }
            }
        }
    }

    /** An entry whose hotfix was rolled back from the shell no longer owns it. */
    /** Marks a file handled: it is not offered again until its size or time changes. */
    void settle(String name) {
        settled.add(name);
    }

    /**
     * Tells a jar still being written from a complete one or from a file that is no jar at all.
     * A zip is written from its first entry to its end record, which is the last thing in the
     * file; a file that begins with a zip entry and has no end record yet is incomplete. A file
     * that does not begin as a zip is left to the pipeline, which refuses it with the reason.
     *
     * @return why the file is not complete yet, or {@code null} if it is
     */
    static String incomplete(byte[] bytes) {
        if (bytes.length == 0) {
            return "empty";
        }
        if (bytes.length < LOCAL_HEADER.length) {
            return startsWith(LOCAL_HEADER, bytes) ? "incomplete: the first bytes of a zip; waiting for the rest" : null;
        }
        if (!startsWith(bytes, LOCAL_HEADER)) {
            return null;
        }
        return hasEndRecord(bytes) ? null : "incomplete: a zip without its end record yet; waiting for the rest";
    }

    private static boolean hasEndRecord(byte[] bytes) {
        int lowest = Math.max(0, bytes.length - END_RECORD_SIZE - MAX_COMMENT);
        for (int at = bytes.length - END_RECORD_SIZE; at >= lowest; at--) {
            if (bytes[at] == END_RECORD[0] && bytes[at + 1] == END_RECORD[1] && bytes[at + 2] == END_RECORD[2]
                    && bytes[at + 3] == END_RECORD[3]) {
                int comment = (bytes[at + 20] & 0xFF) | (bytes[at + 21] & 0xFF) << 8;
                // The record and its comment end the file exactly: a chance match inside data does not.
                if (at + END_RECORD_SIZE + comment == bytes.length) {
                    return true;
                }
            }
        }
        return false;
    }

    private static boolean startsWith(byte[] bytes, byte[] prefix) {
        if (bytes.length < prefix.length) {
            return false;
        }
        for (int i = 0; i < prefix.length; i++) {
            if (bytes[i] != prefix[i]) {
                return false;
            }
        }
        return true;
    }
}
