package example.webapp.economy;

import static example.webapp.api.EconomyException.Reason.INVALID_ARGUMENT;
import static example.webapp.api.EconomyException.Reason.UNKNOWN_ITEM;

import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

import example.webapp.api.EconomyException;
import example.webapp.api.Item;
import example.webapp.api.Player;
import example.webapp.api.Players;
import example.webapp.api.Purchase;
import example.webapp.api.Shop;

/**
 * Sells a fixed catalog of items for gold.
 */
@Component
public final class GoldShop implements Shop {

    static final List<Item> CATALOG = List.of(
            new Item("potion", "Healing potion", 25),
            new Item("shield", "Oak shield", 120),
            new Item("sword", "Iron sword", 150),
            new Item("dragon-egg", "Dragon egg", 5000));

    private final Players players;
    private final Map<String, Item> items;

    @Activate
    public GoldShop(@Reference Players players) {
        this.players = players;
        this.items = CATALOG.stream().collect(Collectors.toUnmodifiableMap(Item::id, Function.identity()));
    }

    @Override
    public List<Item> catalog() {
        return CATALOG;
    }

    @Override
    public Purchase buy(String playerId, String itemId, int quantity) {
        if (quantity < 1) {
            throw new EconomyException(INVALID_ARGUMENT, "quantity must be at least 1, was " + quantity);
        }
        Item item = itemId == null ? null : items.get(itemId);
        if (item == null) {
            throw new EconomyException(UNKNOWN_ITEM, "the shop sells no item '" + itemId + "'");
        }
        int cost = item.price() * quantity;
        long charged = Pricing.withBulkDiscount(cost, quantity);
        Player after = players.exchange(playerId, charged, itemId, quantity);
        return new Purchase(playerId, itemId, quantity, charged, after);
    }
}
