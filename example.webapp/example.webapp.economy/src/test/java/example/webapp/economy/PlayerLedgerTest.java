package example.webapp.economy;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertSame;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.junit.Test;

import example.webapp.api.EconomyException;
import example.webapp.api.EconomyException.Reason;
import example.webapp.api.Player;

public class PlayerLedgerTest {

    @Test
    public void seedsPlayersWithStartingGold() {
        PlayerLedger ledger = Ledgers.withPlayers(500, "alice:Alice", "bob");

        assertEquals(new Player("alice", "Alice", 500, Map.of()), ledger.get("alice"));
        assertEquals("bob", ledger.get("bob").name());
        assertEquals(2, ledger.all().size());
    }

    @Test
    public void unknownPlayerIsRefused() {
        PlayerLedger ledger = Ledgers.withPlayers(500);

        EconomyException e = assertThrows(EconomyException.class, () -> ledger.get("nobody"));
        assertEquals(Reason.UNKNOWN_PLAYER, e.reason());
        assertTrue(e.getMessage(), e.getMessage().contains("nobody"));
    }

    @Test
    public void joinValidatesIdAndNameAndRefusesDuplicates() {
        PlayerLedger ledger = Ledgers.withPlayers(500, "alice:Alice");

        assertEquals(Reason.INVALID_ARGUMENT, assertThrows(EconomyException.class, () -> ledger.join("a b", "x")).reason());
        assertEquals(Reason.INVALID_ARGUMENT, assertThrows(EconomyException.class, () -> ledger.join(null, "x")).reason());
        assertEquals(Reason.INVALID_ARGUMENT, assertThrows(EconomyException.class, () -> ledger.join("dave", " ")).reason());
        assertEquals(Reason.DUPLICATE_PLAYER, assertThrows(EconomyException.class, () -> ledger.join("alice", "Other")).reason());
        assertEquals(new Player("dave", "Dave", 500, Map.of()), ledger.join("dave", " Dave "));
    }

    @Test
    public void exchangeTakesGoldAndGivesItems() {
        PlayerLedger ledger = Ledgers.withPlayers(500, "alice:Alice");

        ledger.exchange("alice", 100, "sword", 1);
        Player after = ledger.exchange("alice", 50, "sword", 2);

        assertEquals(350, after.gold());
        assertEquals(Map.of("sword", 3), after.items());
    }

    @Test
    public void exchangeRefusesMoreGoldThanThePlayerHas() {
        PlayerLedger ledger = Ledgers.withPlayers(500, "alice:Alice");

        EconomyException e = assertThrows(EconomyException.class, () -> ledger.exchange("alice", 501, "sword", 1));

        assertEquals(Reason.INSUFFICIENT_GOLD, e.reason());
        assertEquals(500, ledger.get("alice").gold());
        assertEquals(Map.of(), ledger.get("alice").items());
    }

