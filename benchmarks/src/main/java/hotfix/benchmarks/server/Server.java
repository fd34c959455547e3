package hotfix.benchmarks.server;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * An exported server jar, run as a user runs it: {@code java -jar X.jar} in a folder of its own,
 * with the Gogo shell on its standard input. Commands are timed from the moment they are written
 * to the moment their reply has been read back.
 */
public final class Server implements AutoCloseable {

    /** What a command printed, and when it was sent and answered ({@link System#nanoTime()}). */
    public record Reply(String text, long sent, long replied) {

        public long nanos() {
            return replied - sent;
        }
    }

    private final Process process;
    private final StringBuilder output = new StringBuilder();
    private final OutputStream shell;
    private final int port;
    private int commands;

    /**
     * @param port    the HTTP port, or 0 for a server without HTTP
     * @param options JVM options, such as {@code -Xlog:...} or {@code -Dname=value}
     */
    public Server(Path jar, Path folder, int port, List<String> options) throws IOException {
        this.port = port;
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        if (port > 0) {
            command.add("-Dorg.osgi.service.http.port=" + port);
        }
        command.addAll(options);
        command.add("-jar");
        command.add(jar.toAbsolutePath().toString());
        process = new ProcessBuilder(command).directory(folder.toFile()).redirectErrorStream(true).start();
        shell = process.getOutputStream();
        Thread reader = new Thread(this::read, "server-output-" + port);
        reader.setDaemon(true);
        reader.start();
    }

    private void read() {
        try (InputStream in = process.getInputStream()) {
            byte[] buffer = new byte[8192];
            for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
                synchronized (output) {
                    output.append(new String(buffer, 0, n, StandardCharsets.UTF_8));
                    output.notifyAll();
                }
            }
        } catch (IOException e) {
            synchronized (output) {
                output.append("[reader: ").append(e).append(']');
            }
        } finally {
            synchronized (output) {
                output.notifyAll();
            }
        }
    }

    /** @return the process id, for the JDK's tools */
    public long pid() {
        return process.pid();
    }

    public URI base() {
        if (port <= 0) {
            throw new IllegalStateException("this server was started without HTTP");
        }
        return URI.create("http://127.0.0.1:" + port);
    }

    /** Waits for the shell's prompt. */
    public void awaitPrompt(Duration deadline) throws InterruptedException {
        await("g!", 0, System.nanoTime() + deadline.toNanos());
    }

    /** Waits for the shell's prompt and for the example to answer over HTTP. */
    public void awaitReady(Duration deadline) throws IOException, InterruptedException {
        long end = System.nanoTime() + deadline.toNanos();
        await("g!", 0, end);
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(2)).build();
        HttpRequest request = HttpRequest.newBuilder(base().resolve("/shop")).timeout(Duration.ofSeconds(5)).build();
        while (System.nanoTime() - end < 0) {
            try {
                if (client.send(request, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    return;
                }
            } catch (IOException e) {
                // not listening yet
            }
            Thread.sleep(50);
        }
        throw new IllegalStateException("the server on port " + port + " did not answer within " + deadline);
    }

    /** Types a command into the shell and returns what it printed, with the times. */
    public Reply command(String line, Duration deadline) throws IOException, InterruptedException {
        String marker = "end-of-command-" + (++commands);
        int mark;
        synchronized (output) {
            mark = output.length();
        }
        long sent = System.nanoTime();
        shell.write((line + "\necho " + marker + "\n").getBytes(StandardCharsets.UTF_8));
        shell.flush();
        String text = await(marker, mark, sent + deadline.toNanos());
        return new Reply(text, sent, System.nanoTime());
    }

    private String await(String text, int from, long end) throws InterruptedException {
        synchronized (output) {
            while (true) {
                int at = output.indexOf(text, from);
                if (at >= 0) {
                    return output.substring(from, at);
                }
                if (!process.isAlive()) {
                    throw new IllegalStateException("the server exited with " + process.exitValue() + ":\n"
                            + output.substring(from));
                }
                long left = end - System.nanoTime();
                if (left <= 0) {
                    throw new IllegalStateException("no '" + text + "' from the server; it printed:\n"
                            + output.substring(from));
                }
                output.wait(Math.max(1, Math.min(TimeUnit.NANOSECONDS.toMillis(left), 100)));
            }
        }
    }

    /** Stops the server as an operator at its shell does: end of input stops the framework. */
    @Override
    public void close() throws InterruptedException {
        try {
            shell.close();
        } catch (IOException e) {
            // already gone
        }
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
        }
    }

    public String output() {
        synchronized (output) {
            return output.toString();
        }
    }
}
