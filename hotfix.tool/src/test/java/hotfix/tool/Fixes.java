package hotfix.tool;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarInputStream;
import java.util.jar.Manifest;
import java.util.zip.ZipEntry;

/**
 * What the tool's tests work with: the base bundle the build made ({@code fixture.greetings}), the
 * changed source files of src/test/fixes, and the tool run in this JVM or as a process.
 */
final class Fixes {

    /** What one run of the tool did. */
    record Run(int exit, String out, String err) {

        @Override
        public String toString() {
            return "exit " + exit + "\n--- out:\n" + out + "--- err:\n" + err;
        }
    }

    private Fixes() {
    }

    /** @return the base bundle's jar, as the build made it */
    static Path base() {
        return path("hotfix.tool.base");
    }

    /** @return what the base's component source compiles against besides the base: the DS annotations */
    static Path classpath() {
        return path("hotfix.tool.classpath");
    }

    /** @return the folder of one case of src/test/fixes */
    static Path fix(String name) {
        return path("hotfix.tool.fixes").resolve(name);
    }

    /** @return the executable jar the build made */
    static Path toolJar() {
        return path("hotfix.tool.jar");
    }

    /** Runs a command in this JVM, as {@code java -jar hotfix-tool.jar} would. */
    static Run run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int exit;
        try (PrintStream o = new PrintStream(out, true, StandardCharsets.UTF_8);
                PrintStream e = new PrintStream(err, true, StandardCharsets.UTF_8)) {
            exit = Main.run(args, o, e);
        }
        return new Run(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    /** Runs {@code java -jar hotfix-tool.jar ARGS} as a process, with nothing else on its class path. */
    static Run process(Path directory, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
                .toString(), "-jar", toolJar().toString()));
        command.addAll(Arrays.asList(args));
        ProcessBuilder builder = new ProcessBuilder(command).directory(directory.toFile());
        builder.environment().remove("CLASSPATH");
        builder.environment().remove("JAVA_TOOL_OPTIONS");
        Path out = Files.createTempFile(directory, "out", ".txt");
        Path err = Files.createTempFile(directory, "err", ".txt");
        Process process = builder.redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("java -jar hotfix-tool.jar " + args[0] + " did not end within 60 s");
        }
        return new Run(process.exitValue(), Files.readString(out), Files.readString(err));
    }

    /** @return the main headers of a jar's manifest */
    static Manifest manifest(Path jar) {
        try (JarInputStream in = new JarInputStream(Files.newInputStream(jar))) {
            return in.getManifest();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** @return a jar's entries, the manifest aside, with their bytes, in order */
    static Map<String, byte[]> entries(Path jar) {
        Map<String, byte[]> entries = new LinkedHashMap<>();
        try (JarInputStream in = new JarInputStream(Files.newInputStream(jar))) {
            for (ZipEntry entry = in.getNextEntry(); entry != null; entry = in.getNextEntry()) {
                entries.put(entry.getName(), in.readAllBytes());
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return entries;
    }

    private static Path path(String property) {
        String value = System.getProperty(property);
        if (value == null) {
            throw new IllegalStateException("no system property " + property + ": run the tests with 'mvn verify'");
        }
        return Path.of(value);
    }
}
