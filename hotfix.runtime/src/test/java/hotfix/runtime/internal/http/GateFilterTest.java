package hotfix.runtime.internal.http;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;

import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;

import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.Timeout;

import hotfix.runtime.internal.TestThreads;
import hotfix.runtime.internal.gate.Gate;
import hotfix.runtime.internal.gate.Gate.Drain;
import hotfix.runtime.internal.gate.Lineage;
import jakarta.servlet.AsyncContext;
import jakarta.servlet.AsyncEvent;
import jakarta.servlet.AsyncListener;
import jakarta.servlet.http.HttpServletRequest;

/**
 * The filter over requests that a test plays the container for: it starts them asynchronously,
 * dispatches them again and completes them, on threads of its choosing.
 */
public class GateFilterTest {

    private static final Duration LONG = Duration.ofSeconds(TestThreads.WAIT_SECONDS);

    @Rule
    public final Timeout timeout = Timeout.seconds(60);

    private final Gate gate = new Gate();
    private final GateFilter filter = new GateFilter(gate);
    private final Exchange exchange = new Exchange();

    @Rule
    public final TestThreads threads = new TestThreads(() -> gate.release(gate.lineage("target")));

    @Test
    public void aRequestLeavesWhenItsDispatchReturns() throws Exception {
        filter.doFilter(exchange.request(), null, (request, response) -> assertEquals(1, gate.inFlight()));

        assertEquals(0, gate.inFlight());
        assertEquals(List.of(), exchange.listeners);
    }

    @Test
    public void anAsyncRequestStaysOneUnitUntilItsContextCompletesOnAnotherThread() throws Exception {
        filter.doFilter(exchange.request(), null, (request, response) -> exchange.startAsync());
        assertEquals("the dispatch returned; the request goes on", 1, gate.inFlight());
        assertEquals(1, exchange.listeners.size());

        threads.start("completion", () -> exchange.complete()).join(TimeUnit.SECONDS.toMillis(TestThreads.WAIT_SECONDS));

        assertEquals(0, gate.inFlight());
        exchange.complete();
        assertEquals("a second completion leaves nothing more", 0, gate.inFlight());
    }

    @Test
    public void aTimeoutOrAnErrorKeepsItUntilTheCompletionThatFollows() throws Exception {
        filter.doFilter(exchange.request(), null, (request, response) -> exchange.startAsync());
        AsyncEvent event = new AsyncEvent(exchange.context());

        for (AsyncListener listener : List.copyOf(exchange.listeners)) {
            listener.onTimeout(event);
            listener.onError(event);
        }
        assertEquals(1, gate.inFlight());
        exchange.complete();
        assertEquals(0, gate.inFlight());
    }

    /**
     * An asynchronous request pinned to a bundle is what a quiesce of that bundle waits for: a
     * later dispatch of it calls into the bundle unheld, as holding it would hold the quiesce.
     */
    @Test
    public void aLaterDispatchOfARequestPinnedToAHeldBundleGoesThroughAndTheQuiesceWaitsForItsEnd() throws Exception {
        Lineage target = gate.lineage("target");
        filter.doFilter(exchange.request(), null, (request, response) -> {
            call(target);
            exchange.startAsync();
        });
        FutureTask<Drain> quiesce = new FutureTask<>(() -> gate.quiesce(target, LONG, LONG));
        threads.start("controller", quiesce::run);
        TestThreads.awaitTrue(gate::isClosed, "the bundle is held");

        filter.doFilter(exchange.request(), null, (request, response) -> call(target));

        assertEquals(1, gate.inFlight());
        assertEquals(1, exchange.listeners.size());
        exchange.complete();
        Drain drained = quiesce.get(TestThreads.WAIT_SECONDS, TimeUnit.SECONDS);
        assertTrue(drained.drained());
        assertEquals(0, drained.releases());
        gate.release(target);
    }

    @Test
    public void aRequestThatNeverCallsIntoABundleIsNotWaitedFor() throws Exception {
        Lineage target = gate.lineage("target");
        filter.doFilter(exchange.request(), null, (request, response) -> exchange.startAsync());
        assertEquals(1, gate.inFlight());
        assertTrue(gate.quiesce(target, Duration.ZERO, LONG).drained());
        gate.release(target);
        exchange.complete();
    }

    private void call(Lineage lineage) {
        gate.enter(lineage);
        gate.leave();
    }

    @Test
    public void aNewAsyncCycleKeepsTheUnitAndItsListener() throws Exception {
        filter.doFilter(exchange.request(), null, (request, response) -> exchange.startAsync());
        AsyncListener listener = exchange.listeners.get(0);

        // a dispatch started it again: the container forgets the listeners of the last cycle
        exchange.listeners.clear();
        listener.onStartAsync(new AsyncEvent(exchange.context()));

        assertEquals(List.of(listener), exchange.listeners);
        assertEquals(1, gate.inFlight());
        exchange.complete();
        assertEquals(0, gate.inFlight());
    }

    @Test
    public void aUnitWhoseListenerTheContainerRefusesIsClosedAtOnce() {
        exchange.refuseListeners = true;

        assertThrows(IllegalStateException.class,
                () -> filter.doFilter(exchange.request(), null, (request, response) -> exchange.startAsync()));

        assertEquals(0, gate.inFlight());
    }

    /** One request and its AsyncContext, as a container keeps them. */
    private static final class Exchange {
        final Map<String, Object> attributes = new HashMap<>();
        final List<AsyncListener> listeners = new ArrayList<>();
        boolean async;
        boolean refuseListeners;

        void startAsync() {
            async = true;
        }

        /** Completes the request as the container does, once the dispatches are over. */
        void complete() throws Exception {
            for (AsyncListener listener : List.copyOf(listeners)) {
                listener.onComplete(new AsyncEvent(context()));
            }
        }

        HttpServletRequest request() {
            return (HttpServletRequest) Proxy.newProxyInstance(getClass().getClassLoader(),
                    new Class<?>[] {HttpServletRequest.class}, (proxy, method, args) -> switch (method.getName()) {
                        case "getAttribute" -> attributes.get((String) args[0]);
                        case "setAttribute" -> attributes.put((String) args[0], args[1]);
                        case "isAsyncStarted" -> async;
                        case "getAsyncContext" -> context();
                        case "getMethod" -> "GET";
                        case "getRequestURI" -> "/slow";
                        default -> throw new UnsupportedOperationException(method.getName());
                    });
        }

        AsyncContext context() {
            return (AsyncContext) Proxy.newProxyInstance(getClass().getClassLoader(),
                    new Class<?>[] {AsyncContext.class}, (proxy, method, args) -> switch (method.getName()) {
                        case "addListener" -> {
                            if (refuseListeners) {
                                throw new IllegalStateException("the dispatch has returned");
                            }
                            listeners.add((AsyncListener) args[0]);
                            yield null;
                        }
                        // what an AsyncEvent asks of its context
                        case "getRequest", "getResponse" -> null;
                        default -> throw new UnsupportedOperationException(method.getName());
                    });
        }
    }
}
