package example.webapp.api;

import java.util.List;

import org.osgi.annotation.versioning.ProviderType;

/**
 * The shop: sells items for gold.
 */
@ProviderType
public interface Shop {

    /** @return every item for sale */
    List<Item> catalog();

    /**
     * Buys items for a player.
     *
     * @param playerId the buyer
     * @param itemId   the item
     * @param quantity how many units, at least 1
     * @return the receipt
     * @throws EconomyException when the player, the item or the quantity is wrong, or the
     *                          player cannot afford it
     */
    Purchase buy(String playerId, String itemId, int quantity);
}
