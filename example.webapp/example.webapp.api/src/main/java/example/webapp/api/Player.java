package example.webapp.api;

import java.util.Map;
import java.util.Objects;

/**
 * A player as the economy sees it at one moment: an immutable snapshot.
 *
 * @param id    the player's unique, URL-safe id
 * @param name  the display name
 * @param gold  the gold in the player's wallet, never negative
 * @param items how many of each item (by item id) the player owns
 */
public record Player(String id, String name, long gold, Map<String, Integer> items) {

    public Player {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(name, "name");
        items = Map.copyOf(items);
    }
}
