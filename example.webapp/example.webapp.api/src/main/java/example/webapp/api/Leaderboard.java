package example.webapp.api;

import java.util.List;

import org.osgi.annotation.versioning.ProviderType;

/**
 * The richest players.
 */
@ProviderType
public interface Leaderboard {

    /**
     * @param limit the most players to return, at least 1
     * @return players by descending gold, ties by id
     */
    List<Player> top(int limit);
}
