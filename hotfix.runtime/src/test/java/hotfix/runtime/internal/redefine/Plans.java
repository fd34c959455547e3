package hotfix.runtime.internal.redefine;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertTrue;

import java.util.Set;
import java.util.TreeSet;

import org.objectweb.asm.ClassReader;
import org.objectweb.asm.tree.ClassNode;

/** Assertions on plans shared by the redefinition tests. */
final class Plans {

    private Plans() {
    }

    /** Asserts that the plan is refused with exactly these refusals, each naming the class and then the member. */
    static void assertRefused(ClassPlan plan, String... members) {
        assertTrue("refused: " + plan, plan.refused());
        assertNull(plan.bytes());
        assertEquals(plan.refusals().toString(), members.length, plan.refusals().size());
        for (int i = 0; i < members.length; i++) {
            String refusal = plan.refusals().get(i);
            assertTrue(refusal, refusal.startsWith(plan.className() + ": " + members[i] + ": "));
        }
    }

    static void assertAccepted(ClassPlan plan) {
        assertFalse("not refused: " + plan.refusals(), plan.refused());
        assertTrue("bytes given", plan.bytes() != null);
    }

    static void assertNote(ClassPlan plan, String note) {
        assertTrue(plan.notes().toString(), plan.notes().contains(plan.className() + ": " + note));
    }

    /** @return the methods of a class file, as {@code name(descriptor)}: what HotSpot matches on */
    static Set<String> methods(byte[] bytes) {
        ClassNode type = new ClassNode();
        new ClassReader(bytes).accept(type, ClassReader.SKIP_CODE);
        Set<String> methods = new TreeSet<>();
        type.methods.forEach(method -> methods.add(method.name + method.desc));
        return methods;
    }
}
