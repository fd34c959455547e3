package hotfix.tool;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.Charset;
import java.nio.charset.IllegalCharsetNameException;
import java.nio.charset.UnsupportedCharsetException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;

import hotfix.runtime.api.Mode;

/**
 * The command line: {@code java -jar hotfix-tool.jar make|plan ...}. Exits 0 when the hotfix is
 * made, or its plan accepted; 1 when the plan refuses it (or there is nothing to hotfix); 2 for a
 * usage error, a base that cannot be read, or sources that do not compile.
 */
public final class Main {

    static final int OK = 0;
    static final int REFUSED = 1;
    static final int ERROR = 2;

    private static final String USAGE = String.join("\n",
            "usage: java -jar hotfix-tool.jar COMMAND [OPTIONS]",
            "",
            "  make   compile changed source files against the bundle jar the server runs, and write the hotfix",
            "  plan   plan a hotfix jar against that bundle jar offline, as the server will",
            "",
            "java -jar hotfix-tool.jar COMMAND --help says more of each.");

    private static final String MAKE_USAGE = String.join("\n",
            "usage: java -jar hotfix-tool.jar make --base BASE.jar [--classpath JARS] [--mode auto|swap|redefine]",
            "           [--version V] [--target-version RANGE] [--description TEXT] [--encoding CHARSET]",
            "           --out OUT.jar SOURCE.java...",
            "",
            "Compiles the changed SOURCE files (or every .java file under a folder given) against BASE.jar, the",
            "bundle jar the server runs, at BASE's own class-file level, and writes OUT.jar, a hotfix of BASE: its",
            "Bundle-SymbolicName, Bundle-Version one micro step above BASE's, Hotfix-Target-Version exactly BASE's",
            "version, Hotfix-Description. The jar is planned as the server will plan it (see 'plan'), and written",
            "only if that plan accepts it.",
            "",
            "  --base BASE.jar        the bundle jar the hotfix fixes, as deployed (required)",
            "  --classpath JARS       what the sources compile against besides BASE and the hotfix runtime's API,",
            "                         separated by '" + java.io.File.pathSeparator + "'; may be given more than once",
            "  --mode MODE            redefine: OUT.jar holds only the classes whose bytes changed or are new,",
            "                           redefined in place (method bodies only);",
            "                         swap: OUT.jar is BASE with those classes replaced or added, a new version",
            "                           of the bundle whose services are swapped;",
            "                         auto (default): redefine if the runtime's planner accepts every change,",
            "                           swap otherwise; it says which and why",
            "  --version V            Bundle-Version of the hotfix (default: BASE's, one micro step up)",
            "  --target-version RANGE Hotfix-Target-Version (default: exactly BASE's version); a wider range",
            "                         lets the hotfix apply on top of later versions too",
            "  --description TEXT     Hotfix-Description, shown in hotfix:list and the history",
            "  --encoding CHARSET     of the sources (default UTF-8)",
            "  --out OUT.jar          where to write the hotfix (required)",
            "",
            "Exit status: 0 written, 1 not written (the plan refuses it, or nothing changed), 2 usage error,",
            "a base that cannot be read, or sources that do not compile (javac's messages are shown).");

    private static final String PLAN_USAGE = String.join("\n",
            "usage: java -jar hotfix-tool.jar plan --base BASE.jar [--mode swap|redefine] HOTFIX.jar",
            "",
            "Plans HOTFIX.jar against BASE.jar, the bundle jar the server runs, offline, with the inspection and",
            "planner the runtime runs: the jar's rules and signature, its target and version range, then in",
            "redefine mode the classes redefined and added, lambdas matched, what HotSpot refuses and why, in",
            "swap mode the services swapped, new and removed and the classes replaced and added. It prints the",
            "plan and what only the server can check.",
            "",
            "  --base BASE.jar   the bundle jar the hotfix fixes, as deployed (required)",
            "  --mode MODE       also require the hotfix to be of this mode",
            "",
            "Exit status: 0 the server would accept it, 1 it would refuse it (the reason is shown), 2 usage",
            "error or a base that cannot be read.");

