package example.webapp.web;

import java.time.Instant;
import java.util.Map;

import org.osgi.service.component.annotations.Component;
import org.osgi.service.servlet.whiteboard.propertytypes.HttpWhiteboardServletPattern;

import jakarta.servlet.Servlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

/**
 * {@code GET /now}: the server's time, the smallest endpoint to watch while patching.
 */
@Component(service = Servlet.class)
@HttpWhiteboardServletPattern("/now")
public final class NowServlet extends JsonServlet {

    private static final long serialVersionUID = 1L;

    @Override
    protected Object handle(HttpServletRequest request, HttpServletResponse response) {
        if (!request.getMethod().equals("GET")) {
            throw methodNotAllowed(request, response, "GET");
        }
        return Map.of("now", Instant.now().toString());
    }
}
