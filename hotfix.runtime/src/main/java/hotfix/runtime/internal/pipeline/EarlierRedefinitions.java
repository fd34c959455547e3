package hotfix.runtime.internal.pipeline;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.function.LongFunction;
import java.util.stream.Collectors;

import org.osgi.framework.Bundle;
import org.osgi.framework.Version;

import hotfix.runtime.api.HotfixHeaders;
import hotfix.runtime.api.Reason;
import hotfix.runtime.internal.inspect.InspectedJar;
import hotfix.runtime.internal.inspect.JarBytes;
import hotfix.runtime.internal.inspect.Refusal;

/**
 * The redefine-mode hotfixes applied to the bundle a swap replaces. A swap loads every class from
 * its own jar, so it would silently undo them unless it was made on top of them: with a version
 * above theirs, a {@code Hotfix-Target-Version} that includes it, and its own copy of each class
 * they redefined (made from sources that have their change). Otherwise it is refused before
 * anything changes, naming them and what to do.
 * <p>
 * Carrying their bytes over to the new version, where its class is the one they replaced, is not
 * done: they were planned against the old version's classes, the swap changes others that their
 * code calls, and nothing would check that it still links. A swap made on top of them is what
 * the tool makes from the sources, and the plan checks it like any other.
 */
final class EarlierRedefinitions {

    private final String target;
    private final Version installed;
    private final Version running;
    /** The classes redefined, by binary name, each with the hotfix whose bytes it runs. */
    private final Map<String, Long> redefinedBy;
    /** The old version's jar entries, by path: the bytes the redefinitions replaced. */
    private final Function<String, byte[]> original;
    /** A hotfix by id, as messages name it. */
    private final LongFunction<String> hotfix;
    private final List<String> notes = new ArrayList<>();

    EarlierRedefinitions(String target, Version installed, Version running, Map<String, Long> redefinedBy,
            Function<String, byte[]> original, LongFunction<String> hotfix) {
        this.target = target;
        this.installed = installed;
        this.running = running;
        this.redefinedBy = new TreeMap<>(redefinedBy);
        this.original = original;
        this.hotfix = hotfix;
    }

    /** @return the redefinitions applied to the running bundle {@code old} */
    static EarlierRedefinitions of(Pipeline.Parts parts, Bundle old) {
        return new EarlierRedefinitions(old.getSymbolicName(), old.getVersion(), parts.redefinitions().version(old),
                parts.redefinitions().redefinedBy(old), path -> JarBytes.entry(old, path),
                id -> named(parts, id));
    }

    /**
     * @return what the report of a rollback that puts {@code previous} back should say: the
     *         redefinitions that apply again to its classes as it loads them, as after a restart
     */
    static List<String> restored(Pipeline.Parts parts, InspectedJar previous) {
        List<String> notes = new ArrayList<>();
        new TreeMap<>(parts.redefinitions().redefinedBy(previous.symbolicName(), previous.version()))
                .forEach((name, id) -> notes.add(name + ": hotfix " + id
                        + "'s redefinition applies again, as the version put back loads it"));
        return notes;
    }

    private static String named(Pipeline.Parts parts, long id) {
        String source = parts.journal().find(id).map(entry -> entry.report().source()).orElse("");
        return "hotfix " + id + (source.isEmpty() ? "" : " (" + source.substring(source.lastIndexOf('/') + 1) + ")");
    }

    /** @return the version the target runs: that of its last redefinition, or its bundle's */
    Version running() {
        return running;
    }

