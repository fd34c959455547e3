package example.webapp.api;

/**
 * An item the shop sells.
 *
 * @param id    the item's unique id
 * @param name  the display name
 * @param price the price of one unit, in gold
 */
public record Item(String id, String name, int price) {
}
