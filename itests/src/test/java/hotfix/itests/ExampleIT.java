package hotfix.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;


import org.junit.Before;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.Bundle;

import example.webapp.api.Player;
import example.webapp.api.Shop;

/**
 * The example server as bundles in Felix: its services, its HTTP endpoints, its errors, and the
 * deliberate bug the first hotfix fixes.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class ExampleIT extends HotfixTestSupport {

    private Http http;

    @Before
    public void serverAnswers() throws InterruptedException {
        awaitHttp(base().resolve("/now"), Duration.ofSeconds(20));
        http = new Http(base());
    }

    @Test
    public void everyBundleIsActive() {
        for (Bundle bundle : context.getBundles()) {
            // a fragment is never started: attached to its host, it stays RESOLVED
            boolean fragment = bundle.getHeaders("").get("Fragment-Host") != null;
            assertEquals(bundle.getSymbolicName() + " state", fragment ? Bundle.RESOLVED : Bundle.ACTIVE,
                    bundle.getState());
        }
    }

    @Test
    public void consumersHoldProxiesOfTheApplicationsServices() throws Exception {
        assertTrue(players.toString(), players.toString().startsWith("proxy["));
        assertTrue(context.getServiceReference(Shop.class).getProperty("hotfix.proxy.of") instanceof Long);
        assertEquals(1, context.getServiceReferences(Shop.class, null).size());
    }

    @Test
    public void servicesKeepWalletsAndSell() {
        players.join("svc", "Service Test");

        shop.buy("svc", "sword", 2);

        Player after = players.get("svc");
        assertEquals(700, after.gold());
        assertEquals(Map.of("sword", 2), after.items());
        assertTrue(leaderboard.top(100).stream().anyMatch(p -> p.id().equals("svc")));
    }

    @Test
    public void endpointsAnswerJson() {
        assertEquals(201, http.post("/players", "{\"id\":\"web\",\"name\":\"Web Test\"}").status());

        Http.Answer bought = http.buy("web", "potion", 4);
        assertEquals(200, bought.status());
        assertEquals(100, bought.object().get("cost").getAsLong());
        assertEquals(900, bought.object().getAsJsonObject("player").get("gold").getAsLong());

        Http.Answer player = http.get("/players/web");
        assertEquals(200, player.status());
        assertEquals(4, player.object().getAsJsonObject("items").get("potion").getAsInt());

        assertEquals(200, http.get("/players").status());
        assertEquals(4, http.get("/shop").body().getAsJsonArray().size());
        Http.Answer top = http.get("/leaderboard?limit=2");
        assertEquals(200, top.status());
        assertEquals(2, top.body().getAsJsonArray().size());

        Http.Answer now = http.get("/now");
        assertEquals(200, now.status());
        Instant.parse(now.object().get("now").getAsString());
    }

    @Test
    public void badRequestsGetClearJsonErrors() {
        assertError(404, "UNKNOWN_PLAYER", http.get("/players/nobody"));
        assertError(404, "UNKNOWN_PLAYER", http.buy("nobody", "sword", 1));
        assertError(404, "UNKNOWN_ITEM", http.buy("alice", "laser", 1));
        assertError(400, "INVALID_ARGUMENT", http.buy("alice", "sword", -1));
        assertError(400, "MALFORMED_JSON", http.buy("alice", "sword", 10_000_000_000L));
        assertError(400, "MALFORMED_JSON", http.post("/shop/buy", "{\"player\": \"alice\", "));
        assertError(400, "MISSING_FIELD", http.post("/shop/buy", "{\"player\": \"alice\"}"));
        assertError(400, "MISSING_BODY", http.post("/shop/buy", ""));
        assertError(415, "UNSUPPORTED_MEDIA_TYPE", http.post("/shop/buy", "text/plain", "buy a sword"));
        assertError(409, "INSUFFICIENT_GOLD", http.buy("bob", "dragon-egg", 1));
        assertError(409, "DUPLICATE_PLAYER", http.post("/players", "{\"id\":\"alice\",\"name\":\"Again\"}"));
        assertError(400, "INVALID_ARGUMENT", http.post("/players", "{\"id\":\"bad id!\",\"name\":\"X\"}"));
        assertError(400, "INVALID_ARGUMENT", http.get("/leaderboard?limit=many"));
        assertError(404, "NOT_FOUND", http.get("/shop/sell"));
        assertError(405, "METHOD_NOT_ALLOWED", http.get("/shop/buy"));
    }

    @Test
    public void theShippedBugCreditsGoldForAHugePurchase() {
        http.post("/players", "{\"id\":\"exploit\",\"name\":\"Exploit\"}");

        // 5000 * 500000 = 2.5e9 overflows an int to -1794967296, and the bulk "discount" keeps
        // 10% of that: the "cost" is a credit of 179496729.
        Http.Answer bought = http.buy("exploit", "dragon-egg", 500_000);

        assertEquals(200, bought.status());
        assertEquals(-179_496_729L, bought.object().get("cost").getAsLong());
        assertEquals(1000L + 179_496_729L, players.get("exploit").gold());
    }

    @Test
    public void theSecondShippedBugChargesTenPercentForABulkPurchase() {
        http.post("/players", "{\"id\":\"bulk\",\"name\":\"Bulk\"}");

        // ten potions at 25: 10% off would be 225; the bug charges 10%, 25
        assertEquals(25, http.buy("bulk", "potion", 10).object().get("cost").getAsLong());
        assertEquals(25, http.buy("bulk", "potion", 1).object().get("cost").getAsLong());
    }

    private static void assertError(int status, String code, Http.Answer answer) {
        assertEquals(answer.body().toString(), status, answer.status());
        assertEquals(answer.body().toString(), code, answer.error());
        assertTrue(answer.body().toString(), answer.object().get("message").getAsString().length() > 5);
    }
}