    /**
     * Inspect: checks that the swap replaces what runs, redefinitions included.
     *
     * @throws Refusal VERSION_NOT_HIGHER or TARGET_VERSION_MISMATCH if it was made for another
     *                 version, or would undo a redefinition; INVALID_HEADER for a bad range
     */
    void check(InspectedJar swap) throws Refusal {
        if (redefinedBy.isEmpty()) {
            swap.checkReplaces(running);
            return;
        }
        try {
            swap.checkReplaces(running);
        } catch (Refusal refusal) {
            if (refusal.reason() == Reason.INVALID_HEADER) {
                throw refusal;
            }
            String why = refusal.reason() == Reason.VERSION_NOT_HIGHER
                    ? "its version " + swap.version() + " is not above " + running
                    : "its " + HotfixHeaders.TARGET_VERSION + " " + swap.header(HotfixHeaders.TARGET_VERSION)
                            + " does not include " + running;
            // the redefinitions can go on top of this swap again only if their versions are above its
            TreeSet<Long> ids = ids(redefinedBy.values());
            String again = swap.version().compareTo(running) < 0
                    ? ", then apply " + listed(ids)
                            + " again, if " + (ids.size() > 1 ? "their " : "its ") + HotfixHeaders.TARGET_VERSION
                            + " includes " + swap.version()
                    : ", which drops that change";
            throw new Refusal(refusal.reason(), target + " runs " + running + ", not " + installed + ": "
                    + named(redefinedBy.values()) + " redefined " + String.join(", ", redefinedBy.keySet())
                    + " in place, and this swap was not made on top of that (" + why + "). A swap loads every class "
                    + "from its own jar, so this one would undo " + listed(ids) + ". Either " + remake()
                    + ", with a Bundle-Version above " + running + " and a " + HotfixHeaders.TARGET_VERSION
                    + " that includes " + running + "; or roll back " + newestFirst(redefinedBy.values())
                    + " first, then apply this swap" + again + ". Nothing was changed");
        }
        Map<String, Long> undone = new TreeMap<>();
        for (Map.Entry<String, Long> redefined : redefinedBy.entrySet()) {
            String name = redefined.getKey();
            String path = JarBytes.path(name);
            byte[] replaced = original.apply(path);
            if (!swap.names().contains(path)) {
                notes.add(name + ": removed with the bundle, and hotfix " + redefined.getValue()
                        + "'s redefinition of it with it");
            } else if (replaced != null && swap.entryEquals(path, replaced)) {
                undone.put(name, redefined.getValue());
            } else {
                notes.add(name + ": the new version's class takes the place of hotfix " + redefined.getValue()
                        + "'s redefinition of it");
            }
        }
        if (!undone.isEmpty()) {
            throw new Refusal(Reason.TARGET_VERSION_MISMATCH, "this swap of " + target + " would undo "
                    + named(undone.values()) + ": its " + String.join(", ", undone.keySet())
                    + " is the class as it was before that redefinition, and a swap loads every class from its own jar,"
                    + " although its version " + swap.version() + " says it was made on top of " + running + ". Either "
                    + remake() + "; or roll back " + newestFirst(undone.values())
                    + " first, then apply this swap, which drops that change. Nothing was changed");
        }
    }

    /** @return what the plan should say of the redefinitions the swap replaces or removes */
    List<String> notes() {
        return notes;
    }

    private static String remake() {
        return "make the swap from sources that include that change (give hotfix-tool.jar make its changed "
                + "source files too)";
    }

    private String named(Iterable<Long> hotfixes) {
        return ids(hotfixes).stream().map(hotfix::apply).collect(Collectors.joining(", "));
    }

    private static String listed(TreeSet<Long> ids) {
        return ids.stream().map(id -> "hotfix " + id).collect(Collectors.joining(" and "));
    }

    private static String newestFirst(Iterable<Long> hotfixes) {
        List<Long> ids = new ArrayList<>(ids(hotfixes));
        ids.sort(Comparator.reverseOrder());
        return ids.stream().map(id -> "hotfix " + id).collect(Collectors.joining(", then "));
    }

    private static TreeSet<Long> ids(Iterable<Long> hotfixes) {
        TreeSet<Long> ids = new TreeSet<>();
        hotfixes.forEach(ids::add);
        return ids;
    }
}
