package example.webapp.web;

import java.io.IOException;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.servlet.whiteboard.propertytypes.HttpWhiteboardServletPattern;

import example.webapp.api.Players;
import jakarta.servlet.Servlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

/**
 * {@code GET /players}, {@code GET /players/{id}}, and {@code POST /players} with
 * {@code {"id": "dave", "name": "Dave"}} to join.
 */
@Component(service = Servlet.class)
@HttpWhiteboardServletPattern({"/players", "/players/*"})
public final class PlayersServlet extends JsonServlet {

    private static final long serialVersionUID = 1L;

    /** The body of a join request. */
    record JoinRequest(String id, String name) {
    }

    private final transient Players players;

    @Activate
    public PlayersServlet(@Reference Players players) {
        this.players = players;
    }

    @Override
    protected Object handle(HttpServletRequest request, HttpServletResponse response) throws IOException {
        String path = request.getPathInfo();
        boolean collection = path == null || path.equals("/");
        if (collection && request.getMethod().equals("GET")) {
            return players.all();
        }
        if (collection && request.getMethod().equals("POST")) {
            JoinRequest join = body(request, JoinRequest.class);
            response.setStatus(201);
            return players.join(join.id(), join.name());
        }
        if (collection) {
            throw methodNotAllowed(request, response, "GET, POST");
        }
        String id = path.substring(1);
        if (id.contains("/")) {
            throw notFound(request);
        }
        if (!request.getMethod().equals("GET")) {
            throw methodNotAllowed(request, response, "GET");
        }
        return players.get(id);
    }
}
