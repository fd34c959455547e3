package hotfix.runtime.internal.redefine;

import java.util.List;

/**
 * What {@link ClassPlanner} decided for one class.
 *
 * @param className the class's binary name, dotted
 * @param bytes     what to pass to {@code Instrumentation.redefineClasses}; {@code null} if refused
 * @param changed   whether HotSpot would see any difference from the class as loaded; when false
 *                  there is nothing to redefine and {@code bytes} are the old bytes
 * @param refusals  one line per member HotSpot cannot redefine, naming the class, the member and
 *                  what to do instead; empty when the plan can be applied
 * @param notes     what the plan did or ignored that an operator should know, such as lambdas
 *                  renamed back to their old names
 * @param unapplied the notes that say what of the new class a redefinition leaves out although
 *                  the new source says it (a changed static initializer, a changed constant): a
 *                  swap, which loads the class afresh, would apply it
 */
public record ClassPlan(String className, byte[] bytes, boolean changed, List<String> refusals, List<String> notes,
        List<String> unapplied) {

    public ClassPlan {
        refusals = List.copyOf(refusals);
        notes = List.copyOf(notes);
        unapplied = List.copyOf(unapplied);
    }

    /** @return whether HotSpot would refuse the change, so that no class of the hotfix may be redefined */
    public boolean refused() {
        return !refusals.isEmpty();
    }
}
