package example.webapp.economy;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertThrows;

import java.util.List;

import org.junit.Test;

import example.webapp.api.EconomyException;
import example.webapp.api.EconomyException.Reason;
import example.webapp.api.Player;

public class RichestFirstTest {

    @Test
    public void ranksByGoldThenById() {
        PlayerLedger ledger = Ledgers.withPlayers(1000, "carol", "alice", "bob");
        ledger.exchange("bob", 200, "sword", 1);
        RichestFirst leaderboard = new RichestFirst(ledger);

        List<String> ids = leaderboard.top(10).stream().map(Player::id).toList();

        assertEquals(List.of("alice", "carol", "bob"), ids);
        assertEquals(List.of("alice"), leaderboard.top(1).stream().map(Player::id).toList());
    }

    @Test
    public void refusesLimitsOutOfRange() {
        RichestFirst leaderboard = new RichestFirst(Ledgers.withPlayers(1000));

        assertEquals(Reason.INVALID_ARGUMENT, assertThrows(EconomyException.class, () -> leaderboard.top(0)).reason());
        assertEquals(Reason.INVALID_ARGUMENT, assertThrows(EconomyException.class, () -> leaderboard.top(101)).reason());
    }
}
