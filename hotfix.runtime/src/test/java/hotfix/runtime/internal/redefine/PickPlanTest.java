package hotfix.runtime.internal.redefine;

import static hotfix.runtime.internal.redefine.Plans.assertAccepted;
import static hotfix.runtime.internal.redefine.Plans.assertNote;
import static hotfix.runtime.internal.redefine.Plans.assertRefused;
import static hotfix.runtime.internal.redefine.Versions.call;
import static hotfix.runtime.internal.redefine.Versions.load;
import static hotfix.runtime.internal.redefine.Versions.plan;
import static hotfix.runtime.internal.redefine.Versions.v1;
import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotEquals;
import static org.junit.Assert.assertTrue;

import org.junit.Test;

/** A pick grafts the new bodies of some methods, and the lambdas they use, onto the old class. */
public class PickPlanTest {

    @Test
    public void aPickTakesOnlyThePickedBody() {
        assertOnlyPriceTaken(plan("Picking", "price"));
    }

    @Test
    public void aPickWithADescriptorTakesThatOverload() {
        assertOnlyPriceTaken(plan("Picking", "price(I)I"));
    }

    @Test
    public void aPickOfAMethodTheOldClassLacksIsRefused() {
        assertRefused(plan("Picking", "discount"), "picks discount, which the old class does not have");
        assertRefused(plan("Picking", "price(J)I"), "picks price(J)I, which the old class does not have");
    }

    @Test
    public void aPickedBodyThatUsesANewMethodIsRefused() {
        assertRefused(plan("Picking", "total"),
                "the picked method total(I)I uses method discount(I)I, which only the new class has");
    }

    @Test
    public void structuralChangesOutsideThePickAreIgnored() {
        ClassPlan plan = plan("AddMethod", "price");

        assertAccepted(plan);
        assertFalse(plan.changed());
        assertArrayEquals(v1("AddMethod"), plan.bytes());
        assertNote(plan, "not taken, outside the picked methods: adds method discount(I)I");
        assertNote(plan, "the picked methods have the same code in both versions: nothing to redefine");
    }

    private static void assertOnlyPriceTaken(ClassPlan plan) {
        assertAccepted(plan);
        assertTrue(plan.changed());
        assertNote(plan, "not taken, outside the picked methods: adds method discount(I)I");
        assertNote(plan, "not taken, not picked: the new body of tax(I)I");
        assertNote(plan, "not taken, not picked: the new body of total(I)I");
        assertEquals(Plans.methods(v1("Picking")), Plans.methods(plan.bytes()));

        Class<?> planned = load("Picking", plan.bytes());
        assertEquals(fixtures.redefine.v2.Picking.price(100), call(planned, "price", 100));
        assertNotEquals(fixtures.redefine.v1.Picking.price(100), call(planned, "price", 100));
        assertEquals(fixtures.redefine.v1.Picking.tax(100), call(planned, "tax", 100));
        assertNotEquals(fixtures.redefine.v2.Picking.tax(100), call(planned, "tax", 100));
        assertEquals(call(planned, "price", 100) + call(planned, "tax", 100), call(planned, "total", 100));
    }
}
