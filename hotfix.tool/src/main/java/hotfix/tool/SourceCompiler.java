package hotfix.tool;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.StringWriter;
import java.net.URI;
import java.nio.charset.Charset;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;

import javax.tools.Diagnostic;
import javax.tools.DiagnosticCollector;
import javax.tools.FileObject;
import javax.tools.ForwardingJavaFileManager;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.SimpleJavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.StandardLocation;
import javax.tools.ToolProvider;

/**
 * Compiles the changed source files with the JDK's own compiler, in memory, against a class path
 * that starts with the base jar: the classes the sources do not replace are the ones the server
 * runs.
 */
final class SourceCompiler {

    /**
     * What javac made.
     *
     * @param classes  the class files, by binary name, in the order javac wrote them
     * @param warnings javac's warnings, as javac prints them
     */
    record Output(Map<String, byte[]> classes, List<String> warnings) {
    }

    private SourceCompiler() {
    }

    /** @return the {@code .java} files given, and those under the folders given, in order */
    static List<Path> sources(List<Path> given) throws ToolException {
        List<Path> sources = new ArrayList<>();
        for (Path path : given) {
            if (Files.isDirectory(path)) {
                try (Stream<Path> files = Files.walk(path)) {
                    files.filter(file -> file.toString().endsWith(".java") && Files.isRegularFile(file)).sorted()
                            .forEach(sources::add);
                } catch (IOException e) {
                    throw new ToolException("cannot list the sources under " + path + ": " + e);
                }
            } else if (Files.isRegularFile(path) && path.toString().endsWith(".java")) {
                sources.add(path);
            } else {
                throw new ToolException("no source file at " + path + ": give the changed .java files (or a folder "
                        + "of them)");
            }
        }
        if (sources.isEmpty()) {
            throw new ToolException("no source file given: give the changed .java files (or a folder of them)");
        }
        return sources;
    }

    /**
     * @param release  the Java feature release to compile for ({@code --release})
     * @throws ToolException with javac's diagnostics if they do not compile
     */
    static Output compile(List<Path> sources, List<Path> classpath, int release, Charset encoding)
            throws ToolException {
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        if (javac == null) {
            throw new ToolException("this Java runtime has no compiler: run the tool with a JDK, not a JRE");
        }
        DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
        StandardJavaFileManager files = javac.getStandardFileManager(diagnostics, Locale.ROOT, encoding);
        Map<String, ByteArrayOutputStream> written = new LinkedHashMap<>();
        try (InMemory memory = new InMemory(files, written)) {
            files.setLocationFromPaths(StandardLocation.CLASS_PATH, classpath);
            // no annotation processor from the base or the class path runs: the base's metadata stays
            List<String> options = List.of("--release", Integer.toString(release), "-g", "-proc:none",
                    "-implicit:none", "-encoding", encoding.name(), "-Xlint:-options");
            StringWriter unexpected = new StringWriter();
            boolean compiled = javac.getTask(unexpected, memory, diagnostics, options, null,
                    files.getJavaFileObjectsFromPaths(sources)).call();
            List<String> errors = new ArrayList<>();
            List<String> warnings = new ArrayList<>();
            for (Diagnostic<? extends JavaFileObject> diagnostic : diagnostics.getDiagnostics()) {
                (diagnostic.getKind() == Diagnostic.Kind.ERROR ? errors : warnings).add(diagnostic.toString());
            }
            if (!compiled) {
                if (!unexpected.toString().isBlank()) {
                    errors.add(unexpected.toString().strip());
                }
                throw new ToolException("javac: the sources do not compile against the base (" + errors.size()
                        + " error(s)):\n" + String.join("\n", errors));
            }
            Map<String, byte[]> classes = new LinkedHashMap<>();
            written.forEach((name, bytes) -> classes.put(name, bytes.toByteArray()));
            return new Output(classes, warnings);
        } catch (IOException | IllegalArgumentException e) {
            throw new ToolException("javac cannot start: " + e.getMessage());
        }
    }

    /** Keeps javac's class files in memory, by binary name. */
    private static final class InMemory extends ForwardingJavaFileManager<StandardJavaFileManager> {

        private final Map<String, ByteArrayOutputStream> written;

        InMemory(StandardJavaFileManager files, Map<String, ByteArrayOutputStream> written) {
            super(files);
            this.written = written;
        }

        @Override
        public JavaFileObject getJavaFileForOutput(Location location, String className, JavaFileObject.Kind kind,
                FileObject sibling) {
            return new SimpleJavaFileObject(URI.create("memory:///" + className.replace('.', '/') + kind.extension),
                    kind) {
                @Override
                public OutputStream openOutputStream() {
                    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
                    written.put(className, bytes);
                    return bytes;
                }
            };
        }
    }
}
