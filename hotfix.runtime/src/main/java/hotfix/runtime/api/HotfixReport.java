package hotfix.runtime.api;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * What one attempt did: every install, dry run and rollback returns one, applied or not, and the
 * history keeps them all.
 *
 * @param id          the attempt's id, unique and increasing for the life of the runtime's data
 * @param source      where the hotfix came from: a file, a URL, or a name given with a stream
 * @param sha256      the SHA-256 of the hotfix jar, in hex; empty when it could not be read
 * @param signer      the subject (an X.500 name, RFC 2253) of the certificate that signed every
 *                    entry of the jar; empty when the jar is unsigned or could not be read
 * @param target      the symbolic name of the bundle the hotfix fixes; empty if unknown
 * @param fromVersion the target's version before; empty if unknown
 * @param toVersion   the target's version after (or that would be after, for a dry run)
 * @param mode        how the hotfix changes its target
 * @param description the hotfix's {@code Hotfix-Description}, or empty
 * @param outcome     how the attempt ended
 * @param reason      why it was refused, {@link Reason#NONE} otherwise
 * @param message     what happened, in words: for a refusal, what was wrong and what to do
 * @param services    the services swapped (or planned to be), as {@code old -> new}
 * @param classes     the classes redefined (or planned to be)
 * @param notes       further facts an operator should know, such as an old revision left
 *                    pending removal because other bundles are wired to it
 * @param stages      the time each pipeline stage took, in the order they ran
 * @param pause       how long calls were held: quiesce plus commit; zero if never closed
 * @param time        when the attempt started
 * @param undoes      for a rollback, the id of the hotfix it undid; 0 otherwise
 */
public record HotfixReport(
        long id,
        String source,
        String sha256,
        String signer,
        String target,
        String fromVersion,
        String toVersion,
        Mode mode,
        String description,
        Outcome outcome,
        Reason reason,
        String message,
        List<String> services,
        List<String> classes,
        List<String> notes,
        Map<String, Duration> stages,
        Duration pause,
        Instant time,
        long undoes) {

    public HotfixReport {
        signer = signer == null ? "" : signer;
        services = List.copyOf(services);
        classes = List.copyOf(classes);
        notes = List.copyOf(notes);
        stages = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(stages));
    }

    /** A report of an unsigned jar, as reports were before they named the signer. */
    public HotfixReport(long id, String source, String sha256, String target, String fromVersion, String toVersion,
            Mode mode, String description, Outcome outcome, Reason reason, String message, List<String> services,
            List<String> classes, List<String> notes, Map<String, Duration> stages, Duration pause, Instant time,
            long undoes) {
        this(id, source, sha256, "", target, fromVersion, toVersion, mode, description, outcome, reason, message,
                services, classes, notes, stages, pause, time, undoes);
    }

    /** @return whether the attempt left its change in place */
    public boolean applied() {
        return outcome == Outcome.APPLIED;
    }
}
