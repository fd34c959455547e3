package example.webapp.api;

import java.util.Objects;

/**
 * A request the economy refuses. It carries a machine-readable {@link Reason} as well as a
 * message that a player could read.
 */
public class EconomyException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /** Why a request was refused. */
    public enum Reason {
        /** No player has the given id. */
        UNKNOWN_PLAYER,
        /** A player with the given id already exists. */
        DUPLICATE_PLAYER,
        /** The shop sells no item with the given id. */
        UNKNOWN_ITEM,
        /** A quantity, amount, id or name is out of range or malformed. */
        INVALID_ARGUMENT,
        /** The player cannot afford the purchase. */
        INSUFFICIENT_GOLD
    }

    private final Reason reason;

    public EconomyException(Reason reason, String message) {
        super(message);
        this.reason = Objects.requireNonNull(reason, "reason");
    }

    /** @return why the request was refused */
    public Reason reason() {
        return reason;
    }
}
