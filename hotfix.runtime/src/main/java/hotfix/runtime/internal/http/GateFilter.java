package hotfix.runtime.internal.http;

import java.io.IOException;

import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.servlet.whiteboard.Preprocessor;

import hotfix.runtime.internal.gate.Gate;
import hotfix.runtime.internal.gate.Unit;
import jakarta.servlet.AsyncEvent;
import jakarta.servlet.AsyncListener;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;

/**
 * Makes each HTTP request one unit of work: it enters the gate before any servlet or filter
 * runs and leaves when the response is done, so a request never runs half on the old code and
 * half on the new, and requests that arrive during a hotfix wait for the pause instead of
 * failing. Applications change nothing.
 * <p>
 * A request that starts asynchronous processing ({@code startAsync}) goes on after its first
 * dispatch returns, on other threads: it stays one unit of work, a {@link Unit} of the gate,
 * until its {@code AsyncContext} completes (by {@code complete()}, or by the container after a
 * dispatch ends, an error or a timeout), on whatever thread that happens. Its later dispatches
 * come through here again and enter as parts of that unit, which pass a gate the unit holds open.
 */
public final class GateFilter implements Preprocessor {

    /** The request attribute that holds an asynchronous request's unit between its dispatches. */
    static final String UNIT = Unit.class.getName();

    private final Gate gate;

    GateFilter(Gate gate) {
        this.gate = gate;
    }

    /** Registers the filter with the HTTP Whiteboard, whichever implementation is running. */
    public static ServiceRegistration<Preprocessor> register(BundleContext context, Gate gate) {
        return context.registerService(Preprocessor.class, new GateFilter(gate), null);
    }

    @Override
    public void doFilter(ServletRequest request, ServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        Unit unit = request.getAttribute(UNIT) instanceof Unit open && open.isOpen() ? open : null;
        if (unit != null) {
            gate.enter(unit);
        } else {
            gate.enter();
        }
        try {
            chain.doFilter(request, response);
            if (unit == null && request.isAsyncStarted()) {
                begin(request);
            }
        } finally {
            gate.leave();
        }
    }

    /**
     * Begins the unit of an asynchronous request, while its thread is still inside: the servlet
     * specification holds back the completion (and so {@code onComplete}) until this dispatch has
     * returned to the container, so the listener cannot miss it.
     */
    private void begin(ServletRequest request) {
        Unit unit = gate.begin(describe(request));
        try {
            request.setAttribute(UNIT, unit);
            request.getAsyncContext().addListener(new Completion(unit));
        } catch (RuntimeException e) {
            // without a listener nothing would ever close it, and every later hotfix would wait for it
            unit.close();
            throw e;
        }
    }

    private static String describe(ServletRequest request) {
        return request instanceof HttpServletRequest http
                ? "asynchronous request " + http.getMethod() + " " + http.getRequestURI()
                : "asynchronous request " + request.getProtocol();
    }

    /** Ends an asynchronous request's unit of work when its AsyncContext completes. */
    private static final class Completion implements AsyncListener {

        private final Unit unit;

        Completion(Unit unit) {
            this.unit = unit;
        }

        @Override
        public void onComplete(AsyncEvent event) {
            unit.close();
        }

        // After a timeout or an error, the request goes on: a listener may complete or dispatch
        // it, or else the container answers with an error and completes it; onComplete follows.
        @Override
        public void onTimeout(AsyncEvent event) {
        }

        @Override
        public void onError(AsyncEvent event) {
        }

        // A dispatch started the request asynchronously again: the listeners of the last cycle
        // are not carried over to the new one, so this one registers itself there.
        @Override
        public void onStartAsync(AsyncEvent event) {
            event.getAsyncContext().addListener(this);
        }
    }
}
