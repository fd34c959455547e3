package example.webapp.web;

import java.io.IOException;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.servlet.whiteboard.propertytypes.HttpWhiteboardServletPattern;

import example.webapp.api.Shop;
import jakarta.servlet.Servlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

/**
 * {@code GET /shop} lists the catalog; {@code POST /shop/buy} with
 * {@code {"player": "alice", "item": "sword", "quantity": 1}} buys.
 */
@Component(service = Servlet.class)
@HttpWhiteboardServletPattern({"/shop", "/shop/*"})
public final class ShopServlet extends JsonServlet {

    private static final long serialVersionUID = 1L;

    /** The body of a purchase request. */
    record BuyRequest(String player, String item, Integer quantity) {
    }

    private final transient Shop shop;

    @Activate
    public ShopServlet(@Reference Shop shop) {
        this.shop = shop;
    }

    @Override
    protected Object handle(HttpServletRequest request, HttpServletResponse response) throws IOException {
        String path = request.getPathInfo();
        if (path == null || path.equals("/")) {
            if (!request.getMethod().equals("GET")) {
                throw methodNotAllowed(request, response, "GET");
            }
            return shop.catalog();
        }
        if (!path.equals("/buy")) {
            throw notFound(request);
        }
        if (!request.getMethod().equals("POST")) {
            throw methodNotAllowed(request, response, "POST");
        }
        BuyRequest buy = body(request, BuyRequest.class);
        if (buy.player() == null || buy.item() == null || buy.quantity() == null) {
            throw new HttpError(400, "MISSING_FIELD", "a purchase needs \"player\", \"item\" and \"quantity\"");
        }
        return shop.buy(buy.player(), buy.item(), buy.quantity());
    }
}
