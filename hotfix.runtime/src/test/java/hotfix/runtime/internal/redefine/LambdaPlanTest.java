package hotfix.runtime.internal.redefine;

import static hotfix.runtime.internal.redefine.Plans.assertAccepted;
import static hotfix.runtime.internal.redefine.Plans.assertNote;
import static hotfix.runtime.internal.redefine.Plans.assertRefused;
import static hotfix.runtime.internal.redefine.Versions.call;
import static hotfix.runtime.internal.redefine.Versions.load;
import static hotfix.runtime.internal.redefine.Versions.plan;
import static hotfix.runtime.internal.redefine.Versions.v1;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNotEquals;
import static org.junit.Assert.assertTrue;

import org.junit.Test;

/** javac numbers lambdas by position; a plan renames moved ones back and refuses only new ones. */
public class LambdaPlanTest {

    @Test
    public void aLambdaInsertedBeforeAnotherIsRenamedBack() {
        ClassPlan plan = plan("LambdaInserted");

        assertAccepted(plan);
        assertTrue(plan.changed());
        assertNote(plan, "lambda$apply$1 -> lambda$apply$0 (moved)");
        assertNote(plan, "lambda$apply$0 -> lambda$apply$1 (a new body, in the name of a lambda of apply the new "
                + "code no longer has)");
        assertEquals(Plans.methods(v1("LambdaInserted")), Plans.methods(plan.bytes()));
        int result = call(load("LambdaInserted", plan.bytes()), "apply", 5);
        assertEquals(fixtures.redefine.v2.LambdaInserted.apply(5), result);
        assertNotEquals(fixtures.redefine.v1.LambdaInserted.apply(5), result);
    }

    @Test
    public void aLambdaTheNewCodeDropsIsKeptAndTheNextOneRenamedBack() {
        ClassPlan plan = plan("LambdaRemoved");

        assertAccepted(plan);
        assertNote(plan, "lambda$second$0 -> lambda$second$1 (moved)");
        assertNote(plan, "keeps lambda$first$0(I)I, a lambda the new code no longer has: HotSpot cannot delete methods");
        assertEquals(Plans.methods(v1("LambdaRemoved")), Plans.methods(plan.bytes()));
        Class<?> planned = load("LambdaRemoved", plan.bytes());
        assertEquals(fixtures.redefine.v2.LambdaRemoved.first(5), call(planned, "first", 5));
        assertEquals(fixtures.redefine.v2.LambdaRemoved.second(5), call(planned, "second", 5));
    }

    @Test
    public void aChangedLambdaBodyIsAPlainBodyChange() {
        ClassPlan plan = plan("LambdaEdited");

        assertAccepted(plan);
        assertTrue(plan.changed());
        assertEquals(plan.notes().toString(), 0, plan.notes().size());
        int result = call(load("LambdaEdited", plan.bytes()), "apply", 5);
        assertEquals(fixtures.redefine.v2.LambdaEdited.apply(5), result);
        assertNotEquals(fixtures.redefine.v1.LambdaEdited.apply(5), result);
    }

    @Test
    public void aGenuinelyNewLambdaIsRefusedByName() {
        ClassPlan plan = plan("LambdaAdded");

        assertRefused(plan, "adds lambda lambda$apply$0(I)I (a new lambda in apply)");
        assertTrue(plan.refusals().get(0).contains("only genuinely new lambdas are refused"));
        assertNote(plan, "lambda$apply$1 -> lambda$apply$0 (moved)");
    }
}
