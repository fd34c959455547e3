package hotfix.shell;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.Test;

import hotfix.runtime.api.HotfixReport;
import hotfix.runtime.api.Mode;
import hotfix.runtime.api.Outcome;
import hotfix.runtime.api.Reason;

public class ReportsTest {

    static final Instant TIME = Instant.parse("2026-01-02T03:04:05Z");

    @Test
    public void detailOfAnAppliedHotfixHasTheTargetTheServicesTheStagesAndThePause() {
        Map<String, Duration> stages = new LinkedHashMap<>();
        stages.put("inspect", Duration.ofMillis(12));
        stages.put("quiesce", Duration.ofNanos(850_000));
        HotfixReport report = HotfixReport.builder()
                .id(3)
                .source("file:/srv/fix.jar")
                .sha256("ab12")
                .target("example.webapp.economy")
                .fromVersion("1.0.0.SNAPSHOT")
                .toVersion("1.0.1")
                .description("Fixes the overflow")
                .outcome(Outcome.APPLIED)
                .message("applied: example.webapp.economy 1.0.0.SNAPSHOT -> 1.0.1, 2 service(s) swapped, paused 900 us")
                .services(List.of("example.webapp.api.Shop: 1.0.0.SNAPSHOT -> 1.0.1 swapped"))
                .notes(List.of("the old revision is pending removal"))
                .stages(stages)
                .pause(Duration.ofNanos(900_000))
                .time(TIME)
                .build();

        String detail = Reports.detail(report);

        List<String> lines = List.of(detail.split("\n"));
        assertEquals(report.message(), lines.get(0));
        assertFalse(detail, detail.contains("reason:"));
        assertTrue(detail, lines.contains("id:      3"));
        assertTrue(detail, lines.contains("source:  file:/srv/fix.jar"));
        assertTrue(detail, lines.contains("target:  example.webapp.economy 1.0.0.SNAPSHOT -> 1.0.1 (swap)"));
        assertTrue(detail, lines.contains("about:   Fixes the overflow"));
        assertTrue(detail, lines.contains("sha256:  ab12"));
        assertTrue(detail, detail.contains("services:\n  example.webapp.api.Shop: 1.0.0.SNAPSHOT -> 1.0.1 swapped\n"));
        assertFalse("no classes were redefined: " + detail, detail.contains("classes:"));
        assertTrue(detail, detail.contains("notes:\n  the old revision is pending removal\n"));
        assertTrue(detail, detail.contains("stages:\n  inspect       12 ms\n  quiesce      850 us\n"));
        assertEquals("pause:   900 us", lines.get(lines.size() - 1));
    }

    @Test
    public void detailMarksThePointOfNoReturnAfterCommitOnlyWhenTheAttemptPassedIt() {
        Map<String, Duration> stages = new LinkedHashMap<>();
        stages.put("quiesce", Duration.ofNanos(300_000));
        stages.put("commit", Duration.ofNanos(200_000));
        stages.put("resume", Duration.ofNanos(10_000));
        HotfixReport applied = HotfixReport.builder().id(5).source("file:/fix.jar").target("example.webapp.economy")
                .fromVersion("1.0.0").toVersion("1.0.1").outcome(Outcome.APPLIED).message("applied").stages(stages)
                .pastPointOfNoReturn(true).time(TIME).build();

        assertTrue(Reports.detail(applied), Reports.detail(applied).contains("  commit       200 us\n"
                + "  ---- point of no return: the change is made and stays ----\n  resume        10 us\n"));
        HotfixReport refused = applied.toBuilder().outcome(Outcome.REFUSED).reason(Reason.FAILED)
                .pastPointOfNoReturn(false).build();
        assertFalse(Reports.detail(refused), Reports.detail(refused).contains("point of no return"));
    }

    @Test
    public void detailOfARefusalStartsWithTheMessageAndGivesTheReason() {
        HotfixReport report = HotfixReport.builder()
                .id(4)
                .source("rollback of 9")
                .outcome(Outcome.REFUSED)
                .reason(Reason.UNKNOWN_HOTFIX)
                .message("refused: there is no hotfix 9: only an applied hotfix can be rolled back")
                .time(TIME)
                .build();

        String detail = Reports.detail(report);

        List<String> lines = List.of(detail.split("\n"));
        assertEquals(report.message(), lines.get(0));
        assertEquals("reason:  UNKNOWN_HOTFIX", lines.get(1));
        assertTrue(detail, lines.contains("source:  rollback of 9"));
        // nothing is known of a target, a jar or stages: no empty lines for them
        assertFalse(detail, detail.contains("target:"));
        assertFalse(detail, detail.contains("sha256:"));
        assertFalse(detail, detail.contains("stages:"));
    }

    @Test
    public void anUnknownInstalledVersionIsAQuestionMarkAndADryRunHoldsNoCalls() {
        HotfixReport refused = HotfixReport.builder()
                .id(5)
                .source("file:/c.jar")
                .target("example.webapp.economy")
                .toVersion("0.9.0")
                .outcome(Outcome.REFUSED)
                .reason(Reason.VERSION_NOT_HIGHER)
                .message("refused: 0.9.0 is not higher")
                .time(TIME)
                .build();
        HotfixReport planned = HotfixReport.builder()
                .id(6)
                .source("file:/d.jar")
                .target("example.webapp.economy")
                .fromVersion("1.0.0")
                .toVersion("1.0.1")
                .outcome(Outcome.PLANNED)
                .message("would apply")
                .time(TIME)
                .build();

        assertTrue(Reports.detail(refused), Reports.detail(refused)
                .contains("\ntarget:  example.webapp.economy ? -> 0.9.0 (swap)\n"));
        assertTrue(Reports.detail(planned),
                Reports.detail(planned).endsWith("\npause:   none: a dry run holds no calls"));
        String[] table = Reports.table(List.of(planned, refused)).split("\n");
        assertTrue(table[1], table[1].contains("  1.0.0 -> 1.0.1  swap  "));
        assertTrue(table[1], table[1].endsWith("  -"));
        assertTrue(table[2], table[2].contains("  ? -> 0.9.0      swap  "));
    }

