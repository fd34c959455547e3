package example.webapp.api;

import java.util.List;

import org.osgi.annotation.versioning.ProviderType;

/**
 * The players and their wallets: the economy's state.
 */
@ProviderType
public interface Players {

    /**
     * @param id a player's id
     * @return the player
     * @throws EconomyException {@code UNKNOWN_PLAYER} if there is none
     */
    Player get(String id);

    /** @return every player, in no particular order */
    List<Player> all();

    /**
     * Creates a player with the starting gold.
     *
     * @param id   the new player's id: 1 to 32 letters, digits, '-' or '_'
     * @param name the display name: 1 to 64 characters
     * @return the new player
     * @throws EconomyException {@code DUPLICATE_PLAYER} or {@code INVALID_ARGUMENT}
     */
    Player join(String id, String name);

    /**
     * Takes gold from a player and gives items in return, atomically.
     *
     * @param id       the player
     * @param gold     the gold to take
     * @param itemId   the item to give
     * @param quantity how many units of it
     * @return the player afterwards
     * @throws EconomyException {@code UNKNOWN_PLAYER} or {@code INSUFFICIENT_GOLD}
     */
    Player exchange(String id, long gold, String itemId, int quantity);
}
