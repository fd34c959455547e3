package hotfix.tool;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Enumeration;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

import hotfix.runtime.api.HotfixHeaders;

/**
 * The runtime's API ({@code hotfix.runtime.api}: {@code StateTransfer}, {@code QuiesceGate}, ...)
 * as a class path entry of its own, so that a hotfix compiles against it without the base
 * listing it, and against nothing else of the runtime. Copied from wherever the tool has it (its
 * own jar, or the runtime's) into a temporary folder, removed on {@link #close()}.
 */
final class RuntimeApi implements AutoCloseable {

    private static final String API = HotfixHeaders.class.getPackageName().replace('.', '/') + "/";

    private final Path folder;

    private RuntimeApi(Path folder) {
        this.folder = folder;
    }

    static RuntimeApi extract() throws ToolException {
        try {
            Path folder = Files.createTempDirectory("hotfix-tool-api");
            Path from = Path.of(HotfixHeaders.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            if (Files.isDirectory(from)) {
                try (Stream<Path> files = Files.walk(from.resolve(API))) {
                    for (Path file : (Iterable<Path>) files.filter(Files::isRegularFile)::iterator) {
                        copy(Files.newInputStream(file), folder.resolve(from.relativize(file).toString()));
                    }
                }
            } else {
                try (ZipFile zip = new ZipFile(from.toFile())) {
                    for (Enumeration<? extends ZipEntry> entries = zip.entries(); entries.hasMoreElements();) {
                        ZipEntry entry = entries.nextElement();
                        if (entry.getName().startsWith(API) && !entry.isDirectory()) {
                            copy(zip.getInputStream(entry), folder.resolve(entry.getName()));
                        }
                    }
                }
            }
            return new RuntimeApi(folder);
        } catch (IOException | URISyntaxException | RuntimeException e) {
            throw new ToolException("cannot find the hotfix runtime's API classes to compile against: " + e);
        }
    }

    private static void copy(InputStream in, Path to) throws IOException {
        Files.createDirectories(to.getParent());
        try (InputStream from = in) {
            Files.copy(from, to);
        }
    }

    /** @return the folder to put on the class path */
    Path folder() {
        return folder;
    }

    @Override
    public void close() {
        try (Stream<Path> files = Files.walk(folder)) {
            files.sorted(Comparator.reverseOrder()).forEach(file -> {
                try {
                    Files.delete(file);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        } catch (IOException | UncheckedIOException e) {
            // a temporary folder left behind is no failure of the hotfix
        }
    }
}
