package example.webapp.web;

import java.io.IOException;
import java.io.InputStream;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.util.Map;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonParseException;

import example.webapp.api.EconomyException;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

/**
 * The base of every endpoint: reads JSON bodies, writes JSON answers, and turns every refusal
 * into a JSON error with a 4xx status. Only a bug of ours is a 500, and it shows no stack trace.
 */
abstract class JsonServlet extends HttpServlet {

    private static final long serialVersionUID = 1L;

    /** Request bodies are small JSON objects; anything larger is refused unread. */
    static final int MAX_BODY = 16 * 1024;

    private static final Gson GSON = new GsonBuilder().disableHtmlEscaping().create();

    @Override
    protected final void service(HttpServletRequest request, HttpServletResponse response) throws IOException {
        try {
            Object answer = handle(request, response);
            write(response, response.getStatus(), answer);
        } catch (EconomyException e) {
            write(response, statusOf(e.reason()), error(e.reason().name(), e.getMessage()));
        } catch (HttpError e) {
            write(response, e.status, error(e.code, e.getMessage()));
        } catch (JsonParseException e) {
            write(response, 400, error("MALFORMED_JSON", "the request body is not the JSON object expected: "
                    + rootCause(e).getMessage()));
        } catch (RuntimeException e) {
            log("unexpected failure on " + request.getMethod() + " " + request.getRequestURI(), e);
            write(response, 500, error("INTERNAL_ERROR", "the server failed to answer; the failure is logged"));
        }
    }

    /**
     * Answers one request.
     *
     * @return the object to send as JSON, with the status already set on the response (200 by
     *         default)
     */
    protected abstract Object handle(HttpServletRequest request, HttpServletResponse response) throws IOException;

    /** Reads the request body as JSON of the given type; refuses a missing or oversized body. */
    protected static <T> T body(HttpServletRequest request, Class<T> type) throws IOException {
        String contentType = request.getContentType();
        if (contentType != null && !contentType.toLowerCase().startsWith("application/json")) {
            throw new HttpError(415, "UNSUPPORTED_MEDIA_TYPE", "send the body as application/json, not " + contentType);
        }
        byte[] bytes;
        try (InputStream in = request.getInputStream()) {
            bytes = in.readNBytes(MAX_BODY + 1);
        }
        if (bytes.length > MAX_BODY) {
            throw new HttpError(413, "BODY_TOO_LARGE", "the request body must be at most " + MAX_BODY + " bytes");
        }
        T value = GSON.fromJson(new String(bytes, StandardCharsets.UTF_8), type);
        if (value == null) {
            throw new HttpError(400, "MISSING_BODY", "the request needs a JSON object as its body");
        }
        return value;
    }

    /** Refuses a method this endpoint does not serve. */
    protected static HttpError methodNotAllowed(HttpServletRequest request, HttpServletResponse response, String allow) {
        response.setHeader("Allow", allow);
        return new HttpError(405, "METHOD_NOT_ALLOWED", request.getMethod() + " is not allowed here; use " + allow);
    }

    /** Refuses a path this endpoint does not know. */
    protected static HttpError notFound(HttpServletRequest request) {
        return new HttpError(404, "NOT_FOUND", "no resource at " + request.getRequestURI());
    }

    static int statusOf(EconomyException.Reason reason) {
        return switch (reason) {
            case UNKNOWN_PLAYER, UNKNOWN_ITEM -> 404;
            case DUPLICATE_PLAYER, INSUFFICIENT_GOLD -> 409;
            case INVALID_ARGUMENT -> 400;
        };
    }

    private static Map<String, String> error(String code, String message) {
        return Map.of("error", code, "message", String.valueOf(message));
    }

    private static Throwable rootCause(Throwable e) {
        Throwable cause = e;
        while (cause.getCause() != null && cause.getCause() != cause) {
            cause = cause.getCause();
        }
        return cause;
    }

    private static void write(HttpServletResponse response, int status, Object answer) throws IOException {
        response.setStatus(status);
        response.setContentType("application/json;charset=utf-8");
        response.setHeader("Cache-Control", "no-store");
        try (Writer out = response.getWriter()) {
            GSON.toJson(answer, out);
        }
    }
}
