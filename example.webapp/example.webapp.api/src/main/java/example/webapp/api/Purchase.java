package example.webapp.api;

/**
 * The receipt of a completed purchase.
 *
 * @param playerId the buyer
 * @param itemId   what was bought
 * @param quantity how many units
 * @param cost     the gold taken from the buyer's wallet
 * @param player   the buyer after the purchase
 */
public record Purchase(String playerId, String itemId, int quantity, long cost, Player player) {
}
