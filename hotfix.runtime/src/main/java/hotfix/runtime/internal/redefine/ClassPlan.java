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
 */
public record ClassPlan(String className, byte[] bytes, boolean changed, List<String> refusals, List<String> notes) {

    public ClassPlan {
        refusals = List.copyOf(refusals);
        notes = List.copyOf(notes);
    }

    /** @return whether HotSpot would refuse the change, so that no class of the hotfix may be redefined */
    public boolean refused() {
        return !refusals.isEmpty();
    }
}
