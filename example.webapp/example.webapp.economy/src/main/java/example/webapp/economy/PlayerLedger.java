package example.webapp.economy;

import static example.webapp.api.EconomyException.Reason.DUPLICATE_PLAYER;
import static example.webapp.api.EconomyException.Reason.INSUFFICIENT_GOLD;
import static example.webapp.api.EconomyException.Reason.INVALID_ARGUMENT;
import static example.webapp.api.EconomyException.Reason.UNKNOWN_PLAYER;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

import example.webapp.api.EconomyException;
import example.webapp.api.Player;
import example.webapp.api.Players;
import hotfix.runtime.api.StateTransfer;

/**
 * The players and their gold, in memory. Every change to one player is atomic.
 * <p>
 * The wallets survive a hotfix of this bundle: the old version exports every player as an
 * API {@link Player} record, which both versions see, and the new one imports them.
 */
@Component(configurationPid = PlayerLedger.PID)
@Designate(ocd = PlayerLedger.Config.class)
public final class PlayerLedger implements Players, StateTransfer {

    static final String PID = "example.webapp.economy.ledger";

    private static final Pattern ID = Pattern.compile("[A-Za-z0-9_-]{1,32}");
    private static final int MAX_NAME = 64;

    @ObjectClassDefinition(name = "Example economy: player ledger")
    public @interface Config {

        @AttributeDefinition(description = "Gold a new player starts with")
        long startingGold() default 1000;

        @AttributeDefinition(description = "Players that exist from the start, as id:name")
        String[] seedPlayers() default {"alice:Alice", "bob:Bob", "carol:Carol"};
    }

    private final long startingGold;
    private final Map<String, Account> accounts = new ConcurrentHashMap<>();

    @Activate
    public PlayerLedger(Config config) {
        if (config.startingGold() < 0) {
            throw new IllegalArgumentException("startingGold must not be negative: " + config.startingGold());
        }
        this.startingGold = config.startingGold();
        for (String seed : config.seedPlayers()) {
            int colon = seed.indexOf(':');
            if (colon < 0) {
                join(seed, seed);
            } else {
                join(seed.substring(0, colon), seed.substring(colon + 1));
            }
        }
    }

    @Override
    public Player get(String id) {
        return account(id).snapshot();
    }

    @Override
    public List<Player> all() {
        List<Player> players = new ArrayList<>(accounts.size());
        for (Account account : accounts.values()) {
            players.add(account.snapshot());
        }
        return players;
    }

    @Override
    public Player join(String id, String name) {
        if (id == null || !ID.matcher(id).matches()) {
            throw new EconomyException(INVALID_ARGUMENT,
                    "player id must be 1 to 32 letters, digits, '-' or '_', was: " + id);
        }
        if (name == null || name.isBlank() || name.length() > MAX_NAME) {
            throw new EconomyException(INVALID_ARGUMENT, "player name must be 1 to " + MAX_NAME + " characters");
        }
        Account account = new Account(id, name.strip(), startingGold);
        if (accounts.putIfAbsent(id, account) != null) {
            throw new EconomyException(DUPLICATE_PLAYER, "player '" + id + "' already exists");
        }
        return account.snapshot();
    }

    @Override
    public Player exchange(String id, long gold, String itemId, int quantity) {
        Account account = account(id);
        synchronized (account) {
            if (gold > account.gold) {
                throw new EconomyException(INSUFFICIENT_GOLD,
                        "player '" + id + "' has " + account.gold + " gold, needs " + gold);
            }
            account.gold -= gold;
            account.items.merge(itemId, quantity, Integer::sum);
            return account.snapshot();
        }
    }

    @Override
    public Object exportState() {
        return all();
    }

    @Override
    public void importState(Object state) {
        if (!(state instanceof List<?> players)) {
            throw new IllegalArgumentException("expected a list of players, got " + state);
        }
        Map<String, Account> imported = new HashMap<>();
        for (Object element : players) {
            Player player = (Player) element;
            Account account = new Account(player.id(), player.name(), player.gold());
            account.items.putAll(player.items());
            imported.put(player.id(), account);
        }
        accounts.clear();
        accounts.putAll(imported);
    }

    private Account account(String id) {
        Account account = id == null ? null : accounts.get(id);
        if (account == null) {
            throw new EconomyException(UNKNOWN_PLAYER, "no player with id '" + id + "'");
        }
        return account;
    }

    /** One player's mutable state; guarded by its own monitor. */
    private static final class Account {
        final String id;
        final String name;
        long gold;
        final Map<String, Integer> items = new HashMap<>();

        Account(String id, String name, long gold) {
            this.id = id;
            this.name = name;
            this.gold = gold;
        }

        synchronized Player snapshot() {
            return new Player(id, name, gold, items);
        }
    }
}
