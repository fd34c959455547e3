package example.webapp.web;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.servlet.whiteboard.propertytypes.HttpWhiteboardServletPattern;

import example.webapp.api.Leaderboard;
import jakarta.servlet.Servlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

/**
 * {@code GET /leaderboard?limit=N}: the richest players, ten unless a limit is given.
 */
@Component(service = Servlet.class)
@HttpWhiteboardServletPattern("/leaderboard")
public final class LeaderboardServlet extends JsonServlet {

    private static final long serialVersionUID = 1L;

    private final transient Leaderboard leaderboard;

    @Activate
    public LeaderboardServlet(@Reference Leaderboard leaderboard) {
        this.leaderboard = leaderboard;
    }

    @Override
    protected Object handle(HttpServletRequest request, HttpServletResponse response) {
        if (!request.getMethod().equals("GET")) {
            throw methodNotAllowed(request, response, "GET");
        }
        String limit = request.getParameter("limit");
        if (limit == null) {
            return leaderboard.top(10);
        }
        try {
            return leaderboard.top(Integer.parseInt(limit));
        } catch (NumberFormatException e) {
            throw new HttpError(400, "INVALID_ARGUMENT", "limit must be a whole number, was '" + limit + "'");
        }
    }
}
