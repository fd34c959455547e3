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
import java.util.concurrent.ConcurrentMap;
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
 * The wallets survive a hotfix of this bundle without holding a call: they are kept in types
 * both versions see, a JDK {@link ConcurrentMap} of the API's immutable {@link Player} records,
 * each change one atomic {@code compute} on the map. The old version hands the live map over and
 * the new one keeps that very map ({@link #sharesState()}), so while units of work that began on
 * the old version finish there, both versions work on one state, with the map's own locking.
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
    /** Every player by id; replaced only by {@link #importState}, before any call reaches this version. */
    private volatile ConcurrentMap<String, Player> players = new ConcurrentHashMap<>();

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
        Player player = id == null ? null : players.get(id);
        if (player == null) {
            throw unknown(id);
        }
        return player;
    }

    @Override
    public List<Player> all() {
        return new ArrayList<>(players.values());
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
        Player player = new Player(id, name.strip(), startingGold, Map.of());
        if (players.putIfAbsent(id, player) != null) {
            throw new EconomyException(DUPLICATE_PLAYER, "player '" + id + "' already exists");
        }
        return player;
    }

    @Override
    public Player exchange(String id, long gold, String itemId, int quantity) {
        // one compute: atomic against every other change to this player, by either version
        Player after = id == null ? null : players.computeIfPresent(id, (key, before) -> {
            if (gold > before.gold()) {
                throw new EconomyException(INSUFFICIENT_GOLD,
                        "player '" + id + "' has " + before.gold() + " gold, needs " + gold);
            }
            Map<String, Integer> items = new HashMap<>(before.items());
            items.merge(itemId, quantity, Integer::sum);
            return new Player(before.id(), before.name(), before.gold() - gold, items);
        });
        if (after == null) {
            throw unknown(id);
        }
        return after;
    }

    /** @return the live map of players, which the next version keeps */
    @Override
    public Object exportState() {
        return players;
    }

    /**
     * Keeps the live map the old version exported, after checking it holds players by their ids;
     * or, from a version that copied its state rather than sharing it, copies its list of players.
     */
    @Override
    public void importState(Object state) {
        if (state instanceof ConcurrentMap<?, ?> map) {
            for (Map.Entry<?, ?> entry : map.entrySet()) {
                if (!(entry.getValue() instanceof Player player) || !player.id().equals(entry.getKey())) {
                    throw new IllegalArgumentException("expected players by id, got " + entry);
                }
            }
            @SuppressWarnings("unchecked")
            ConcurrentMap<String, Player> shared = (ConcurrentMap<String, Player>) map;
            players = shared;
        } else if (state instanceof List<?> list) {
            ConcurrentMap<String, Player> copied = new ConcurrentHashMap<>();
            for (Object element : list) {
                if (!(element instanceof Player player)) {
                    throw new IllegalArgumentException("expected a list of players, got " + element);
                }
                copied.put(player.id(), player);
            }
            players = copied;
        } else {
            throw new IllegalArgumentException("expected the players by id, got " + state);
        }
    }

    /** @return {@code true}: the map is handed over live and kept, so a hotfix holds no call */
    @Override
    public boolean sharesState() {
        return true;
    }

    private static EconomyException unknown(String id) {
        return new EconomyException(UNKNOWN_PLAYER, "no player with id '" + id + "'");
    }
}
