package example.webapp.economy;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertThrows;

import java.util.Map;

import org.junit.Test;

import example.webapp.api.EconomyException;
import example.webapp.api.EconomyException.Reason;
import example.webapp.api.Purchase;

public class GoldShopTest {

    private final PlayerLedger ledger = Ledgers.withPlayers(1000, "alice:Alice");
    private final GoldShop shop = new GoldShop(ledger);

    @Test
    public void buyingDebitsThePriceTimesTheQuantity() {
        Purchase purchase = shop.buy("alice", "sword", 2);

        assertEquals(300, purchase.cost());
        assertEquals(700, purchase.player().gold());
        assertEquals(Map.of("sword", 2), purchase.player().items());
        assertEquals(700, ledger.get("alice").gold());
    }

    @Test
    public void refusesWhatThePlayerCannotAfford() {
        EconomyException e = assertThrows(EconomyException.class, () -> shop.buy("alice", "dragon-egg", 1));

        assertEquals(Reason.INSUFFICIENT_GOLD, e.reason());
        assertEquals(1000, ledger.get("alice").gold());
    }

    @Test
    public void refusesBadQuantitiesUnknownItemsAndUnknownPlayers() {
        assertEquals(Reason.INVALID_ARGUMENT, assertThrows(EconomyException.class, () -> shop.buy("alice", "sword", 0)).reason());
        assertEquals(Reason.INVALID_ARGUMENT, assertThrows(EconomyException.class, () -> shop.buy("alice", "sword", -3)).reason());
        assertEquals(Reason.UNKNOWN_ITEM, assertThrows(EconomyException.class, () -> shop.buy("alice", "laser", 1)).reason());
        assertEquals(Reason.UNKNOWN_PLAYER, assertThrows(EconomyException.class, () -> shop.buy("zed", "sword", 1)).reason());
        assertEquals(1000, ledger.get("alice").gold());
    }

    @Test
    public void catalogListsEveryItemOnce() {
        assertEquals(4, shop.catalog().size());
        assertEquals(4, shop.catalog().stream().map(i -> i.id()).distinct().count());
    }
}
