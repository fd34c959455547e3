package hotfix.shell;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.Test;

import hotfix.runtime.api.HotfixReport;
import hotfix.runtime.api.HotfixStatus;
import hotfix.runtime.api.Mode;
import hotfix.runtime.api.Outcome;
import hotfix.runtime.api.Reason;

public class JsonTest {

    @Test
    public void aReportHasEveryFieldWithStringsEscaped() {
        Map<String, Duration> stages = new LinkedHashMap<>();
        stages.put("inspect", Duration.ofNanos(12_345_000));
        stages.put("commit", Duration.ofNanos(200_000));
        HotfixReport report = HotfixReport.builder().id(3).source("file:/srv/a \"b\".jar").sha256("ab")
                .target("example.webapp.economy").fromVersion("1.0.0").toVersion("1.0.1").mode(Mode.REDEFINE)
                .description("line one\nline\ttwo \\ done").outcome(Outcome.APPLIED).reason(Reason.NONE)
                .message("applied").services(List.of("a", "b")).stages(stages).pause(Duration.ofNanos(900_000))
                .time(Instant.parse("2026-11-30T10:00:00Z")).pastPointOfNoReturn(true).build();

        assertEquals("{\"id\":3,\"source\":\"file:/srv/a \\\"b\\\".jar\",\"sha256\":\"ab\",\"signer\":\"\","
                + "\"target\":\"example.webapp.economy\",\"fromVersion\":\"1.0.0\",\"toVersion\":\"1.0.1\","
                + "\"mode\":\"redefine\",\"description\":\"line one\\nline\\ttwo \\\\ done\",\"outcome\":\"APPLIED\","
                + "\"reason\":\"NONE\",\"message\":\"applied\",\"services\":[\"a\",\"b\"],\"classes\":[],"
                + "\"notes\":[],\"stagesMicros\":{\"inspect\":12345,\"commit\":200},\"pauseMicros\":900,"
                + "\"time\":\"2026-11-30T10:00:00Z\",\"undoes\":0,\"pastPointOfNoReturn\":true}",
                Json.report(report));
    }

    @Test
    public void aListIsAnArrayAndAControlCharacterIsEscaped() {
        HotfixReport report = HotfixReport.builder().id(1).message("bell\u0007").outcome(Outcome.REFUSED)
                .reason(Reason.BUSY).build();

        String json = Json.reports(List.of(report, report));

        assertTrue(json, json.startsWith("[{\"id\":1,") && json.endsWith("}]"));
        assertTrue(json, json.contains("\"message\":\"bell\\u0007\""));
        assertEquals("[]", Json.reports(List.of()));
    }

    @Test
    public void theStatusCarriesTheLastAttemptOrNull() {
        HotfixStatus status = new HotfixStatus(false, 2, "", 1, "/srv/deploy", List.of("x.jar: truncated"), true,
                List.of());

        assertEquals("{\"gateClosed\":false,\"inFlight\":2,\"inProgress\":\"\",\"applied\":1,"
                + "\"deployDirectory\":\"/srv/deploy\",\"deployProblems\":[\"x.jar: truncated\"],"
                + "\"redefinition\":true,\"journalProblems\":[],\"retiring\":[],\"lastAttempt\":null}", Json.status(status, null));
    }
}
