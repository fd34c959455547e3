package hotfix.benchmarks.load;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Arrays;

/**
 * The witness of in-memory state: one player, apart from the load, who buys a few things; what
 * the server says about them before an event is compared with what it says after.
 */
final class Probe {

    private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(2)).build();
    private final URI base;
    private final String player;

    Probe(URI base, String player) {
        this.base = base;
        this.player = player;
    }

    /** Joins the witness and buys two swords and three potions; returns its state as the server tells it. */
    String prepare() throws InterruptedException {
        String answer = send(post("/players", "{\"id\":\"" + player + "\",\"name\":\"Witness\"}"));
        if (answer.isEmpty()) {
            throw new IllegalStateException("could not create the witness player " + player);
        }
        send(post("/shop/buy", "{\"player\":\"" + player + "\",\"item\":\"sword\",\"quantity\":2}"));
        send(post("/shop/buy", "{\"player\":\"" + player + "\",\"item\":\"potion\",\"quantity\":3}"));
        return state();
    }

    /** The witness as the server tells it, or "" when it is unknown (404) or the server does not answer. */
    String state() throws InterruptedException {
        return send(HttpRequest.newBuilder(base.resolve("/players/" + player)).GET());
    }

    /** Whether two answers tell the same state: the same JSON, whatever the order of the items. */
    static boolean same(String before, String after) {
        return !before.isEmpty() && sorted(before).equals(sorted(after));
    }

    private static String sorted(String json) {
        int at = json.indexOf("\"items\":{");
        int end = json.indexOf('}', at + 1);
        if (at < 0 || end < 0) {
            return json;
        }
        String[] items = json.substring(at + 9, end).split(",");
        Arrays.sort(items);
        return json.substring(0, at + 9) + String.join(",", items) + json.substring(end);
    }

    private HttpRequest.Builder post(String path, String json) {
        return HttpRequest.newBuilder(base.resolve(path)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json));
    }

    private String send(HttpRequest.Builder request) throws InterruptedException {
        try {
            HttpResponse<String> response = client.send(request.timeout(Duration.ofSeconds(10)).build(),
                    HttpResponse.BodyHandlers.ofString());
            return response.statusCode() / 100 == 2 ? response.body() : "";
        } catch (IOException e) {
            return "";
        }
    }
}
