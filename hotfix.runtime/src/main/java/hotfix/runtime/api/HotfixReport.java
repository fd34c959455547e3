package hotfix.runtime.api;

import java.time.Duration;
import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What one attempt did: every install, dry run and rollback returns one, applied or not, and the
 * history keeps them all.
 * <p>
 * Immutable. Made with a {@link Builder} ({@link #builder()}, or {@link #toBuilder()} to change a
 * few fields of a copy), so that a later version can add facts without breaking code that makes
 * or reads reports: a field added is a minor change of this package.
 */
public final class HotfixReport {

    private final long id;
    private final String source;
    private final String sha256;
    private final String signer;
    private final String target;
    private final String fromVersion;
    private final String toVersion;
    private final Mode mode;
    private final String description;
    private final Outcome outcome;
    private final Reason reason;
    private final String message;
    private final List<String> services;
    private final List<String> classes;
    private final List<String> notes;
    private final Map<String, Duration> stages;
    private final Duration pause;
    private final Instant time;
    private final long undoes;
    private final boolean pastPointOfNoReturn;

    private HotfixReport(Builder b) {
        this.id = b.id;
        this.source = b.source;
        this.sha256 = b.sha256;
        this.signer = b.signer;
        this.target = b.target;
        this.fromVersion = b.fromVersion;
        this.toVersion = b.toVersion;
        this.mode = b.mode;
        this.description = b.description;
        this.outcome = b.outcome;
        this.reason = b.reason;
        this.message = b.message;
        this.services = List.copyOf(b.services);
        this.classes = List.copyOf(b.classes);
        this.notes = List.copyOf(b.notes);
        this.stages = Collections.unmodifiableMap(new LinkedHashMap<>(b.stages));
        this.pause = b.pause;
        this.time = b.time;
        this.undoes = b.undoes;
        this.pastPointOfNoReturn = b.pastPointOfNoReturn;
    }

    /** @return a builder with every field empty: 0, "", none, {@link Outcome#PLANNED}, {@link Mode#SWAP} */
    public static Builder builder() {
        return new Builder();
    }

    /** @return a builder that starts from this report's fields */
    public Builder toBuilder() {
        return new Builder(this);
    }

    /** @return the attempt's id, unique and increasing for the life of the runtime's data */
    public long id() {
        return id;
    }

    /** @return where the hotfix came from: a file, a URL, or a name given with a stream */
    public String source() {
        return source;
    }

    /** @return the SHA-256 of the hotfix jar, in hex; empty when it could not be read */
    public String sha256() {
        return sha256;
    }

    /**
     * @return the subject (an X.500 name, RFC 2253) of the certificate that signed every entry of
     *         the jar; empty when the jar is unsigned or could not be read
     */
    public String signer() {
        return signer;
    }

    /** @return the symbolic name of the bundle the hotfix fixes; empty if unknown */
    public String target() {
        return target;
    }

    /** @return the target's version before; empty if unknown */
    public String fromVersion() {
        return fromVersion;
    }

    /** @return the target's version after (or that would be after, for a dry run) */
    public String toVersion() {
        return toVersion;
    }

    /** @return how the hotfix changes its target */
    public Mode mode() {
        return mode;
    }

    /** @return the hotfix's {@link HotfixHeaders#DESCRIPTION}, or empty */
    public String description() {
        return description;
    }

    /** @return how the attempt ended */
    public Outcome outcome() {
        return outcome;
    }

    /** @return why it was refused, {@link Reason#NONE} otherwise */
    public Reason reason() {
        return reason;
    }

    /** @return what happened, in words: for a refusal, what was wrong and what to do */
    public String message() {
        return message;
    }

    /** @return the services swapped (or planned to be), one line each */
    public List<String> services() {
        return services;
    }

    /** @return the classes redefined or replaced (or planned to be), one line each */
    public List<String> classes() {
        return classes;
    }

    /**
     * @return further facts an operator should know, such as an old revision left pending
     *         removal because other bundles are wired to it
     */
    public List<String> notes() {
        return notes;
    }

    /** @return the time each pipeline stage took, in the order they ran */
    public Map<String, Duration> stages() {
        return stages;
    }

    /** @return how long calls were held: quiesce plus commit; zero if never held */
    public Duration pause() {
        return pause;
    }

    /** @return when the attempt started */
    public Instant time() {
        return time;
    }

    /** @return for a rollback, the id of the hotfix it undid; 0 otherwise */
    public long undoes() {
        return undoes;
    }

    /**
     * @return whether the attempt passed its point of no return: its change was made and the new
     *         version serves. Before it, any failure undoes everything; after it, nothing is
     *         undone, and what goes wrong later is a note.
     */
    public boolean pastPointOfNoReturn() {
        return pastPointOfNoReturn;
    }

    /** @return whether the attempt left its change in place */
    public boolean applied() {
        return outcome == Outcome.APPLIED;
    }

    /** Two reports are equal when every fact they hold is. */
    @Override
    public boolean equals(Object other) {
        return other instanceof HotfixReport that && id == that.id && undoes == that.undoes
                && pastPointOfNoReturn == that.pastPointOfNoReturn && source.equals(that.source)
                && sha256.equals(that.sha256) && signer.equals(that.signer) && target.equals(that.target)
                && fromVersion.equals(that.fromVersion) && toVersion.equals(that.toVersion) && mode == that.mode
                && description.equals(that.description) && outcome == that.outcome && reason == that.reason
                && message.equals(that.message) && services.equals(that.services) && classes.equals(that.classes)
                && notes.equals(that.notes) && stages.equals(that.stages) && pause.equals(that.pause)
                && time.equals(that.time);
    }

    @Override
    public int hashCode() {
        return Objects.hash(id, source, sha256, outcome, message, time);
    }

    @Override
    public String toString() {
        return "HotfixReport[" + id + " " + outcome + (reason == Reason.NONE ? "" : " " + reason) + " " + target + " "
                + fromVersion + " -> " + toVersion + " (" + mode + ") from " + source + ": " + message + "]";
    }

    /** Makes a {@link HotfixReport}; every field has an empty default, none may be null. */
    public static final class Builder {
        private long id;
        private String source = "";
        private String sha256 = "";
        private String signer = "";
        private String target = "";
        private String fromVersion = "";
        private String toVersion = "";
        private Mode mode = Mode.SWAP;
        private String description = "";
        private Outcome outcome = Outcome.PLANNED;
        private Reason reason = Reason.NONE;
        private String message = "";
        private List<String> services = List.of();
        private List<String> classes = List.of();
        private List<String> notes = List.of();
        private Map<String, Duration> stages = Map.of();
        private Duration pause = Duration.ZERO;
        private Instant time = Instant.EPOCH;
        private long undoes;
        private boolean pastPointOfNoReturn;

        private Builder() {
        }

        private Builder(HotfixReport r) {
            id = r.id;
            source = r.source;
            sha256 = r.sha256;
            signer = r.signer;
            target = r.target;
            fromVersion = r.fromVersion;
            toVersion = r.toVersion;
            mode = r.mode;
            description = r.description;
            outcome = r.outcome;
            reason = r.reason;
            message = r.message;
            services = r.services;
            classes = r.classes;
            notes = r.notes;
            stages = r.stages;
            pause = r.pause;
            time = r.time;
            undoes = r.undoes;
            pastPointOfNoReturn = r.pastPointOfNoReturn;
        }

        /** @see HotfixReport#id() */
        public Builder id(long value) {
            id = value;
            return this;
        }

        /** @see HotfixReport#source() */
        public Builder source(String value) {
            source = Objects.requireNonNull(value, "source");
            return this;
        }

        /** @see HotfixReport#sha256() */
        public Builder sha256(String value) {
            sha256 = Objects.requireNonNull(value, "sha256");
            return this;
        }

        /** @see HotfixReport#signer() */
        public Builder signer(String value) {
            signer = Objects.requireNonNull(value, "signer");
            return this;
        }

        /** @see HotfixReport#target() */
        public Builder target(String value) {
            target = Objects.requireNonNull(value, "target");
            return this;
        }

        /** @see HotfixReport#fromVersion() */
        public Builder fromVersion(String value) {
            fromVersion = Objects.requireNonNull(value, "fromVersion");
            return this;
        }

        /** @see HotfixReport#toVersion() */
        public Builder toVersion(String value) {
            toVersion = Objects.requireNonNull(value, "toVersion");
            return this;
        }

        /** @see HotfixReport#mode() */
        public Builder mode(Mode value) {
            mode = Objects.requireNonNull(value, "mode");
            return this;
        }

        /** @see HotfixReport#description() */
        public Builder description(String value) {
            description = Objects.requireNonNull(value, "description");
            return this;
        }

        /** @see HotfixReport#outcome() */
        public Builder outcome(Outcome value) {
            outcome = Objects.requireNonNull(value, "outcome");
            return this;
        }

        /** @see HotfixReport#reason() */
        public Builder reason(Reason value) {
            reason = Objects.requireNonNull(value, "reason");
            return this;
        }

        /** @see HotfixReport#message() */
        public Builder message(String value) {
            message = Objects.requireNonNull(value, "message");
            return this;
        }

        /** @see HotfixReport#services() */
        public Builder services(List<String> value) {
            services = List.copyOf(value);
            return this;
        }

        /** @see HotfixReport#classes() */
        public Builder classes(List<String> value) {
            classes = List.copyOf(value);
            return this;
        }

        /** @see HotfixReport#notes() */
        public Builder notes(List<String> value) {
            notes = List.copyOf(value);
            return this;
        }

        /** @see HotfixReport#stages() */
        public Builder stages(Map<String, Duration> value) {
            stages = new LinkedHashMap<>(value);
            return this;
        }

        /** @see HotfixReport#pause() */
        public Builder pause(Duration value) {
            pause = Objects.requireNonNull(value, "pause");
            return this;
        }

        /** @see HotfixReport#time() */
        public Builder time(Instant value) {
            time = Objects.requireNonNull(value, "time");
            return this;
        }

        /** @see HotfixReport#undoes() */
        public Builder undoes(long value) {
            undoes = value;
            return this;
        }

        /** @see HotfixReport#pastPointOfNoReturn() */
        public Builder pastPointOfNoReturn(boolean value) {
            pastPointOfNoReturn = value;
            return this;
        }

        /** @return the report */
        public HotfixReport build() {
            return new HotfixReport(this);
        }
    }
}
