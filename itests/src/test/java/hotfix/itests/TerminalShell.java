package hotfix.itests;

import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.fail;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Pattern;

import org.apache.felix.service.command.CommandProcessor;
import org.apache.felix.service.command.CommandSession;
import org.jline.terminal.Size;
import org.jline.terminal.Terminal;
import org.jline.terminal.TerminalBuilder;

/**
 * The JLine Gogo shell as a server runs it at its console, at a terminal of the test's own: the
 * shell's {@code gosh} command, with the profile the servers ship, reads the keys the test types
 * and draws on a screen the test reads. Only the shell's thread runs commands in its session, as
 * at a console: Gogo refuses a second job in the foreground.
 */
final class TerminalShell implements AutoCloseable {

    /** What the servers' profile prompts with. */
    static final String PROMPT = "g! ";
    static final Duration WAIT = Duration.ofSeconds(30);
    /** What JLine writes when TAB has nothing to offer. */
    static final String BELL = "\u0007";

    /** Escape sequences (cursor moves, colours, modes) and carriage returns: what is left is text. */
    private static final Pattern ESCAPES = Pattern.compile(
            "\u001B\\[[0-9;?]*[ -/]*[@-~]|\u001B\\][^\u0007\u001B]*(\u0007|\u001B\\\\)|\u001B[()][0-9A-Za-z]|\u001B[=>78]|\r");

    private final PipedOutputStream keys = new PipedOutputStream();
    private final ByteArrayOutputStream screen = new ByteArrayOutputStream();
    private final AtomicReference<Exception> failure = new AtomicReference<>();
    private final Terminal terminal;
    private final CommandSession session;
    private final Thread shell;
    private int mark;
    private int tabs;

    /**
     * @param processor Gogo's command processor
     * @param gosh      the service of gogo.jline's shell, whose {@code gosh} runs a console
     */
    TerminalShell(CommandProcessor processor, Object gosh) throws Exception {
        PipedInputStream input = new PipedInputStream(keys, 64 * 1024);
        // JLine finds its terminal providers through the context class loader: the class path's
        Thread current = Thread.currentThread();
        ClassLoader before = current.getContextClassLoader();
        current.setContextClassLoader(Terminal.class.getClassLoader());
        try {
            terminal = TerminalBuilder.builder().system(false).streams(input, screen).type("xterm-256color")
                    .size(new Size(200, 50)).encoding(StandardCharsets.UTF_8).build();
        } finally {
            current.setContextClassLoader(before);
        }
        session = processor.createSession(terminal.input(), terminal.output(), terminal.output());
        session.put(".terminal", terminal);
        // As gogo.jline starts its console: a call of the shell's gosh, not a command of the
        // session, which the shell would wait for as a job in the foreground after each line.
        // Unlike the console, it leaves the framework running at the end of input.
        Method login = gosh.getClass().getMethod("gosh", CommandSession.class, String[].class);
        shell = new Thread(() -> {
            try {
                login.invoke(gosh, session, new String[] {"--login", "--noshutdown", "--nohistory"});
            } catch (ReflectiveOperationException e) {
                failure.set(e);
            }
        }, "terminal-shell");
        shell.setDaemon(true);
        shell.start();
        await("");
    }

    /**
     * Types a line at the prompt, as a person would, and waits for text to appear on the screen,
     * then for the next prompt. Keys typed while a command runs would reach the terminal outside
     * the line reader's raw mode, where the terminal edits the line itself (a TAB is no TAB).
     *
     * @param line keys that end with Enter
     * @return the screen's text since the keys were typed, up to and with the text
     */
    String enter(String line, String expected) throws IOException, InterruptedException {
        mark = screen.size();
        keys.write(line.getBytes(StandardCharsets.UTF_8));
        keys.flush();
        return await(expected);
    }

    /**
     * Types a line and TAB, then empties the line and runs a command that marks the end.
     *
     * @return the screen's text from the line typed to the mark: the line as typed, and what TAB
     *         showed below it ({@link #BELL} if nothing)
     */
    String tab(String line) throws IOException, InterruptedException {
        String end = "end-of-tab-" + (++tabs);
        return enter(line + "\t\u0015echo " + end + "\r", "\n" + end + "\n");
    }

    /** Waits until text appears on the screen since the last keys typed, and a prompt after it. */
    private String await(String expected) throws InterruptedException {
        long end = System.nanoTime() + WAIT.toNanos();
        String text = "";
        while (System.nanoTime() - end < 0) {
            text = text(mark);
            int at = text.indexOf(expected);
            if (at >= 0 && text.indexOf(PROMPT, at + expected.length()) >= 0) {
                return text.substring(0, at + expected.length());
            }
            if (!shell.isAlive()) {
                fail("the shell ended (" + failure.get() + "); the screen shows:\n" + text);
            }
            Thread.sleep(10);
        }
        fail("no '" + expected + "' and prompt on the screen within " + WAIT + "; it shows:\n" + text);
        return null;
    }

    /** @return what the screen showed from a byte on, without escape sequences */
    private String text(int from) {
        byte[] all = screen.toByteArray();
        return ESCAPES.matcher(new String(all, from, all.length - from, StandardCharsets.UTF_8)).replaceAll("");
    }

    /** Ends the shell as a person does, with ^D at an empty line, and closes the terminal. */
    @Override
    public void close() throws IOException, InterruptedException {
        try {
            keys.write(4); // ^D at the empty line of a prompt ends the input
            keys.flush();
            shell.join(TimeUnit.SECONDS.toMillis(WAIT.toSeconds()));
            assertFalse("the shell did not end at ^D; the screen shows:\n" + text(mark), shell.isAlive());
            assertNull("the shell failed", failure.get());
        } finally {
            session.close();
            terminal.close();
            keys.close();
        }
    }
}
