package hotfix.runtime.internal.journal;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Properties;

/**
 * Files that survive a crash or a power cut whole: written to a temporary name, forced to disk,
 * moved into place, and the move itself forced to disk with the directory. A reader sees the old
 * file or the new one, never half of one; a record written is still there after a power cut.
 */
public final class DurableFiles {

    static final String TEMPORARY = ".tmp";

    /** Writes a file's content. */
    public interface Writer {
        void write(OutputStream out) throws IOException;
    }

    private DurableFiles() {
    }

    /** Writes {@code file} whole and durably: temporary name, forced, moved, directory forced. */
    public static void write(Path file, Writer writer) throws IOException {
        Path temporary = file.resolveSibling(file.getFileName() + TEMPORARY);
        try (FileChannel channel = FileChannel.open(temporary, StandardOpenOption.CREATE,
                StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE);
                OutputStream out = Channels.newOutputStream(channel)) {
            writer.write(out);
            out.flush();
            // on disk before the move makes it visible: a power cut leaves the old file or the new one
            channel.force(true);
        }
        try {
            Files.move(temporary, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING);
        }
        forceDirectory(file.getParent());
    }

    /**
     * A rename lives in the directory, not in the file: until the directory is forced, a power cut
     * can undo it, though a kill cannot. Not every platform can open a directory (Windows cannot);
     * there the move is as durable as the platform makes it.
     */
    static void forceDirectory(Path directory) {
        try (FileChannel channel = FileChannel.open(directory, StandardOpenOption.READ)) {
            channel.force(true);
        } catch (IOException | UnsupportedOperationException e) {
            // the platform cannot: nothing more can be done from Java
        }
    }

    /** Deletes what a write the process died in left behind: the file it replaced is still whole. */
    static void deleteTemporaries(Path directory) throws IOException {
        try (DirectoryStream<Path> stream = Files.newDirectoryStream(directory, "*" + TEMPORARY)) {
            for (Path file : stream) {
                deleteQuietly(file);
            }
        }
    }

    static void deleteQuietly(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            // left for the next start
        }
    }

    static Properties read(Path file) throws IOException {
        if (!Files.exists(file)) {
            return null;
        }
        Properties properties = new Properties();
        try (InputStream in = Files.newInputStream(file)) {
            properties.load(in);
        }
        return properties;
    }
}
