package hotfix.runtime.internal.journal;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;

import java.io.UncheckedIOException;
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
        Journal.Entry entry0 = new Journal.Entry(applied, "file:/bundles/economy.jar", 10, "hotfix:1:economy@1.0.1");
        journal.begin(entry0.with(report(applied.id(), Outcome.INTERRUPTED, 0)), new byte[] {1, 2, 3}, null);
        journal.record(entry0);

        Journal reopened = new Journal(directory);

        assertEquals(List.of(applied), reopened.history());
        Journal.Entry entry = reopened.applied().get(0);
        assertEquals("file:/bundles/economy.jar", entry.previousLocation());
        assertEquals(10, entry.startLevel());
        assertEquals("hotfix:1:economy@1.0.1", entry.location());
        assertEquals(List.of(), reopened.interrupted());
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
        journal.record(new Journal.Entry(first, "a", 1, null));
        journal.record(Journal.Entry.of(refused));
        journal.record(new Journal.Entry(second, "b", 1, null));
        journal.record(Journal.Entry.of(rollback));

        assertEquals(List.of(first.id()), journal.applied().stream().map(e -> e.report().id()).toList());
        assertEquals(List.of(rollback.id(), second.id(), refused.id(), first.id()),
                journal.history().stream().map(HotfixReport::id).toList());
    }

    @Test
    public void aDamagedRecordIsReportedAndTheOthersStillLoad() throws Exception {
        Path directory = folder.getRoot().toPath();
        Journal journal = new Journal(directory);
        HotfixReport applied = report(journal.nextId(), Outcome.APPLIED, 0);
        journal.record(new Journal.Entry(applied, "a", 1, null));
        Files.writeString(directory.resolve("attempts").resolve("7.properties"), "id=7\noutcome=GARBLED\n");

        Journal reopened = new Journal(directory);

        assertEquals(List.of(applied), reopened.history());
        assertEquals(1, reopened.unreadable().size());
        assertTrue(reopened.unreadable().get(0), reopened.unreadable().get(0).startsWith("7.properties"));
        assertTrue(reopened.damaged(7));
        assertEquals("a damaged record's id is never given out again", 8, reopened.nextId());
    }

    @Test
    public void anAttemptBegunAndNeverRecordedReadsAsInterruptedAfterAReopen() throws Exception {
        Path directory = folder.getRoot().toPath();
        Journal journal = new Journal(directory);
        HotfixReport intent = report(journal.nextId(), Outcome.INTERRUPTED, 0);
        journal.begin(new Journal.Entry(intent, "file:/economy.jar", 10, "hotfix:1:economy@1.0.1"), new byte[] {4},
                new byte[] {5});

        Journal reopened = new Journal(directory);

        assertEquals(List.of(intent), reopened.history());
        assertEquals(List.of(), reopened.applied());
        assertEquals(1, reopened.interrupted().size());
        assertEquals("hotfix:1:economy@1.0.1", reopened.interrupted().get(0).location());
        assertArrayEquals(new byte[] {4}, reopened.previousJar(intent.id()));

        reopened.record(reopened.interrupted().get(0));
        assertEquals("recorded again, it is no longer an attempt to recover", List.of(),
                new Journal(directory).interrupted());
    }

    @Test
    public void aTruncatedOrAlteredRecordIsReportedRatherThanTrusted() throws Exception {
        Path directory = folder.getRoot().toPath();
        Journal journal = new Journal(directory);
        HotfixReport first = report(journal.nextId(), Outcome.APPLIED, 0);
        HotfixReport second = report(journal.nextId(), Outcome.APPLIED, 0);
        journal.record(new Journal.Entry(first, "a", 1, null));
        journal.record(new Journal.Entry(second, "b", 1, null));
        Path one = directory.resolve("attempts").resolve(first.id() + ".properties");
        Path two = directory.resolve("attempts").resolve(second.id() + ".properties");
        byte[] whole = Files.readAllBytes(one);
        Files.write(one, java.util.Arrays.copyOf(whole, whole.length / 2));
        // still a well-formed properties file, with one value changed
        Files.writeString(two, Files.readString(two).replace("outcome=APPLIED", "outcome=ROLLED_BACK"));

        Journal reopened = new Journal(directory);

        assertEquals(List.of(), reopened.history());
        assertEquals(2, reopened.unreadable().size());
        assertTrue(reopened.unreadable().toString(), reopened.unreadable().stream().allMatch(u -> u.contains("damaged")));
    }

    @Test
    public void aDamagedJarIsRefusedByItsDigest() throws Exception {
        Path directory = folder.getRoot().toPath();
        Journal journal = new Journal(directory);
        HotfixReport applied = report(journal.nextId(), Outcome.APPLIED, 0);
        Journal.Entry entry = new Journal.Entry(applied, "a", 1, null);
        journal.begin(entry, new byte[] {1, 2, 3}, new byte[] {7, 8});
        journal.record(entry);
        Files.write(directory.resolve("jars").resolve(applied.id() + "-previous.jar"), new byte[] {1, 2, 4});
        Files.write(directory.resolve("jars").resolve(applied.id() + "-classes.jar"), new byte[] {7});

        UncheckedIOException previous = assertThrows(UncheckedIOException.class, () -> journal.previousJar(applied.id()));
        assertTrue(previous.getCause().getMessage(), previous.getCause().getMessage().contains("damaged"));
        assertThrows(UncheckedIOException.class, () -> journal.classes(applied.id()));
    }

    @Test
    public void aWriteThatDiedHalfWayIsSweptAndTheRecordBeforeItStands() throws Exception {
        Path directory = folder.getRoot().toPath();
        Journal journal = new Journal(directory);
        HotfixReport applied = report(journal.nextId(), Outcome.APPLIED, 0);
        journal.record(new Journal.Entry(applied, "a", 1, null));
        Path temporary = directory.resolve("attempts").resolve(applied.id() + ".properties.tmp");
        Files.writeString(temporary, "id=1\nout");

        Journal reopened = new Journal(directory);

        assertEquals(List.of(applied), reopened.history());
        assertEquals(List.of(), reopened.unreadable());
        assertTrue(Files.notExists(temporary));
    }

    @Test
    public void idsAreNeverGivenOutTwiceEvenWhenTheJournalStartsEmptyAgain() throws Exception {
        Path floor = folder.getRoot().toPath().resolve("framework-area/last-attempt-id");
        Journal first = new Journal(folder.getRoot().toPath().resolve("first"), floor);
        first.nextId();
        long last = first.nextId();

        // the runtime reinstalled: its own data area, and so its journal, is new and empty
        Journal reinstalled = new Journal(folder.getRoot().toPath().resolve("second"), floor);

        assertEquals(last + 1, reinstalled.nextId());
    }

    @Test
    public void theHistoryKeepsTheNewestFinishedAttemptsAndEveryHotfixInPlace() throws Exception {
        Path directory = folder.getRoot().toPath();
        Journal journal = new Journal(directory);
        HotfixReport kept = report(journal.nextId(), Outcome.APPLIED, 0);
        journal.record(new Journal.Entry(kept, "a", 1, null));
        HotfixReport undone = report(journal.nextId(), Outcome.APPLIED, 0);
        journal.record(new Journal.Entry(undone, "b", 1, null));
        journal.record(Journal.Entry.of(report(journal.nextId(), Outcome.ROLLED_BACK, undone.id())));
        for (int i = 0; i < 5; i++) {
            journal.record(Journal.Entry.of(report(journal.nextId(), Outcome.REFUSED, 0)));
        }

        journal.retain(2);

        List<Long> ids = journal.history().stream().map(HotfixReport::id).toList();
        assertEquals(List.of(8L, 7L, kept.id()), ids);
        assertEquals(List.of(kept.id()), journal.applied().stream().map(e -> e.report().id()).toList());
        journal.record(Journal.Entry.of(report(journal.nextId(), Outcome.REFUSED, 0)));
        assertEquals("dropped from disk too", List.of(9L, 8L, kept.id()),
                new Journal(directory).history().stream().map(HotfixReport::id).toList());
    }

    @Test
    public void temporariesLeftByACrashAreDeletedAtStart() throws Exception {
        Path directory = folder.getRoot().toPath();
        new Journal(directory);
        Path jar = Files.writeString(directory.resolve("jars/3-previous.jar.tmp"), "half");
        Path record = Files.writeString(directory.resolve("attempts/3.properties.tmp"), "half");

        new Journal(directory);

        assertTrue(Files.notExists(jar));
        assertTrue(Files.notExists(record));
    }

    @Test
    public void theSignerIsKeptAndAnOlderRecordHasNone() {
        HotfixReport unsigned = report(3, Outcome.APPLIED, 0);
        HotfixReport signed = unsigned.toBuilder().signer("CN=Hotfix Release,O=Example").build();

        assertEquals(signed, ReportRecord.read(ReportRecord.write(signed)));
        java.util.Properties older = ReportRecord.write(signed);
        older.remove("signer");
        assertEquals(unsigned, ReportRecord.read(older));
        assertEquals("", unsigned.signer());
    }

    private static HotfixReport report(long id, Outcome outcome, long undoes) {
        Map<String, Duration> stages = new LinkedHashMap<>();
        stages.put("inspect", Duration.ofNanos(1234));
        stages.put("quiesce", Duration.ofNanos(567));
        return HotfixReport.builder()
                .id(id)
                .source("file:/tmp/fix.jar")
                .sha256("ab".repeat(32))
                .target("example.webapp.economy")
                .fromVersion("1.0.0")
                .toVersion("1.0.1")
                .description("fix, with a comma = and a\nnewline")
                .outcome(outcome)
                .reason(outcome == Outcome.REFUSED ? Reason.VERSION_NOT_HIGHER : Reason.NONE)
                .message("what happened")
                .services(List.of("Shop: swapped", "Players: swapped"))
                .classes(List.of("example.GoldShop"))
                .stages(stages)
                .pause(Duration.ofNanos(890))
                .time(Instant.parse("2026-11-25T12:00:00Z"))
                .undoes(undoes)
                .build();
    }

    @Test
    public void onlyAnAppliedHotfixKeepsItsJars() throws Exception {
        Path directory = folder.getRoot().toPath();
        Path jars = directory.resolve("jars");
        Journal journal = new Journal(directory);
        HotfixReport applied = report(journal.nextId(), Outcome.APPLIED, 0);
        HotfixReport refused = report(journal.nextId(), Outcome.REFUSED, 0);
        Journal.Entry kept = new Journal.Entry(applied, "a", 1, null);
        journal.begin(kept.with(report(applied.id(), Outcome.INTERRUPTED, 0)), new byte[] {1}, new byte[] {2});
        journal.record(kept);
        Journal.Entry dropped = Journal.Entry.of(refused);
        journal.begin(dropped.with(report(refused.id(), Outcome.INTERRUPTED, 0)), new byte[] {3}, new byte[] {4});
        journal.record(dropped);

        assertTrue(Files.exists(jars.resolve(applied.id() + "-previous.jar")));
        assertTrue(Files.exists(jars.resolve(applied.id() + "-classes.jar")));
        assertTrue(Files.notExists(jars.resolve(refused.id() + "-previous.jar")));
        assertTrue(Files.notExists(jars.resolve(refused.id() + "-classes.jar")));

        journal.record(Journal.Entry.of(report(journal.nextId(), Outcome.ROLLED_BACK, applied.id())));

        assertTrue("a rolled-back hotfix's jars go with it", Files.notExists(jars.resolve(applied.id() + "-previous.jar")));
        assertTrue(Files.notExists(jars.resolve(applied.id() + "-classes.jar")));
        assertEquals(3, new Journal(directory).history().size());
    }
}
