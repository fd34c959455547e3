package hotfix.runtime.internal.redefine;

import static hotfix.runtime.internal.redefine.Plans.assertAccepted;
import static hotfix.runtime.internal.redefine.Plans.assertNote;
import static hotfix.runtime.internal.redefine.Plans.assertRefused;
import static hotfix.runtime.internal.redefine.Versions.name;
import static hotfix.runtime.internal.redefine.Versions.plan;
import static hotfix.runtime.internal.redefine.Versions.v1;
import static hotfix.runtime.internal.redefine.Versions.v2;
import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotEquals;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;

import java.util.Set;

import org.junit.Test;

/** Whole-class plans: body changes pass, what HotSpot refuses is refused member by member. */
public class ClassPlannerTest {

    @Test
    public void aChangedBodyIsAcceptedAndBehavesLikeTheNewVersion() throws Exception {
        ClassPlan plan = plan("BodyChange");

        assertAccepted(plan);
        assertTrue(plan.changed());
        assertEquals(Plans.methods(v1("BodyChange")), Plans.methods(plan.bytes()));
        long price = (long) Versions.load("BodyChange", plan.bytes()).getMethod("price", int.class, int.class)
                .invoke(null, 500_000, 5_000);
        assertEquals(fixtures.redefine.v2.BodyChange.price(500_000, 5_000), price);
        assertNotEquals(fixtures.redefine.v1.BodyChange.price(500_000, 5_000), price);
    }

    @Test
    public void aClassThatDiffersInLineNumbersOnlyIsUnchanged() {
        ClassPlan plan = plan("Unchanged");

        assertAccepted(plan);
        assertFalse(plan.changed());
        assertArrayEquals(v1("Unchanged"), plan.bytes());
        assertNote(plan, "nothing HotSpot would see differs (only line numbers, local variable names or the order of "
                + "members): nothing to redefine");
    }

    @Test
    public void theSameClassIsUnchanged() {
        ClassPlan plan = ClassPlanner.plan(name("Picking"), v1("Picking"), v1("Picking"), Set.of());

        assertAccepted(plan);
        assertFalse(plan.changed());
        assertEquals(plan.notes().toString(), 0, plan.notes().size());
    }

    @Test
    public void changedStaticStateIsAcceptedAndNamedAsWhatARedefinitionLeavesOut() {
        ClassPlan plan = plan("StaticState");

        assertAccepted(plan);
        assertTrue(plan.changed());
        assertEquals(plan.unapplied().toString(), 2, plan.unapplied().size());
        assertTrue(plan.unapplied().toString(), plan.unapplied().get(0).startsWith(name("StaticState")
                + ": the static initializer changes"));
        assertTrue(plan.unapplied().toString(), plan.unapplied().get(1).startsWith(name("StaticState")
                + ": the constant LIMIT changes from 10 to 20"));
        assertTrue("each is a note too", plan.notes().containsAll(plan.unapplied()));
        assertEquals("a body change leaves nothing out", 0, plan("BodyChange").unapplied().size());
    }

    @Test
    public void anAddedMethodIsRefused() {
        ClassPlan plan = plan("AddMethod");

        assertRefused(plan, "adds method discount(I)I");
        assertTrue(plan.refusals().get(0).endsWith("HotSpot redefines method bodies only; put new logic in a new "
                + "class of the same package and call it from an existing method"));
    }

    @Test
    public void aRemovedMethodIsRefused() {
        assertRefused(plan("RemoveMethod"), "removes method discount(I)I");
    }

    @Test
    public void aChangedSignatureIsARemovalAndAnAddition() {
        assertRefused(plan("ChangeSignature"), "adds method price(J)J (a new signature of price)",
                "removes method price(I)I (an old signature of price)");
    }

    @Test
    public void anAddedFieldIsRefused() {
        assertRefused(plan("AddField"), "adds field sold (int)");
    }

    @Test
    public void aRemovedFieldIsRefused() {
        assertRefused(plan("RemoveField"), "removes field sold (int)");
    }

    @Test
    public void changedFieldModifiersAreRefused() {
        assertRefused(plan("FieldModifiers"), "changes the modifiers of field sold from 'private' to 'private volatile'");
    }

    @Test
    public void changedMethodModifiersAreRefused() {
        assertRefused(plan("MethodModifiers"),
                "changes the modifiers of method price(I)I from 'public static' to 'public static synchronized'");
    }

    @Test
    public void changedClassModifiersAreRefused() {
        assertRefused(plan("ClassModifiers"), "changes the class modifiers from 'public super' to 'public final super'");
    }

    @Test
    public void aChangedSuperclassIsRefused() {
        assertRefused(plan("Superclass"), "changes the superclass from java.lang.Object to fixtures.redefine.Base");
    }

    @Test
    public void anAddedInterfaceIsRefused() {
        assertRefused(plan("AddInterface"), "adds interface java.util.RandomAccess");
    }

    @Test
    public void aNewAnonymousClassChangesTheNestAndIsRefused() {
        ClassPlan plan = plan("NestMember");

        assertRefused(plan, "adds nest member fixtures.redefine.v1.NestMember$1");
        assertTrue(plan.refusals().get(0).contains("NestHost/NestMembers"));
    }

    @Test
    public void aNewRecordComponentIsRefused() {
        ClassPlan plan = plan("Point");

        assertTrue(plan.refused());
        assertTrue(plan.refusals().toString(), plan.refusals().contains(
                "fixtures.redefine.v1.Point: adds record component int z: HotSpot refuses to change the class Record "
                        + "attribute; keep the record components, or ship a swap hotfix"));
    }

    @Test
    public void aClassFileOfAnotherClassIsRefused() {
        ClassPlan plan = ClassPlanner.plan(name("AddMethod"), v1("AddMethod"), v2("RemoveMethod"), Set.of());

        assertTrue(plan.refused());
        assertTrue(plan.refusals().get(0), plan.refusals().get(0).startsWith(
                "fixtures.redefine.v1.AddMethod: the hotfix's class file is class fixtures.redefine.v1.RemoveMethod"));
    }

    @Test
    public void oldBytesOfAnotherClassAreAnError() {
        assertThrows(IllegalArgumentException.class,
                () -> ClassPlanner.plan(name("AddMethod"), v1("RemoveMethod"), v2("AddMethod"), Set.of()));
    }
}
