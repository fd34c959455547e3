package hotfix.itests;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;

/** A small JSON-over-HTTP client for the example's endpoints. */
final class Http {

    /**
     * One answer.
     *
     * @param status the HTTP status
     * @param body   the body, parsed as JSON
     */
    record Answer(int status, JsonElement body) {

        JsonObject object() {
            return body.getAsJsonObject();
        }

        String error() {
            return object().get("error").getAsString();
        }
    }

    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private final URI base;

    Http(URI base) {
        this.base = base;
    }

    Answer get(String path) {
        return send(HttpRequest.newBuilder(base.resolve(path)).GET());
    }

    Answer post(String path, String json) {
        return post(path, "application/json", json);
    }

    Answer post(String path, String contentType, String body) {
        return send(HttpRequest.newBuilder(base.resolve(path)).header("Content-Type", contentType)
                .POST(HttpRequest.BodyPublishers.ofString(body)));
    }

    Answer buy(String player, String item, long quantity) {
        return post("/shop/buy",
                "{\"player\":\"" + player + "\",\"item\":\"" + item + "\",\"quantity\":" + quantity + "}");
    }

    /** Parses JSON; keeps a body that is not JSON (a container's error page) as a string. */
    private static JsonElement parse(String body) {
        try {
            return JsonParser.parseString(body);
        } catch (com.google.gson.JsonParseException e) {
            return new com.google.gson.JsonPrimitive(body);
        }
    }

    Answer send(HttpRequest.Builder request) {
        HttpRequest built = request.timeout(Duration.ofSeconds(10)).build();
        try {
            HttpResponse<String> response;
            try {
                response = client.send(built, HttpResponse.BodyHandlers.ofString());
            } catch (IOException e) {
                if (!closedBeforeAnAnswer(e)) {
                    throw e;
                }
                // the server closed the pooled connection as the request went out on it (Jetty
                // closes one after an answer to a request whose body it did not read): the request
                // was never read, so it goes again, on a new connection
                response = client.send(built, HttpResponse.BodyHandlers.ofString());
            }
            return new Answer(response.statusCode(), parse(response.body()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static boolean closedBeforeAnAnswer(IOException e) {
        String message = String.valueOf(e.getMessage());
        return message.contains("EOF reached while reading") || message.contains("header parser received no bytes");
    }
}
