package hotfix.benchmarks;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.Proxy;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import hotfix.runtime.internal.gate.Gate;
import hotfix.runtime.internal.mediation.ProxyException;
import hotfix.runtime.internal.mediation.ProxyFactory;
import hotfix.runtime.internal.mediation.ProxySlot;

/**
 * What one call costs through each way a consumer can hold a service: the service itself, a
 * generated proxy called outside any unit of work (each call is a unit of its own, pinned to the
 * bundle's version as it enters), the same proxy called from inside a unit of work already pinned
 * to it (an HTTP request's second call, say), the same while a hotfix keeps two versions live and
 * the unit is pinned to the old one, and a {@link Proxy} that calls {@code Method.invoke}. The
 * target adds two fields and the result goes to JMH, so the call cannot be eliminated.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
@State(Scope.Thread)
public class ProxyCallBenchmark {

    /** The service interface. */
    public interface Calculator {
        int add(int a, int b);
    }

    /** The service: trivial work, but its result is used. */
    public static final class Adder implements Calculator {
        @Override
        public int add(int a, int b) {
            return a + b;
        }
    }

    // Not final and not constant, so that the JIT cannot fold the sum.
    int a = 17;
    int b = 25;

    Gate gate;
    Calculator direct;
    Calculator proxy;
    Calculator reflective;

    @Setup(Level.Trial)
    public void setUp() throws ProxyException {
        gate = new Gate();
        Calculator target = new Adder();
        direct = target;
        proxy = (Calculator) new ProxyFactory().create(List.of(Calculator.class),
                new ProxySlot(gate, gate.lineage("bench"), target));
        InvocationHandler invoke = (proxy, method, args) -> method.invoke(target, args);
        reflective = (Calculator) Proxy.newProxyInstance(Calculator.class.getClassLoader(), new Class<?>[] {Calculator.class}, invoke);
    }

    /**
     * A proxy called by a thread inside a unit of work, pinned to the bundle by its first call. A
     * state of its own, with its own gate: JMH gives each helper that takes another state as a
     * parameter an instance of its own, so an enter() there and a leave() here would meet two
     * different gates. Thread-scoped, so the iteration helpers run on the benchmark thread; a
     * leave() on any other thread would throw.
     */
    @State(Scope.Thread)
    public static class InUnit {
        int a = 17;
        int b = 25;
        Gate gate;
        ProxySlot slot;
        Calculator proxy;

        @Setup(Level.Trial)
        public void setUp() throws ProxyException {
            gate = new Gate();
            slot = new ProxySlot(gate, gate.lineage("bench"), new Adder());
            proxy = (Calculator) new ProxyFactory().create(List.of(Calculator.class), slot);
        }

        @Setup(Level.Iteration)
        public void enter() {
            gate.enter();
            proxy.add(a, b); // pins the unit
        }

        @TearDown(Level.Iteration)
        public void leave() {
            gate.leave();
        }
    }

    /**
     * A unit pinned to the old version while a hotfix keeps two live: its calls find the old
     * target one step down the slot's list.
     */
    @State(Scope.Thread)
    public static class PinnedToOld {
        int a = 17;
        int b = 25;
        Gate gate;
        Calculator proxy;

        @Setup(Level.Trial)
        public void setUp() throws ProxyException {
            gate = new Gate();
            ProxySlot slot = new ProxySlot(gate, gate.lineage("bench"), new Adder());
            proxy = (Calculator) new ProxyFactory().create(List.of(Calculator.class), slot);
            gate.enter();
            proxy.add(a, b);
            slot.publish(new Adder(), 1);
            gate.advance(gate.lineage("bench"), 1);
        }
    }

    @Benchmark
    public int direct() {
        return direct.add(a, b);
    }

    @Benchmark
    public int proxyOutermost() {
        return proxy.add(a, b);
    }

    @Benchmark
    public int proxyInUnit(InUnit unit) {
        return unit.proxy.add(unit.a, unit.b);
    }

    @Benchmark
    public int proxyPinnedToOld(PinnedToOld unit) {
        return unit.proxy.add(unit.a, unit.b);
    }

    @Benchmark
    public int reflectProxy() {
        return reflective.add(a, b);
    }
}