    private Main() {
    }

    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    /** Runs one command, printing to {@code out} what it does and to {@code err} why it stops. */
    static int run(String[] args, PrintStream out, PrintStream err) {
        if (args.length == 0 || List.of("--help", "-h", "help").contains(args[0])) {
            (args.length == 0 ? err : out).println(USAGE);
            return args.length == 0 ? ERROR : OK;
        }
        List<String> rest = Arrays.asList(args).subList(1, args.length);
        try {
            return switch (args[0]) {
                case "make" -> make(rest, out);
                case "plan" -> plan(rest, out);
                default -> throw new ToolException("unknown command '" + args[0] + "'\n" + USAGE);
            };
        } catch (ToolException e) {
            err.println("error: " + e.getMessage());
            return ERROR;
        }
    }

    private static int make(List<String> args, PrintStream out) throws ToolException {
        Arguments arguments = new Arguments(args, Set.of("base", "classpath", "mode", "version", "target-version",
                "description", "encoding", "out"));
        if (arguments.help()) {
            out.println(MAKE_USAGE);
            return OK;
        }
        Path base = Path.of(arguments.required("base", "the bundle jar the server runs, which the hotfix fixes"));
        Path target = Path.of(arguments.required("out", "where to write the hotfix jar"));
        String mode = arguments.option("mode");
        Make.Choice choice = mode == null ? Make.Choice.AUTO : Make.Choice.of(mode);
        if (choice == null) {
            throw new ToolException("--mode " + mode + " is no mode: use one of " + Make.modes());
        }
        List<Path> classpath = new ArrayList<>();
        for (String value : arguments.options("classpath")) {
            for (String entry : value.split(java.io.File.pathSeparator)) {
                if (!entry.isBlank()) {
                    classpath.add(Path.of(entry));
                }
            }
        }
        if (arguments.positional().isEmpty()) {
            throw new ToolException("no source file given: give the changed .java files after the options\n"
                    + MAKE_USAGE);
        }
        List<Path> sources = arguments.positional().stream().map(Path::of).toList();
        Make.Result result = Make.make(new Make.Request(base, classpath, choice, arguments.option("version"),
                arguments.option("target-version"), arguments.option("description"), target, sources,
                charset(arguments.option("encoding"))));
        result.lines().forEach(out::println);
        return result.written() ? OK : REFUSED;
    }

    private static int plan(List<String> args, PrintStream out) throws ToolException {
        Arguments arguments = new Arguments(args, Set.of("base", "mode"));
        if (arguments.help()) {
            out.println(PLAN_USAGE);
            return OK;
        }
        BaseJar base = BaseJar.read(Path.of(arguments.required("base",
                "the bundle jar the server runs, which the hotfix fixes")));
        if (arguments.positional().size() != 1) {
            throw new ToolException("give one hotfix jar to plan\n" + PLAN_USAGE);
        }
        Path jar = Path.of(arguments.positional().get(0));
        String expected = arguments.option("mode");
        if (expected != null && !expected.equals(Mode.SWAP.header()) && !expected.equals(Mode.REDEFINE.header())) {
            throw new ToolException("--mode " + expected + " is no mode: use swap or redefine");
        }
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(jar);
        } catch (IOException e) {
            throw new ToolException("cannot read the hotfix " + jar + ": " + e);
        }
        OfflinePlan plan = OfflinePlan.of(base, bytes);
        out.println("plan of " + jar + ", offline:");
        plan.lines().forEach(out::println);
        if (plan.accepted() && expected != null && !expected.equals(plan.mode().header())) {
            out.println("refused here: the hotfix's mode is " + plan.mode().header() + ", not " + expected
                    + " as --mode requires");
            return REFUSED;
        }
        return plan.accepted() ? OK : REFUSED;
    }

    private static Charset charset(String name) throws ToolException {
        if (name == null) {
            return null;
        }
        try {
            return Charset.forName(name);
        } catch (IllegalCharsetNameException | UnsupportedCharsetException e) {
            throw new ToolException("--encoding " + name + " is not a character set this JDK knows");
        }
    }
}
