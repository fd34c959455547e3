package hotfix.runtime.internal.http;

import java.io.IOException;

import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.servlet.whiteboard.Preprocessor;

import hotfix.runtime.api.QuiesceGate;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;

/**
 * Makes each HTTP request one unit of work: it enters the gate before any servlet or filter
 * runs and leaves when the response is done, so a request never runs half on the old code and
 * half on the new, and requests that arrive during a hotfix wait for the pause instead of
 * failing. Applications change nothing.
 */
public final class GateFilter implements Preprocessor {

    private final QuiesceGate gate;

    private GateFilter(QuiesceGate gate) {
        this.gate = gate;
    }

    /** Registers the filter with the HTTP Whiteboard, whichever implementation is running. */
    public static ServiceRegistration<Preprocessor> register(BundleContext context, QuiesceGate gate) {
        return context.registerService(Preprocessor.class, new GateFilter(gate), null);
    }

    @Override
    public void doFilter(ServletRequest request, ServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        gate.enter();
        try {
            chain.doFilter(request, response);
        } finally {
            gate.leave();
        }
    }
}
