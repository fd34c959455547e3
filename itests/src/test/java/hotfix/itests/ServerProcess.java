package hotfix.itests;

import static org.junit.Assert.fail;

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
 * The exported example server, run as a user runs it: {@code java -jar webapp.jar} in a folder
 * of its own, with the Gogo shell on its standard input.
 */
final class ServerProcess implements AutoCloseable {

    private final Process process;
    private final StringBuffer output = new StringBuffer();
    private final OutputStream shell;
    private int mark;
    private int commands;

    ServerProcess(Path jar, Path folder, int port) throws IOException {
        this(jar, folder, port, List.of());
    }

    /** @param options options for the JVM, before {@code -jar} */
    ServerProcess(Path jar, Path folder, int port, List<String> options) throws IOException {
        this(Path.of(System.getProperty("java.home")), jar, folder, port, options);
    }

    /**
     * @param javaHome the Java installation to run the server on
     * @param options  options for the JVM, before {@code -jar}
     */
    ServerProcess(Path javaHome, Path jar, Path folder, int port, List<String> options) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(javaHome.resolve("bin").resolve("java").toString());
        command.addAll(options);
        command.addAll(List.of("-Dorg.osgi.service.http.port=" + port, "-jar", jar.toString()));
        process = new ProcessBuilder(command)
                .directory(folder.toFile())
                .redirectErrorStream(true)
                .start();
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

    /** Types a command into the shell and returns all it printed. */
    String command(String line, Duration deadline) throws IOException, InterruptedException {
        return await(send(line), deadline);
    }

    /** Types a command into the shell without waiting. @return the text that will end its output */
    String send(String line) throws IOException {
        String end = "end-of-command-" + (++commands);
        mark = output.length();
        shell.write((line + "\necho " + end + "\n").getBytes(StandardCharsets.UTF_8));
        shell.flush();
        return end;
    }

    /**
     * Waits for text to appear in the output since the last command, up to a moment.
     *
     * @return all printed since the command, up to the text; null if it did not appear in time
     */
    String poll(String text, long deadlineNanos) throws InterruptedException {
        while (System.nanoTime() - deadlineNanos < 0) {
            int at = output.indexOf(text, mark);
            if (at >= 0) {
                return output.substring(mark, at + text.length());
            }
            if (!process.isAlive()) {
                fail("the server exited with " + process.exitValue() + ":\n" + output);
            }
            Thread.sleep(2);
        }
        return null;
    }

    /** Kills the server as a crash would: SIGKILL, no shutdown hooks, nothing flushed. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            fail("the server did not die from SIGKILL");
        }
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
                fail("the server exited with " + process.exitValue() + ":\n" + output);
            }
            Thread.sleep(20);
        }
        fail("no '" + text + "' within " + deadline + "; the server printed:\n" + output.substring(mark));
        return null;
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

    String output() {
        return output.toString();
    }
}