    @Test
    public void concurrentExchangesNeverOverdraw() throws Exception {
        PlayerLedger ledger = Ledgers.withPlayers(1000, "alice:Alice");
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<Boolean>> results = pool.invokeAll(java.util.Collections.nCopies(100, () -> {
                try {
                    ledger.exchange("alice", 30, "potion", 1);
                    return true;
                } catch (EconomyException e) {
                    return false;
                }
            }), 30, TimeUnit.SECONDS);
            long bought = 0;
            for (Future<Boolean> result : results) {
                bought += result.get() ? 1 : 0;
            }
            assertEquals(33, bought);
            assertEquals(10, ledger.get("alice").gold());
            assertEquals(Integer.valueOf(33), ledger.get("alice").items().get("potion"));
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    public void stateHandedOverKeepsEveryWalletAndItem() {
        PlayerLedger old = Ledgers.withPlayers(1000, "alice:Alice", "bob:Bob");
        old.exchange("alice", 150, "sword", 1);
        old.join("dave", "Dave");
        PlayerLedger next = Ledgers.withPlayers(1000, "zed:Zed");

        next.importState(old.exportState());

        assertEquals(old.get("alice"), next.get("alice"));
        assertEquals(850, next.get("alice").gold());
        assertEquals(3, next.all().size());
        assertEquals(Reason.UNKNOWN_PLAYER, assertThrows(EconomyException.class, () -> next.get("zed")).reason());
    }

    @Test
    public void importRefusesStateOfAnotherShapeAndKeepsItsOwn() {
        PlayerLedger ledger = Ledgers.withPlayers(1000, "alice:Alice");

        assertThrows(IllegalArgumentException.class, () -> ledger.importState("not a list"));
        assertEquals(1000, ledger.get("alice").gold());
    }

    @Test
    public void sharesItsStateTheNewLedgerKeepsTheVeryMapTheOldOneExported() {
        PlayerLedger old = Ledgers.withPlayers(1000, "alice:Alice");
        PlayerLedger next = Ledgers.withPlayers(1000, "zed:Zed");

        assertTrue(old.sharesState());
        next.importState(old.exportState());

        assertSame(old.exportState(), next.exportState());
        assertEquals(old.all(), next.all());
    }

    @Test
    public void afterTheHandoverEachLedgerSeesWhatTheOtherDoes() {
        PlayerLedger old = Ledgers.withPlayers(1000, "alice:Alice", "bob:Bob");
        PlayerLedger next = Ledgers.withPlayers(1000);
        next.importState(old.exportState());

        // a unit of work that began on the old version finishes there, after the commit
        old.exchange("alice", 150, "sword", 1);
        old.join("dave", "Dave");
        next.exchange("bob", 100, "shield", 2);

        assertEquals(new Player("alice", "Alice", 850, Map.of("sword", 1)), next.get("alice"));
        assertEquals("Dave", next.get("dave").name());
        assertEquals(new Player("bob", "Bob", 900, Map.of("shield", 2)), old.get("bob"));
        assertEquals(Reason.DUPLICATE_PLAYER,
                assertThrows(EconomyException.class, () -> next.join("dave", "Other")).reason());
    }

    @Test
    public void exchangesOfBothLedgersOnTheSharedStateNeverOverdraw() throws Exception {
        PlayerLedger old = Ledgers.withPlayers(1000, "alice:Alice");
        PlayerLedger next = Ledgers.withPlayers(1000);
        next.importState(old.exportState());
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<java.util.concurrent.Callable<Boolean>> exchanges = new java.util.ArrayList<>();
            for (int i = 0; i < 100; i++) {
                PlayerLedger ledger = i % 2 == 0 ? old : next;
                exchanges.add(() -> {
                    try {
                        ledger.exchange("alice", 30, "potion", 1);
                        return true;
                    } catch (EconomyException e) {
                        return false;
                    }
                });
            }
            long bought = 0;
            for (Future<Boolean> result : pool.invokeAll(exchanges, 30, TimeUnit.SECONDS)) {
                bought += result.get() ? 1 : 0;
            }
            assertEquals(33, bought);
            assertEquals(10, next.get("alice").gold());
            assertEquals(Integer.valueOf(33), old.get("alice").items().get("potion"));
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    public void importRefusesAMapOfAnythingButPlayersByIdAndKeepsItsOwn() {
        PlayerLedger ledger = Ledgers.withPlayers(1000, "alice:Alice");
        ConcurrentHashMap<Object, Object> notPlayers = new ConcurrentHashMap<>(Map.of("bob", "Bob"));
        ConcurrentHashMap<Object, Object> wrongIds = new ConcurrentHashMap<>(
                Map.of("bob", new Player("carol", "Carol", 5, Map.of())));

        assertThrows(IllegalArgumentException.class, () -> ledger.importState(notPlayers));
        assertThrows(IllegalArgumentException.class, () -> ledger.importState(wrongIds));
        assertThrows(IllegalArgumentException.class, () -> ledger.importState(List.of("not a player")));
        assertEquals(1000, ledger.get("alice").gold());
        assertEquals(1, ledger.all().size());
    }

    @Test
    public void importCopiesTheListOfPlayersOfAVersionThatDidNotShare() {
        PlayerLedger ledger = Ledgers.withPlayers(1000, "zed:Zed");
        Player alice = new Player("alice", "Alice", 850, Map.of("sword", 1));

        ledger.importState(List.of(alice));

        assertEquals(alice, ledger.get("alice"));
        assertEquals(List.of(alice), ledger.all());
        ledger.exchange("alice", 50, "sword", 1);
        assertEquals(800, ledger.get("alice").gold());
    }
}
