package hotfix.tool;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import hotfix.runtime.api.HotfixHeaders;
import hotfix.runtime.api.Mode;
import hotfix.runtime.api.Reason;
import hotfix.runtime.internal.inspect.InspectedJar;
import hotfix.runtime.internal.inspect.Refusal;
import hotfix.runtime.internal.pipeline.SwapPlan;
import hotfix.runtime.internal.redefine.RedefinePlan;

/**
 * A hotfix jar planned against its base jar offline, with the code the runtime runs at a dry run:
 * the same inspection ({@link InspectedJar}: the jar's rules, its signature, its headers, the
 * version check) and the same plan ({@link RedefinePlan} for a redefine-mode hotfix,
 * {@link SwapPlan} for a swap), so that what it accepts the server accepts, and what it refuses
 * is refused with the server's reason and words. What only a running server knows is said, not
 * guessed: {@link #serverChecks()}.
 */
public final class OfflinePlan {

    private final String base;
    private final List<String> services = new ArrayList<>();
    private final List<String> classes = new ArrayList<>();
    private final List<String> notes = new ArrayList<>();
    private final List<String> unapplied = new ArrayList<>();
    private Reason reason = Reason.NONE;
    private String message = "";
    private String refusal = "";
    private Mode mode;
    private String target = "";
    private String from = "";
    private String to = "";
    private String signer = "";

    private OfflinePlan(BaseJar base) {
        this.base = base.symbolicName() + " " + base.version() + " (" + base.path().getFileName() + ")";
    }

    /** @return the plan of a hotfix jar against its base; refused, with the reason, if the server would refuse it */
    public static OfflinePlan of(BaseJar base, byte[] hotfix) {
        OfflinePlan plan = new OfflinePlan(base);
        try {
            plan.plan(base, hotfix);
        } catch (Refusal refusal) {
            plan.reason = refusal.reason();
            plan.refusal = refusal.getMessage();
            plan.message = "refused: " + refusal.getMessage();
        }
        return plan;
    }

    /** Inspect, then plan, in the order and with the checks of the runtime's attempt. */
    private void plan(BaseJar base, byte[] bytes) throws Refusal {
        InspectedJar jar = InspectedJar.read(bytes);
        target = jar.symbolicName();
        to = jar.version().toString();
        signer = jar.signer();
        mode = jar.mode();
        if (!jar.symbolicName().equals(base.symbolicName())) {
            throw new Refusal(Reason.NO_TARGET, "the hotfix fixes " + jar.symbolicName() + ", but the base is "
                    + base.symbolicName() + ": a hotfix's Bundle-SymbolicName must be that of the bundle it fixes");
        }
        if ("false".equalsIgnoreCase(String.valueOf(base.header(HotfixHeaders.ENABLED)).trim())) {
            throw new Refusal(Reason.NOT_HOTFIXABLE, base.symbolicName() + " cannot be hotfixed: it opts out with "
                    + HotfixHeaders.ENABLED + ": false");
        }
        from = base.version().toString();
        jar.checkReplaces(base.version());
        if (mode == Mode.REDEFINE) {
            RedefinePlan plan = RedefinePlan.plan(jar, base);
            classes.addAll(plan.classes());
            notes.addAll(plan.notes());
            unapplied.addAll(plan.unapplied());
            message = "would apply: " + target + " " + from + " -> " + to + ", redefining " + classes.size()
                    + " class(es) in place";
        } else {
            List<SwapPlan.Redefinition> exported = SwapPlan.exported(jar, base);
            for (SwapPlan.Redefinition change : exported) {
                classes.add(change.name() + ": redefined in place in the old exporter, for its importers");
            }
            if (!exported.isEmpty()) {
                notes.add("classes of exported packages are redefined in place in " + base.symbolicName() + " "
                        + base.version() + ", for the bundles that import them");
            }
            SwapPlan plan = SwapPlan.plan(jar, base);
            services.addAll(plan.services());
            classes.addAll(plan.classes());
            message = "would apply: " + target + " " + from + " -> " + to + ", swapping "
                    + (services.size() - plan.leftAlone()) + " service(s)"
                    + (plan.leftAlone() > 0 ? ", re-registering " + plan.leftAlone() : "");
        }
    }

    /** @return whether the server would accept it, as far as a plan without the server can tell */
    public boolean accepted() {
        return reason == Reason.NONE;
    }

    /** @return why it is refused; {@link Reason#NONE} if it is accepted */
    public Reason reason() {
        return reason;
    }

    /** @return the server's words: "would apply: ..." or "refused: ..." */
    public String message() {
        return message;
    }

    /** @return why it is refused, as the server says it after "refused: "; empty if it is accepted */
    public String refusal() {
        return refusal;
    }

    /** @return its {@code Hotfix-Mode}; null if the jar could not be read that far */
    public Mode mode() {
        return mode;
    }

    /** @return the services swapped, new or removed, of a swap */
    public List<String> services() {
        return Collections.unmodifiableList(services);
    }

    /** @return the classes redefined, replaced or added */
    public List<String> classes() {
        return Collections.unmodifiableList(classes);
    }

    /** @return what the plan noted besides: unchanged classes, lambdas matched, what a redefinition leaves out */
    public List<String> notes() {
        return Collections.unmodifiableList(notes);
    }

    /** @return what of the new classes a redefinition leaves out (a static initializer, a constant) */
    public List<String> unapplied() {
        return Collections.unmodifiableList(unapplied);
    }

    /** @return what the server checks that a base jar cannot tell */
    public String serverChecks() {
        if (mode == Mode.REDEFINE) {
            return "that it runs with the hotfix agent (java -jar webapp.jar or runtime.jar does), and classes earlier "
                    + "hotfixes redefined";
        }
        return "services registered without Declarative Services, which services it stands no proxy for (a Gogo "
                + "command, an HTTP Whiteboard or prototype-scoped service is re-registered instead of swapped), "
                + "which bundles import the exported packages, and that the new version resolves, starts and takes "
                + "the state over";
    }

    /** @return the plan as the tool prints it */
    public List<String> lines() {
        List<String> lines = new ArrayList<>();
        lines.add(message);
        lines.add("  against " + base + (mode == null ? "" : ", mode " + mode.header())
                + (signer.isEmpty() ? "" : ", signed by " + signer));
        section(lines, "services", services);
        section(lines, "classes", classes);
        section(lines, "notes", notes);
        if (accepted()) {
            lines.add("  the server also checks: " + serverChecks());
        }
        return lines;
    }

    private static void section(List<String> lines, String title, List<String> items) {
        if (!items.isEmpty()) {
            lines.add("  " + title + ":");
            items.forEach(item -> lines.add("    " + item));
        }
    }
}
