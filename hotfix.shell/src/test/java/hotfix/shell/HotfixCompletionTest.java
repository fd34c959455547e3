package hotfix.shell;

import static org.junit.Assert.assertEquals;

import java.io.InputStream;
import java.net.URI;
import java.util.List;
import java.util.Map;

import org.junit.Test;

import hotfix.runtime.api.HotfixManager;
import hotfix.runtime.api.HotfixOptions;
import hotfix.runtime.api.HotfixReport;
import hotfix.runtime.api.HotfixStatus;
import hotfix.runtime.api.Mode;
import hotfix.runtime.api.Outcome;

public class HotfixCompletionTest {

    static final String ECONOMY = "example.webapp.economy";

    @Test
    public void rollbackIsOfferedTheLatestHotfixOfEachTargetOldestFirst() {
        HotfixReport swap = applied(2, ECONOMY, "1.0.0", "1.0.1", Mode.SWAP);
        HotfixReport other = applied(3, "example.webapp.web", "1.0.0", "1.0.1", Mode.SWAP);
        HotfixReport redefinition = applied(9, ECONOMY, "1.0.1", "1.0.2", Mode.REDEFINE);
        HotfixReport latest = applied(11, "example.webapp.web", "1.0.1", "1.0.2", Mode.SWAP);
        HotfixCompletion completion = new HotfixCompletion(new Listing(List.of(swap, other, redefinition, latest),
                List.of()));

        Map<String, String> offered = completion.__rollbackable();

        assertEquals(List.of("9", "11"), List.copyOf(offered.keySet()));
        assertEquals("APPLIED " + ECONOMY + " 1.0.1 -> 1.0.2, redefine", offered.get("9"));
        assertEquals("APPLIED example.webapp.web 1.0.1 -> 1.0.2, swap", offered.get("11"));
    }

    @Test
    public void statusIsOfferedEveryAttemptAsTheHistoryListsItWithItsOutcome() {
        HotfixReport refusedEarly = HotfixReport.builder().id(12).source("file:/srv/broken.jar")
                .outcome(Outcome.REFUSED).message("refused: not a jar").build();
        HotfixReport refused = HotfixReport.builder().id(10).source("file:/srv/old.jar").target(ECONOMY)
                .toVersion("0.9.0").outcome(Outcome.REFUSED).message("refused: 0.9.0 is not higher").build();
        HotfixReport applied = applied(2, ECONOMY, "1.0.0", "1.0.1", Mode.SWAP);
        HotfixCompletion completion = new HotfixCompletion(new Listing(List.of(applied),
                List.of(refusedEarly, refused, applied)));

        Map<String, String> offered = completion.__attempts();

        assertEquals(List.of("12", "10", "2"), List.copyOf(offered.keySet()));
        assertEquals("REFUSED file:/srv/broken.jar", offered.get("12"));
        assertEquals("REFUSED " + ECONOMY + " ? -> 0.9.0, swap", offered.get("10"));
        assertEquals("APPLIED " + ECONOMY + " 1.0.0 -> 1.0.1, swap", offered.get("2"));
    }

    @Test
    public void nothingAppliedOffersNothing() {
        HotfixCompletion completion = new HotfixCompletion(new Listing(List.of(), List.of()));

        assertEquals(Map.of(), completion.__rollbackable());
        assertEquals(Map.of(), completion.__attempts());
    }

    private static HotfixReport applied(long id, String target, String from, String to, Mode mode) {
        return HotfixReport.builder().id(id).source("file:/srv/fix-" + id + ".jar").target(target).fromVersion(from)
                .toVersion(to).mode(mode).outcome(Outcome.APPLIED).message("applied").build();
    }

    /** A runtime that lists what it is given and is asked for nothing else. */
    private static final class Listing implements HotfixManager {
        private final List<HotfixReport> applied;
        private final List<HotfixReport> history;

        Listing(List<HotfixReport> applied, List<HotfixReport> history) {
            this.applied = applied;
            this.history = history;
        }

        @Override
        public HotfixReport install(URI source, HotfixOptions options) {
            throw new AssertionError("install " + source);
        }

        @Override
        public HotfixReport install(String name, InputStream jar, HotfixOptions options) {
            throw new AssertionError("install " + name);
        }

        @Override
        public HotfixReport verify(URI source) {
            throw new AssertionError("verify " + source);
        }

        @Override
        public HotfixReport rollback(long id, HotfixOptions options) {
            throw new AssertionError("rollback " + id);
        }

        @Override
        public List<HotfixReport> list() {
            return applied;
        }

        @Override
        public List<HotfixReport> history() {
            return history;
        }

        @Override
        public HotfixStatus status() {
            throw new AssertionError("status");
        }
    }
}
