package example.webapp.web;

/**
 * A request the web layer refuses before it reaches a service: carries the status and a
 * machine-readable code for the JSON error body.
 */
final class HttpError extends RuntimeException {

    private static final long serialVersionUID = 1L;

    final int status;
    final String code;

    HttpError(int status, String code, String message) {
        super(message);
        this.status = status;
        this.code = code;
    }
}
