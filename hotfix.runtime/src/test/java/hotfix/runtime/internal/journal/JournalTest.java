package hotfix.runtime.internal.journal;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

import hotfix.runtime.api.HotfixReport;
import hotfix.runtime.api.Mode;
import hotfix.runtime.api.Outcome;
import hotfix.runtime.api.Reason;

public class JournalTest {

    @Rule
    public TemporaryFolder folder = new TemporaryFolder();

    @Test
    public void aReportComesBackAsItWasWrittenAfterAReopen() throws Exception {
        Path directory = folder.getRoot().toPath();
        Journal journal = new Journal(directory);
        HotfixReport applied = report(journal.nextId(), Outcome.APPLIED, 0);
        journal.record(applied, new byte[] {1, 2, 3}, "file:/bundles/economy.jar", 10);

        Journal reopened = new Journal(directory);

        assertEquals(List.of(applied), reopened.history());
        Journal.Entry entry = reopened.applied().get(0);
        assertEquals("file:/bundles/economy.jar", entry.previousLocation());
        assertEquals(10, entry.startLevel());
        assertArrayEquals(new byte[] {1, 2, 3}, reopened.previousJar(applied.id()));
        assertEquals(applied.id() + 1, reopened.nextId());
    }

    @Test
    public void aRolledBackHotfixIsNoLongerApplied() {
        Journal journal = new Journal(folder.getRoot().toPath());
        HotfixReport first = report(journal.nextId(), Outcome.APPLIED, 0);
        HotfixReport refused = report(journal.nextId(), Outcome.REFUSED, 0);
        HotfixReport second = report(journal.nextId(), Outcome.APPLIED, 0);
        HotfixReport rollback = report(journal.nextId(), Outcome.ROLLED_BACK, second.id());
        journal.record(first, new byte[0], "a", 1);
        journal.record(refused, null, null, 0);
        journal.record(second, new byte[0], "b", 1);
        journal.record(rollback, null, null, 0);

        assertEquals(List.of(first.id()), journal.applied().stream().map(e -> e.report().id()).toList());
        assertEquals(List.of(rollback.id(), second.id(), refused.id(), first.id()),
                journal.history().stream().map(HotfixReport::id).toList());
    }

    @Test
    public void aDamagedRecordIsReportedAndTheOthersStillLoad() throws Exception {
        Path directory = folder.getRoot().toPath();
        Journal journal = new Journal(directory);
        HotfixReport applied = report(journal.nextId(), Outcome.APPLIED, 0);
        journal.record(applied, new byte[0], "a", 1);
        Files.writeString(directory.resolve("attempts").resolve("7.properties"), "id=7\noutcome=GARBLED\n");

        Journal reopened = new Journal(directory);

        assertEquals(List.of(applied), reopened.history());
        assertEquals(1, reopened.unreadable().size());
        assertTrue(reopened.unreadable().get(0), reopened.unreadable().get(0).startsWith("7.properties"));
    }

    @Test
    public void theSignerIsKeptAndAnOlderRecordHasNone() {
        HotfixReport unsigned = report(3, Outcome.APPLIED, 0);
        HotfixReport signed = new HotfixReport(unsigned.id(), unsigned.source(), unsigned.sha256(),
                "CN=Hotfix Release,O=Example", unsigned.target(), unsigned.fromVersion(), unsigned.toVersion(),
                unsigned.mode(), unsigned.description(), unsigned.outcome(), unsigned.reason(), unsigned.message(),
                unsigned.services(), unsigned.classes(), unsigned.notes(), unsigned.stages(), unsigned.pause(),
                unsigned.time(), unsigned.undoes());

        assertEquals(signed, Journal.fromProperties(Journal.toProperties(signed)));
        java.util.Properties older = Journal.toProperties(signed);
        older.remove("signer");
        assertEquals(unsigned, Journal.fromProperties(older));
        assertEquals("", unsigned.signer());
    }

    private static HotfixReport report(long id, Outcome outcome, long undoes) {
        Map<String, Duration> stages = new LinkedHashMap<>();
        stages.put("inspect", Duration.ofNanos(1234));
        stages.put("quiesce", Duration.ofNanos(567));
        return new HotfixReport(id, "file:/tmp/fix.jar", "ab".repeat(32), "example.webapp.economy", "1.0.0", "1.0.1",
                Mode.SWAP, "fix, with a comma = and a\nnewline", outcome,
                outcome == Outcome.REFUSED ? Reason.VERSION_NOT_HIGHER : Reason.NONE, "what happened",
                List.of("Shop: swapped", "Players: swapped"), List.of("example.GoldShop"), List.of(), stages,
                Duration.ofNanos(890), Instant.parse("2026-11-25T12:00:00Z"), undoes);
    }
}
