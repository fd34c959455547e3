package hotfix.runtime.internal.redefine;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;

import java.util.List;
import java.util.Optional;

import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

import hotfix.runtime.internal.journal.Journal;

public class RedefinitionsTest {

    @Rule
    public TemporaryFolder folder = new TemporaryFolder();

    @Test
    public void anOldExportersClassRunsWhatTheNewestSwapNotRolledBackRedefinedItTo() {
        // an empty journal: nothing to log
        Redefinitions redefinitions = new Redefinitions(new Journal(folder.getRoot().toPath()), null);
        Class<?> type = RedefinitionsTest.class;
        String name = type.getName();
        byte[] shipped = {0};
        byte[] once = {1};
        byte[] twice = {2};
        assertEquals(Optional.empty(), redefinitions.exportedNow(type.getClassLoader(), name));

        redefinitions.rememberExported(9, List.of(new Redefinitions.Exported(type, shipped, once)));
        redefinitions.rememberExported(12, List.of(new Redefinitions.Exported(type, once, twice)));

        assertArrayEquals(twice, redefinitions.exportedNow(type.getClassLoader(), name).orElseThrow());
        assertEquals("a class of the same name in another revision runs its own", Optional.empty(),
                redefinitions.exportedNow(new ClassLoader() { }, name));

        redefinitions.forgetExported(12);

        assertArrayEquals(once, redefinitions.exportedNow(type.getClassLoader(), name).orElseThrow());
        assertArrayEquals(shipped, redefinitions.exported(9).get(0).before());
    }
}
