package example.webapp.economy;

import static example.webapp.api.EconomyException.Reason.INVALID_ARGUMENT;

import java.util.Comparator;
import java.util.List;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

import example.webapp.api.EconomyException;
import example.webapp.api.Leaderboard;
import example.webapp.api.Player;
import example.webapp.api.Players;

/**
 * Ranks players by their gold.
 */
@Component
public final class RichestFirst implements Leaderboard {

    static final int MAX_LIMIT = 100;

    private static final Comparator<Player> RANK =
            Comparator.comparingLong(Player::gold).reversed().thenComparing(Player::id);

    private final Players players;

    @Activate
    public RichestFirst(@Reference Players players) {
        this.players = players;
    }

    @Override
    public List<Player> top(int limit) {
        if (limit < 1 || limit > MAX_LIMIT) {
            throw new EconomyException(INVALID_ARGUMENT, "limit must be 1 to " + MAX_LIMIT + ", was " + limit);
        }
        return players.all().stream().sorted(RANK).limit(limit).toList();
    }
}
