package hotfix.benchmarks.scale;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * An exported server jar run as a user runs it: {@code java -jar X.jar} in a folder of its own,
 * with the Gogo shell on its standard input. The same approach as the itests' ServerProcess; the
 * benchmark adds system properties and the process id, for the JDK's tools.
 */
final class Server implements AutoCloseable {

    private final Process process;
    private final StringBuffer output = new StringBuffer();
    private final OutputStream shell;
    private int mark;
    private int commands;

    /**
     * @param options    JVM options, such as {@code -Xlog:...}
     * @param properties system properties, {@code name=value}
     */
    Server(Path jar, Path folder, List<String> options, List<String> properties) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(options);
        properties.forEach(property -> command.add("-D" + property));
        command.add("-jar");
        command.add(jar.toString());
        process = new ProcessBuilder(command).directory(folder.toFile()).redirectErrorStream(true).start();
        shell = process.getOutputStream();
        Thread reader = new Thread(() -> {
            try (InputStream in = process.getInputStream()) {
                byte[] buffer = new byte[8192];
                for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
                    output.append(new String(buffer, 0, n, StandardCharsets.UTF_8));
                }
            } catch (IOException e) {
                output.append("[reader: ").append(e).append(']');
            }
        }, "server-output");
        reader.setDaemon(true);
        reader.start();
    }

    long pid() {
        return process.pid();
    }

    /** Types a command into the shell and returns all it printed. */
    String command(String line, Duration deadline) throws IOException, InterruptedException {
        String end = "end-of-command-" + (++commands);
        mark = output.length();
        shell.write((line + "\necho " + end + "\n").getBytes(StandardCharsets.UTF_8));
        shell.flush();
        return await(end, deadline);
    }

    /** Waits for text to appear in the output since the last command. */
    String await(String text, Duration deadline) throws InterruptedException {
        long end = System.nanoTime() + deadline.toNanos();
        while (System.nanoTime() - end < 0) {
            int at = output.indexOf(text, mark);
            if (at >= 0) {
                return output.substring(mark, at + text.length());
            }
            if (!process.isAlive()) {
                throw new IllegalStateException("the server exited with " + process.exitValue() + ":\n" + output);
            }
            Thread.sleep(5);
        }
        throw new IllegalStateException("no '" + text + "' within " + deadline + "; the server printed:\n"
                + output.substring(mark));
    }

    /** Stops the server the way an operator at its shell does: end of input stops the framework. */
    @Override
    public void close() throws IOException, InterruptedException {
        try {
            shell.close();
        } catch (IOException e) {
            // already gone
        }
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
        }
    }
}
