package hotfix.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotEquals;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertTrue;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Hashtable;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.FutureTask;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import org.junit.After;
import org.junit.Before;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.ServiceRegistration;

import example.webapp.api.Players;
import hotfix.runtime.api.HotfixOptions;
import hotfix.runtime.api.HotfixReport;
import hotfix.runtime.api.Outcome;
import hotfix.runtime.api.Reason;
import jakarta.servlet.AsyncContext;
import jakarta.servlet.AsyncEvent;
import jakarta.servlet.AsyncListener;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.Servlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

/**
 * An HTTP request that starts asynchronous processing is one unit of work until its
 * AsyncContext completes, on whatever thread: a hotfix's drain waits for it, names it when it
 * gives up, and does not wait for it once it completed, timed out, or ended with a dispatch. The
 * requests go to a real asynchronous servlet on the HTTP Whiteboard, which hands each one's
 * AsyncContext to the test.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class AsyncRequestIT extends HotfixTestSupport {

    static final String ECONOMY = "example.webapp.economy";
    static final String SHIPPED = "1.0.0.SNAPSHOT";
    /** A fix whose ledger copies its state: it holds new calls into the economy while requests pinned to it finish. */
    static final String FIX = "fixture.economy-copied";
    static final long WAIT_SECONDS = 30;
    static final HotfixOptions SHORT_DRAIN = new HotfixOptions(false, Duration.ofMillis(500));
    static final HotfixOptions LONG_DRAIN = new HotfixOptions(false, Duration.ofSeconds(WAIT_SECONDS));

    private Held servlet;
    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private ServiceRegistration<Servlet> registration;

    @Before
    public void registerTheServlet() throws Exception {
        servlet = new Held(players);
        Hashtable<String, Object> properties = new Hashtable<>();
        properties.put("osgi.http.whiteboard.servlet.pattern", "/async-it/*");
        properties.put("osgi.http.whiteboard.servlet.asyncSupported", true);
        registration = context.registerService(Servlet.class, servlet, properties);
        awaitHttp(base().resolve("/async-it/ready"), Duration.ofSeconds(WAIT_SECONDS));
    }

    /** Completes what a test left running, and rolls back what it applied. */
    @After
    public void cleanUp() {
        try {
            for (AsyncContext context : servlet.all) {
                try {
                    context.complete();
                } catch (IllegalStateException e) {
                    // completed already, or timed out
                }
            }
            registration.unregister();
        } finally {
            List<HotfixReport> applied = new ArrayList<>(manager.list());
            Collections.reverse(applied);
            for (HotfixReport hotfix : applied) {
                HotfixReport rollback = manager.rollback(hotfix.id(), HotfixOptions.defaults());
                assertNotEquals(rollback.message(), Outcome.REFUSED, rollback.outcome());
            }
        }
    }

    @Test
    public void aHotfixWaitsForAnAsyncRequestInFlightAndNotOnceItCompleted() throws Exception {
        CompletableFuture<HttpResponse<String>> response = get("/async-it/held");
        AsyncContext held = servlet.next();

        HotfixReport refused = manager.install(jar(FIX).toURI(), SHORT_DRAIN);

        assertEquals(refused.message(), Reason.DRAIN_TIMEOUT, refused.reason());
        assertTrue(refused.message(), refused.message().matches(
                "(?s).*still in it: asynchronous request GET /async-it/held, begun on '[^']+' \\d+ ms ago.*"));
        assertEquals(SHIPPED, installed(ECONOMY).getVersion().toString());

        completeOnAnotherThread(held, "completed");
        assertEquals("completed", response.get(WAIT_SECONDS, TimeUnit.SECONDS).body());
        awaitTrue(() -> gate.inFlight() == 0, "the request leaves the gate");
        HotfixReport applied = manager.install(jar(FIX).toURI(), SHORT_DRAIN);
        assertEquals(applied.message(), Outcome.APPLIED, applied.outcome());
    }

    @Test
    public void eachRequestCompletedOnAnotherThreadLeavesOnceAndOnlyItself() throws Exception {
        CompletableFuture<HttpResponse<String>> first = get("/async-it/first");
        AsyncContext firstHeld = servlet.next();
        CompletableFuture<HttpResponse<String>> second = get("/async-it/second");
        AsyncContext secondHeld = servlet.next();
        awaitTrue(() -> gate.inFlight() == 2, "both requests are inside");

        completeOnAnotherThread(firstHeld, "first");
        assertEquals("first", first.get(WAIT_SECONDS, TimeUnit.SECONDS).body());
        awaitTrue(() -> gate.inFlight() == 1, "the first request leaves");

        HotfixReport refused = manager.install(jar(FIX).toURI(), SHORT_DRAIN);
        assertEquals(refused.message(), Reason.DRAIN_TIMEOUT, refused.reason());
        assertTrue(refused.message(), refused.message().contains("asynchronous request GET /async-it/second"));
        assertFalse(refused.message(), refused.message().contains("/async-it/first"));

        completeOnAnotherThread(secondHeld, "second");
        assertEquals("second", second.get(WAIT_SECONDS, TimeUnit.SECONDS).body());
        awaitTrue(() -> gate.inFlight() == 0, "the second request leaves");
    }

    @Test
    public void anAsyncRequestThatTimesOutLeavesAndTheDrainWaitedForIt() throws Exception {
        CompletableFuture<HttpResponse<String>> response = get("/async-it/slow?timeout=2000");
        servlet.next();

        HotfixReport applied = manager.install(jar(FIX).toURI(), LONG_DRAIN);

        assertEquals(applied.message(), Outcome.APPLIED, applied.outcome());
        assertEquals("the hotfix did not wait for the request in flight", 0, servlet.timedOut.getCount());
        // no listener of the application completed it: the container answered with an error
        assertEquals(500, response.get(WAIT_SECONDS, TimeUnit.SECONDS).statusCode());
        awaitTrue(() -> gate.inFlight() == 0, "the request leaves the gate");
    }

    /**
     * The dispatch that ends a request the drain waits for is a part of that request: held at
     * the closed gate, it would stall the drain until held calls are let through.
     */
    @Test
    public void aDispatchOfARequestTheDrainWaitsForIsNotHeld() throws Exception {
        CompletableFuture<HttpResponse<String>> response = get("/async-it/dispatched");
        AsyncContext held = servlet.next();
        FutureTask<HotfixReport> install = new FutureTask<>(() -> manager.install(jar(FIX).toURI(), LONG_DRAIN));
        Thread controller = new Thread(install, "hotfix-controller");
        controller.start();
        awaitTrue(gate::isClosed, "the drain closes the gate");
        assertEquals("the request is inside, and the drain waits for it", 1, gate.inFlight());

        held.dispatch();

        assertEquals("dispatched", response.get(WAIT_SECONDS, TimeUnit.SECONDS).body());
        HotfixReport applied = install.get(WAIT_SECONDS, TimeUnit.SECONDS);
        assertEquals(applied.message(), Outcome.APPLIED, applied.outcome());
        assertTrue(applied.notes().toString(), applied.notes().stream().noneMatch(note -> note.contains("stalled")));
    }

    private CompletableFuture<HttpResponse<String>> get(String path) {
        URI uri = base().resolve(path);
        return client.sendAsync(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(WAIT_SECONDS)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** Answers and completes a request on a thread of its own, as an application's worker would. */
    private static void completeOnAnotherThread(AsyncContext held, String answer) throws InterruptedException {
        Thread worker = new Thread(() -> {
            try {
                held.getResponse().getWriter().write(answer);
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
            held.complete();
        }, "worker-" + answer);
        worker.start();
        worker.join(TimeUnit.SECONDS.toMillis(WAIT_SECONDS));
        assertFalse(worker.isAlive());
    }

    private static void awaitTrue(BooleanSupplier condition, String what) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_SECONDS);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - end >= 0) {
                throw new AssertionError("not within " + WAIT_SECONDS + " s: " + what);
            }
            Thread.sleep(5);
        }
    }

    /**
     * Starts each request asynchronously, once it called into the economy (so that it is pinned
     * to it), and hands its AsyncContext to the test, which completes it, dispatches it (the
     * dispatch calls into the economy again and answers "dispatched") or lets it time out.
     */
    static final class Held extends HttpServlet {

        private static final long serialVersionUID = 1L;

        private final transient Players players;

        final BlockingQueue<AsyncContext> started = new LinkedBlockingQueue<>();
        final List<AsyncContext> all = new CopyOnWriteArrayList<>();
        final CountDownLatch timedOut = new CountDownLatch(1);

        Held(Players players) {
            this.players = players;
        }

        @Override
        protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
            if ("/ready".equals(request.getPathInfo())) {
                response.getWriter().write("ready");
            } else if (request.getDispatcherType() == DispatcherType.ASYNC) {
                players.get("alice");
                response.getWriter().write("dispatched");
            } else {
                players.get("alice");
                AsyncContext async = request.startAsync();
                String timeout = request.getParameter("timeout");
                async.setTimeout(timeout == null ? 0 : Long.parseLong(timeout));
                async.addListener(new AsyncListener() {
                    @Override
                    public void onTimeout(AsyncEvent event) {
                        timedOut.countDown();
                    }

                    @Override
                    public void onStartAsync(AsyncEvent event) {
                    }

                    @Override
                    public void onError(AsyncEvent event) {
                    }

                    @Override
                    public void onComplete(AsyncEvent event) {
                    }
                });
                all.add(async);
                started.add(async);
            }
        }

        /** @return the AsyncContext of the next request the servlet started, within a bound */
        AsyncContext next() throws InterruptedException {
            AsyncContext async = started.poll(WAIT_SECONDS, TimeUnit.SECONDS);
            assertNotNull("no request reached the servlet", async);
            return async;
        }
    }
}
