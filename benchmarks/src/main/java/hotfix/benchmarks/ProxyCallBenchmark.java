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
 * generated proxy whose slot is not held (counted, never waits), a generated proxy whose slot is
 * held (the outermost call checks the gate), the same proxy called by a thread already inside
 * the gate, and a {@link Proxy} that calls {@code Method.invoke}. The gate is open throughout;
 * the target adds two fields and the result goes to JMH, so the call cannot be eliminated.
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
    Calculator passing;
    Calculator held;
    Calculator reflective;

    @Setup(Level.Trial)
    public void setUp() throws ProxyException {
        gate = new Gate();
        Calculator target = new Adder();
        ProxyFactory factory = new ProxyFactory();
        direct = target;
        passing = (Calculator) factory.create(List.of(Calculator.class), new ProxySlot(gate, target));
        ProxySlot heldSlot = new ProxySlot(gate, target);
        heldSlot.hold(true);
        held = (Calculator) factory.create(List.of(Calculator.class), heldSlot);
        InvocationHandler invoke = (proxy, method, args) -> method.invoke(target, args);
        reflective = (Calculator) Proxy.newProxyInstance(Calculator.class.getClassLoader(), new Class<?>[] {Calculator.class}, invoke);
    }

    /**
     * A held proxy called by a thread that is already inside the gate, as a service call made
     * from within another mediated call or an HTTP request is. A state of its own, with its own
     * gate: JMH gives each helper that takes another state as a parameter an instance of its
     * own, so an enter() there and a leave() here would meet two different gates.
     * Thread-scoped, so the iteration helpers run on the benchmark thread; a leave() on any
     * other thread would throw.
     */
    @State(Scope.Thread)
    public static class Nested {
        int a = 17;
        int b = 25;
        Gate gate;
        Calculator held;

        @Setup(Level.Trial)
        public void setUp() throws ProxyException {
            gate = new Gate();
            ProxySlot slot = new ProxySlot(gate, new Adder());
            slot.hold(true);
            held = (Calculator) new ProxyFactory().create(List.of(Calculator.class), slot);
        }

        @Setup(Level.Iteration)
        public void enter() {
            gate.enter();
        }

        @TearDown(Level.Iteration)
        public void leave() {
            gate.leave();
        }
    }

    @Benchmark
    public int direct() {
        return direct.add(a, b);
    }

    @Benchmark
    public int proxyNotHeld() {
        return passing.add(a, b);
    }

    @Benchmark
    public int proxyHeldOutermost() {
        return held.add(a, b);
    }

    @Benchmark
    public int proxyHeldNested(Nested nested) {
        return nested.held.add(nested.a, nested.b);
    }

    @Benchmark
    public int reflectProxy() {
        return reflective.add(a, b);
    }
}