    @Test
    public void theSignerIsInTheDetailInFullAndInTheTableByItsCommonName() {
        HotfixReport signed = HotfixReport.builder()
                .id(8)
                .source("file:/s.jar")
                .sha256("cd34")
                .signer("CN=Hotfix Release,O=Example")
                .target("example.webapp.economy")
                .fromVersion("1.0.0")
                .toVersion("1.0.1")
                .outcome(Outcome.APPLIED)
                .message("applied")
                .time(TIME)
                .build();
        HotfixReport unsigned = HotfixReport.builder()
                .id(9)
                .source("file:/u.jar")
                .sha256("ef56")
                .target("example.webapp.economy")
                .fromVersion("1.0.0")
                .toVersion("1.0.1")
                .outcome(Outcome.APPLIED)
                .message("applied")
                .time(TIME)
                .build();

        assertTrue(Reports.detail(signed), Reports.detail(signed).contains("\nsigner:  CN=Hotfix Release,O=Example\n"));
        assertTrue(Reports.detail(unsigned), Reports.detail(unsigned).contains("\nsigner:  none: the jar is not signed\n"));
        assertEquals("Smith, Jane", Reports.commonName("O=Example,CN=Smith\\, Jane"));
        assertEquals("O=Example", Reports.commonName("O=Example"));
        String[] table = Reports.table(List.of(signed, unsigned)).split("\n");
        assertTrue(table[0], table[0].contains("  MODE  SIGNER          WHEN"));
        assertTrue(table[1], table[1].contains("  swap  Hotfix Release  2026"));
        assertTrue(table[2], table[2].contains("  swap  -               2026"));
    }

    @Test
    public void anEmptyTableIsNone() {
        assertEquals("none", Reports.table(List.of()));
    }

    @Test
    public void theTableStaysAlignedWithLongVersionsAndShowsARefusalsMessage() {
        HotfixReport longVersions = HotfixReport.builder()
                .id(12)
                .source("file:/a.jar")
                .target("com.example.a.rather.long.symbolic.name")
                .fromVersion("1.0.0.202601011200-SNAPSHOT")
                .toVersion("1.0.0.202601011300-hotfix-1")
                .mode(Mode.REDEFINE)
                .outcome(Outcome.APPLIED)
                .message("applied")
                .pause(Duration.ofMillis(15))
                .time(TIME)
                .build();
        HotfixReport refused = HotfixReport.builder()
                .id(7)
                .source("file:/b.jar")
                .outcome(Outcome.REFUSED)
                .reason(Reason.UNREADABLE)
                .message("refused: cannot read file:/b.jar")
                .time(TIME)
                .build();

        String[] lines = Reports.table(List.of(longVersions, refused)).split("\n");

        assertEquals(4, lines.length);
        assertTrue(lines[0], lines[0].startsWith("ID  OUTCOME"));
        assertTrue(lines[1], lines[1].startsWith("12  APPLIED  com.example.a.rather.long.symbolic.name"));
        assertTrue(lines[2], lines[2].matches(" 7  REFUSED  - +- +- +- +2026.*"));
        assertEquals("    refused: cannot read file:/b.jar", lines[3]);
        for (String column : List.of("FROM -> TO", "MODE", "SIGNER", "WHEN")) {
            int at = lines[0].indexOf(column);
            assertEquals(lines[1], ' ', lines[1].charAt(at - 1));
            assertTrue(lines[1], lines[1].charAt(at) != ' ');
            assertTrue(lines[2], lines[2].charAt(at) != ' ');
        }
        assertTrue(lines[1], lines[1].endsWith("15 ms"));
        assertTrue(lines[2], lines[2].endsWith(" 0 us"));
        assertEquals(lines[0].length(), lines[1].length());
        assertEquals(lines[0].length(), lines[2].length());
    }

    @Test
    public void anInterruptedAttemptShowsWhatTheRestartKeptBelowIt() {
        HotfixReport interrupted = HotfixReport.builder()
                .id(3)
                .source("file:/fix.jar")
                .target("example.webapp.economy")
                .fromVersion("1.0.0")
                .toVersion("1.0.1")
                .outcome(Outcome.INTERRUPTED)
                .message("interrupted: the server stopped before " + "this hotfix finished; example.webapp.economy 1.0.0 runs, as before it")
                .time(TIME)
                .build();

        String[] lines = Reports.table(List.of(interrupted)).split("\n");

        assertEquals(3, lines.length);
        assertTrue(lines[1], lines[1].startsWith(" 3  INTERRUPTED  example.webapp.economy  1.0.0 -> 1.0.1"));
        assertTrue("an interrupted attempt's pause is not known: " + lines[1], lines[1].endsWith("  -"));
        assertEquals("    " + interrupted.message(), lines[2]);
    }
}
