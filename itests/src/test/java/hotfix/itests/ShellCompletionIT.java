package hotfix.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotEquals;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertTrue;

import java.lang.annotation.Annotation;
import java.lang.reflect.Method;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import javax.inject.Inject;

import org.apache.felix.service.command.CommandProcessor;
import org.apache.felix.service.command.Parameter;
import org.junit.After;
import org.junit.Before;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.ServiceReference;
import org.osgi.util.tracker.ServiceTracker;

import hotfix.runtime.api.HotfixOptions;
import hotfix.runtime.api.HotfixReport;
import hotfix.runtime.api.Outcome;

/**
 * TAB in the JLine Gogo shell as the servers ship it (gogo.jline with the servers' profile, which
 * sources hotfix.shell's completion script) offers the hotfix commands' options, jar paths, and
 * the ids the running HotfixManager has now. The shell runs at a terminal of the test's own; the
 * tests type TAB and read what the shell shows, or type Enter after it and see what it ran.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class ShellCompletionIT extends HotfixTestSupport {

    static final String ECONOMY = "example.webapp.economy";
    static final String SHIPPED = "1.0.0.SNAPSHOT";
    static final String SWAP_FIX = "example.webapp.hotfix.shop-overflow";
    /** A redefinition of the same target, which applies on top of the swap. */
    static final String REDEFINE_FIX = "example.webapp.hotfix.bulk-discount";
    static final long WAIT_SECONDS = 30;
    /** A candidate of a list TAB shows, with its description: {@code 12 (APPLIED ...)}. */
    static final Pattern CANDIDATE = Pattern.compile("(?<![\\w.-])(\\d+) +\\(([^)]*)\\)");

    @Inject
    CommandProcessor processor;

    private TerminalShell shell;

    @Before
    public void startShell() throws Exception {
        // SCR registers the commands, and the functions completion calls, once the HotfixManager is there
        awaitCommand("hotfix", "install");
        awaitCommand("hotfix", "__rollbackable");
        shell = new TerminalShell(processor, awaitCommand("gogo", "gosh"));
    }

    /** Ends the shell, and rolls back what the test applied, newest first: the only order rollback takes. */
    @After
    public void stopShellAndRollBack() throws Exception {
        try {
            if (shell != null) {
                shell.close();
            }
        } finally {
            List<HotfixReport> applied = new ArrayList<>(manager.list());
            Collections.reverse(applied);
            for (HotfixReport hotfix : applied) {
                HotfixReport rollback = manager.rollback(hotfix.id(), HotfixOptions.defaults());
                assertNotEquals(rollback.message(), Outcome.REFUSED, rollback.outcome());
            }
        }
    }

    @Test
    public void tabCompletesTheOnlyHotfixThatCanBeRolledBackAndEnterRollsItBack() throws Exception {
        HotfixReport first = install(SWAP_FIX);
        HotfixReport latest = install(REDEFINE_FIX);

        // One candidate, the latest hotfix of the target: TAB writes it into the line. With two,
        // TAB would list them, and Enter would run hotfix:rollback without an id.
        shell.enter("hotfix:rollback \t\r", "\nrolled back hotfix " + latest.id() + ": " + ECONOMY);

        assertEquals(List.of(first.id()), manager.list().stream().map(HotfixReport::id).toList());
    }

    @Test
    public void tabCompletesAJarPathRelativeToTheFolderTheServerRunsIn() throws Exception {
        Path jar = jar(SWAP_FIX).toPath().toAbsolutePath().normalize();
        String relative = Path.of(System.getProperty("user.dir")).toAbsolutePath().relativize(jar).toString();
        assertTrue(relative, relative.endsWith("example.webapp.hotfix.shop-overflow.jar"));
        String start = relative.substring(0, relative.length() - "overflow.jar".length());

        shell.enter("hotfix:install --dry-run " + start + "\t\r",
                "\nwould apply: " + ECONOMY + " " + SHIPPED + " -> 1.0.1");
    }

    @Test
    public void tabOffersJarsAndFoldersOnlyAndNothingForTheTimeout() throws Exception {
        Path folder = Files.createTempDirectory(Path.of("target"), "completion");
        Files.createFile(folder.resolve("fix.jar"));
        Files.createFile(folder.resolve("notes.txt"));
        Files.createDirectory(folder.resolve("more"));

        String shown = shell.tab("hotfix:install " + folder + "/");

        assertTrue(shown, shown.contains("fix.jar"));
        assertTrue(shown, shown.contains("more/"));
        assertFalse(shown, shown.contains("notes.txt"));
        String timeout = shell.tab("hotfix:install --timeout ");
        assertTrue("TAB offered something for --timeout:\n" + timeout, timeout.contains(TerminalShell.BELL));
    }

    @Test
    public void tabOffersEveryOptionOfEveryHotfixCommandNotTypedYet() throws Exception {
        Map<String, Set<String>> options = optionsOfTheCommands();
        assertEquals(options.toString(), Set.of("-n", "--dry-run", "-t", "--timeout", "-j", "--json"),
                options.get("hotfix:install"));

        for (Map.Entry<String, Set<String>> command : options.entrySet()) {
            String shown = shell.tab(command.getKey() + " -");
            for (String option : command.getValue()) {
                assertTrue(command.getKey() + " " + option + ":\n" + shown,
                        Pattern.compile("(?<!\\S)" + Pattern.quote(option) + "(?!\\S)").matcher(shown).find());
            }
        }
        // gogo.jline shows each option's description beside it; one typed already is not offered again
        String afterDryRun = shell.tab("hotfix:install --dry-run -");
        assertTrue(afterDryRun, afterDryRun.contains("Answer in JSON"));
        assertFalse(afterDryRun, afterDryRun.contains("Plan only"));
    }

    @Test
    public void tabOffersTheIdsOfNowEachWithWhatItWas() throws Exception {
        HotfixReport swap = install(SWAP_FIX);
        HotfixReport refused = manager.install(jar("fixture.lower-version").toURI(), HotfixOptions.defaults());
        assertEquals(refused.message(), Outcome.REFUSED, refused.outcome());
        HotfixReport redefinition = install(REDEFINE_FIX);

        Map<Long, String> offered = candidates(shell.tab("hotfix:status "));

        assertEquals(manager.history().stream().map(HotfixReport::id).collect(Collectors.toSet()), offered.keySet());
        assertEquals("APPLIED " + ECONOMY + " " + SHIPPED + " -> 1.0.1, swap", offered.get(swap.id()));
        assertEquals("REFUSED " + ECONOMY + " ? -> 0.9.0, swap", offered.get(refused.id()));
        assertEquals("APPLIED " + ECONOMY + " 1.0.1 -> 1.0.2, redefine", offered.get(redefinition.id()));
        String timeout = shell.tab("hotfix:rollback --timeout ");
        assertTrue("TAB offered an id for --timeout:\n" + timeout, timeout.contains(TerminalShell.BELL));
    }

    @Test
    public void theFunctionsCompletionCallsAreNotOfferedAsCommands() throws Exception {
        String shown = shell.tab("hotfix:");

        Matcher commands = Pattern.compile("hotfix:\\w+").matcher(shown.substring(shown.indexOf('\n')));
        Set<String> offered = new TreeSet<>();
        while (commands.find()) {
            offered.add(commands.group());
        }
        assertEquals(Set.of("hotfix:history", "hotfix:install", "hotfix:list", "hotfix:rollback", "hotfix:status"),
                offered);
        assertFalse(shown, shown.contains("__"));
    }

    /** @return the ids in a list that TAB showed, each with its description */
    private static Map<Long, String> candidates(String shown) {
        Map<Long, String> candidates = new TreeMap<>();
        Matcher candidate = CANDIDATE.matcher(shown);
        while (candidate.find()) {
            candidates.put(Long.valueOf(candidate.group(1)), candidate.group(2));
        }
        return candidates;
    }

    /**
     * @return each hotfix command with the names of its options: what Gogo takes, read from the
     *         command services as Gogo reads them
     */
    private Map<String, Set<String>> optionsOfTheCommands() throws Exception {
        Map<String, Set<String>> options = new TreeMap<>();
        for (ServiceReference<?> reference : context.getServiceReferences((String) null,
                "(" + CommandProcessor.COMMAND_SCOPE + "=hotfix)")) {
            Object service = context.getService(reference);
            try {
                Object functions = reference.getProperty(CommandProcessor.COMMAND_FUNCTION);
                for (Object function : functions instanceof String[] names ? names : new Object[] {functions}) {
                    if (String.valueOf(function).startsWith("_")) {
                        continue;
                    }
                    Set<String> names = options.computeIfAbsent("hotfix:" + function, f -> new TreeSet<>());
                    for (Method method : service.getClass().getMethods()) {
                        if (method.getName().equals(function)) {
                            for (Annotation[] parameter : method.getParameterAnnotations()) {
                                for (Annotation annotation : parameter) {
                                    if (annotation instanceof Parameter option) {
                                        names.addAll(List.of(option.names()));
                                    }
                                }
                            }
                        }
                    }
                }
            } finally {
                context.ungetService(reference);
            }
        }
        return options;
    }

    private HotfixReport install(String fix) {
        HotfixReport report = manager.install(jar(fix).toURI(), HotfixOptions.defaults());
        assertEquals(report.message(), Outcome.APPLIED, report.outcome());
        return report;
    }

    /** @return the service of a Gogo command, once registered */
    private Object awaitCommand(String scope, String function) throws Exception {
        String filter = "(&(" + CommandProcessor.COMMAND_SCOPE + "=" + scope + ")(" + CommandProcessor.COMMAND_FUNCTION
                + "=" + function + "))";
        ServiceTracker<Object, Object> tracker = new ServiceTracker<>(context, context.createFilter(filter), null);
        tracker.open();
        try {
            Object command = tracker.waitForService(TimeUnit.SECONDS.toMillis(WAIT_SECONDS));
            assertNotNull("no command " + scope + ":" + function, command);
            return command;
        } finally {
            tracker.close();
        }
    }
}
