package hotfix.runtime.internal.mediation;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotSame;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertSame;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.lang.ref.ReferenceQueue;
import java.lang.ref.WeakReference;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.FutureTask;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.IntBinaryOperator;

import org.junit.Rule;
import org.junit.Test;
import org.osgi.framework.Bundle;
import org.osgi.framework.ServiceFactory;
import org.osgi.framework.ServiceRegistration;

import hotfix.runtime.internal.TestThreads;
import hotfix.runtime.internal.gate.Gate;
import hotfix.runtime.internal.gate.Lineage;

public class ProxyFactoryTest {

    private static final long WAIT_SECONDS = TestThreads.WAIT_SECONDS;

    private final ProxyFactory factory = new ProxyFactory();
    private final Gate gate = new Gate();
    private final Lineage lineage = gate.lineage("target");

    @Rule
    public final TestThreads threads = new TestThreads(() -> gate.release(lineage));

    // ---- fixtures: interfaces a proxy implements, and their targets

    public interface Kinds {
        boolean flip(boolean value);

        byte inc(byte value);

        char next(char value);

        short negate(short value);

        int add(int a, int b);

        long addLong(long a, long b);

        float half(float value);

        double twice(double value);

        /** Wide and narrow arguments mixed, so that every local index after a long or double moves by two. */
        double mixed(int a, long b, double c, float d, char e, long f);

        void record(long a, double b, Object c);

        int[] reverse(int[] values);

        String[][] grid(int rows, String cell);

        Object echo(Object value);
    }

    public static final class KindsTarget implements Kinds {
        final AtomicReference<String> recorded = new AtomicReference<>();

        @Override public boolean flip(boolean value) { return !value; }
        @Override public byte inc(byte value) { return (byte) (value + 1); }
        @Override public char next(char value) { return (char) (value + 1); }
        @Override public short negate(short value) { return (short) -value; }
        @Override public int add(int a, int b) { return a + b; }
        @Override public long addLong(long a, long b) { return a + b; }
        @Override public float half(float value) { return value / 2; }
        @Override public double twice(double value) { return value * 2; }

        @Override
        public double mixed(int a, long b, double c, float d, char e, long f) {
            return a * 1e0 + b * 1e1 + c * 1e2 + d * 1e3 + (e - 'a') * 1e4 + f * 1e5;
        }

        @Override
        public void record(long a, double b, Object c) {
            recorded.set(a + "/" + b + "/" + c);
        }

        @Override
        public int[] reverse(int[] values) {
            int[] reversed = new int[values.length];
            for (int i = 0; i < values.length; i++) {
                reversed[values.length - 1 - i] = values[i];
            }
            return reversed;
        }

        @Override
        public String[][] grid(int rows, String cell) {
            String[][] grid = new String[rows][];
            for (int i = 0; i < rows; i++) {
                grid[i] = new String[] {cell + i};
            }
            return grid;
        }

        @Override public Object echo(Object value) { return value; }
    }

    public interface Calculator {
        int add(int a, int b);
    }

    public interface Greeter {
        String name();

        default String greet() {
            return "hello " + name();
        }
    }

    public interface Named {
        String name();

        /** Redeclared from Object: stays the proxy's own. */
        @Override
        String toString();

        @Override
        boolean equals(Object other);

        @Override
        int hashCode();
    }

    public interface Base {
        int base();
    }

    public interface Derived extends Base {
        int derived();
    }

    public interface Source<T> {
        T get();

        void put(T value);
    }

    /** javac gives this interface default bridges {@code get()Object} and {@code put(Object)}. */
    public interface TextSource extends Source<String> {
        @Override
        String get();

        @Override
        void put(String value);
    }

    public interface WithHelpers {
        int value();

        static int twice(int x) {
            return 2 * x;
        }

        private int secret() {
            return 1000;
        }

        default int withSecret() {
            return secret() + value();
        }
    }

    public static final class Failure extends Exception {
        private static final long serialVersionUID = 1L;

        public Failure(String message) {
            super(message);
        }
    }

    public interface Failing {
        void checked() throws IOException, Failure;

        int unchecked(long a, double b);

        void error();
    }

    interface Hidden {
        void run();
    }

    public sealed interface Closed permits ClosedImpl {
        void run();
    }

    public static final class ClosedImpl implements Closed {
        @Override public void run() { }
    }

    /** Defined again, from the same class files, by an {@link IsolatingLoader} in some tests. */
    public interface Isolated {
        String where();

        int add(int a, int b);
    }

    public static final class IsolatedTarget implements Isolated, Calculator, Runnable {
        final AtomicInteger runs = new AtomicInteger();

        @Override public String where() { return getClass().getClassLoader().getName(); }
        @Override public int add(int a, int b) { return a + b; }
        @Override public void run() { runs.incrementAndGet(); }
    }

    /** Defines the named classes itself from the test's class files; the rest comes from the test's loader. */
    static final class IsolatingLoader extends ClassLoader {
        private final Set<String> own;

        IsolatingLoader(Class<?>... own) {
            super("isolated", ProxyFactoryTest.class.getClassLoader());
            this.own = Set.of(Arrays.stream(own).map(Class::getName).toArray(String[]::new));
        }

        @Override
        protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
            if (!own.contains(name)) {
                return super.loadClass(name, resolve);
            }
            synchronized (getClassLoadingLock(name)) {
                Class<?> type = findLoadedClass(name);
                if (type == null) {
                    try (InputStream in = getParent().getResourceAsStream(name.replace('.', '/') + ".class")) {
                        byte[] bytes = in.readAllBytes();
                        type = defineClass(name, bytes, 0, bytes.length);
                    } catch (IOException e) {
                        throw new ClassNotFoundException(name, e);
                    }
                }
                return type;
            }
        }
    }

    private <T> T proxy(Class<T> type, Object target) throws ProxyException {
        return type.cast(factory.create(List.of(type), new ProxySlot(gate, lineage, target)));
    }

    // ---- calls

    @Test
    public void passesEveryKindOfArgumentAndResult() throws Exception {
        KindsTarget target = new KindsTarget();
        Kinds proxy = proxy(Kinds.class, target);

        assertFalse(proxy.flip(true));
        assertTrue(proxy.flip(false));
        assertEquals((byte) -128, proxy.inc((byte) 127));
        assertEquals('b', proxy.next('a'));
        assertEquals((short) -32767, proxy.negate((short) 32767));
        assertEquals(Integer.MIN_VALUE, proxy.add(Integer.MAX_VALUE, 1));
        assertEquals(Long.MAX_VALUE, proxy.addLong(Long.MAX_VALUE - 5, 5));
        assertEquals(1.25f, proxy.half(2.5f), 0f);
        assertEquals(Double.MAX_VALUE, proxy.twice(Double.MAX_VALUE / 2), 0d);
        assertEquals(654321d, proxy.mixed(1, 2L, 3d, 4f, 'f', 6L), 0d);
        proxy.record(Long.MIN_VALUE, -0.5d, "c");
        assertEquals(Long.MIN_VALUE + "/-0.5/c", target.recorded.get());
        assertArrayEquals(new int[] {3, 2, 1}, proxy.reverse(new int[] {1, 2, 3}));
        assertArrayEquals(new String[][] {{"x0"}, {"x1"}}, proxy.grid(2, "x"));
        Object value = new Object();
        assertSame(value, proxy.echo(value));
        assertNull(proxy.echo(null));
        assertEquals(0, gate.inFlight());
    }

    @Test
    public void propagatesExceptionsUnchangedAndLeavesTheGate() throws Exception {
        IOException io = new IOException("disk");
        IllegalStateException state = new IllegalStateException("state");
        AssertionError error = new AssertionError("error");
        AtomicReference<Exception> checked = new AtomicReference<>(io);
        Failing proxy = proxy(Failing.class, new Failing() {
            @Override
            public void checked() throws IOException, Failure {
                Exception e = checked.get();
                if (e instanceof IOException io) {
                    throw io;
                }
                throw (Failure) e;
            }

            @Override
            public int unchecked(long a, double b) {
                throw state;
            }

            @Override
            public void error() {
                throw error;
            }
        });

        assertSame(io, assertThrows(IOException.class, proxy::checked));
        assertEquals(0, gate.inFlight());
        Failure failure = new Failure("mine");
        checked.set(failure);
        assertSame(failure, assertThrows(Failure.class, proxy::checked));
        assertEquals(0, gate.inFlight());
        assertSame(state, assertThrows(IllegalStateException.class, () -> proxy.unchecked(1L, 2d)));
        assertEquals(0, gate.inFlight());
        assertSame(error, assertThrows(AssertionError.class, proxy::error));
        assertEquals(0, gate.inFlight());
        // The gate is balanced: one more leave() than enter() would throw.
        assertThrows(IllegalStateException.class, gate::leave);
    }

    @Test
    public void leavesTheGateWhenTheTargetIsOfTheWrongType() throws Exception {
        ProxySlot slot = new ProxySlot(gate, lineage, new KindsTarget());
        Calculator proxy = (Calculator) factory.create(List.of(Calculator.class), slot);
        slot.retarget("not a calculator");
        assertThrows(ClassCastException.class, () -> proxy.add(1, 2));
        assertEquals(0, gate.inFlight());
    }

    @Test
    public void copiesDeclaredExceptions() throws Exception {
        Object proxy = factory.create(List.of(Failing.class), new ProxySlot(gate, lineage, new Object()));
        Method checked = proxy.getClass().getMethod("checked");
        assertEquals(Set.of(IOException.class, Failure.class), Set.of(checked.getExceptionTypes()));
        assertEquals(0, proxy.getClass().getMethod("error").getExceptionTypes().length);
    }

    @Test
    public void delegatesDefaultMethodsToTheTarget() throws Exception {
        Greeter overriding = proxy(Greeter.class, new Greeter() {
            @Override public String name() { return "ann"; }
            @Override public String greet() { return "hi " + name(); }
        });
        assertEquals("hi ann", overriding.greet());
        Greeter inheriting = proxy(Greeter.class, (Greeter) () -> "bob");
        assertEquals("hello bob", inheriting.greet());
        assertEquals(0, gate.inFlight());
    }

    @Test
    public void implementsSeveralInterfaces() throws Exception {
        final class Both implements Calculator, Greeter, Named {
            @Override public int add(int a, int b) { return a + b; }
            @Override public String name() { return "both"; }
        }
        Object proxy = factory.create(List.of(Calculator.class, Greeter.class, Named.class), new ProxySlot(gate, lineage, new Both()));
        assertEquals(5, ((Calculator) proxy).add(2, 3));
        assertEquals("hello both", ((Greeter) proxy).greet());
        // name() is declared by two interfaces, and implemented once.
        assertEquals("both", ((Named) proxy).name());
        assertEquals(1, Arrays.stream(proxy.getClass().getDeclaredMethods()).filter(m -> m.getName().equals("name")).count());
    }

    @Test
    public void implementsInheritedMethods() throws Exception {
        Derived proxy = proxy(Derived.class, new Derived() {
            @Override public int base() { return 1; }
            @Override public int derived() { return 2; }
        });
        assertEquals(1, proxy.base());
        assertEquals(2, proxy.derived());
        assertTrue(proxy instanceof Base);
    }

    @Test
    @SuppressWarnings({"unchecked", "rawtypes"})
    public void implementsGenericBridges() throws Exception {
        AtomicReference<String> put = new AtomicReference<>();
        TextSource proxy = proxy(TextSource.class, new TextSource() {
            @Override public String get() { return "text"; }
            @Override public void put(String value) { put.set(value); }
        });
        assertEquals("text", proxy.get());
        Source erased = proxy;
        assertEquals("text", erased.get());
        erased.put("through the bridge");
        assertEquals("through the bridge", put.get());
        assertThrows(ClassCastException.class, () -> erased.put(42));
        assertEquals(0, gate.inFlight());
        // get()String and get()Object, put(String) and put(Object)
        assertEquals(4, Arrays.stream(proxy.getClass().getDeclaredMethods()).filter(m -> m.getName().matches("get|put")).count());
    }

    @Test
    public void skipsStaticAndPrivateInterfaceMethods() throws Exception {
        WithHelpers proxy = proxy(WithHelpers.class, (WithHelpers) () -> 7);
        assertEquals(7, proxy.value());
        assertEquals(1007, proxy.withSecret());
        for (Method method : proxy.getClass().getDeclaredMethods()) {
            assertFalse(method.getName(), method.getName().equals("twice") || method.getName().equals("secret"));
        }
    }

    @Test
    public void implementsInterfacesOfTheJdk() throws Exception {
        AtomicInteger runs = new AtomicInteger();
        Object proxy = factory.create(List.of(Runnable.class, IntBinaryOperator.class), new ProxySlot(gate, lineage, new Object()));
        ProxySlot slot = new ProxySlot(gate, lineage, (Runnable) runs::incrementAndGet);
        ((Runnable) factory.create(List.of(Runnable.class), slot)).run();
        assertEquals(1, runs.get());
        assertTrue(proxy instanceof IntBinaryOperator);
    }

    @Test
    public void toStringNamesTheTargetAndIdentityIsTheProxys() throws Exception {
        Named target = new Named() {
            @Override public String name() { return "n"; }
            @Override public String toString() { return "target"; }
        };
        ProxySlot slot = new ProxySlot(gate, lineage, target);
        Named proxy = (Named) factory.create(List.of(Named.class), slot);
        Named other = (Named) factory.create(List.of(Named.class), slot);

        assertEquals("proxy[target]", proxy.toString());
        assertTrue(proxy.equals(proxy));
        assertFalse(proxy.equals(other));
        assertFalse(proxy.equals(target));
        assertEquals(System.identityHashCode(proxy), proxy.hashCode());
        slot.retarget("next");
        assertEquals("proxy[next]", proxy.toString());
        assertEquals(0, gate.inFlight());
    }

    @Test
    public void generatesAFinalClassWithOnePrivateFinalSlot() throws Exception {
        Object proxy = factory.create(List.of(Calculator.class), new ProxySlot(gate, lineage, new Object()));
        Class<?> type = proxy.getClass();
        assertTrue(Modifier.isFinal(type.getModifiers()));
        assertTrue(Modifier.isPublic(type.getModifiers()));
        Field[] fields = type.getDeclaredFields();
        assertEquals(1, fields.length);
        assertEquals(ProxySlot.class, fields[0].getType());
        assertEquals(Modifier.PRIVATE | Modifier.FINAL, fields[0].getModifiers());
        assertEquals(1, type.getDeclaredConstructors().length);
        assertArrayEquals(new Class<?>[] {ProxySlot.class}, type.getDeclaredConstructors()[0].getParameterTypes());
    }

    // ---- retargeting and the gate

    @Test
    public void retargetingTakesEffectOnTheNextCall() throws Exception {
        ProxySlot slot = new ProxySlot(gate, lineage, (Calculator) (a, b) -> a + b);
        Calculator proxy = (Calculator) factory.create(List.of(Calculator.class), slot);
        assertEquals(5, proxy.add(2, 3));
        slot.retarget((Calculator) (a, b) -> a * b);
        assertEquals(6, proxy.add(2, 3));
    }

    @Test
    public void aHeldBundleHoldsNewCallsThroughItsProxiesUntilReleasedAndTheyGoToTheNewTarget() throws Exception {
        AtomicInteger calls = new AtomicInteger();
        ProxySlot slot = new ProxySlot(gate, lineage, (Calculator) (a, b) -> {
            calls.incrementAndGet();
            return a + b;
        });
        Calculator proxy = (Calculator) factory.create(List.of(Calculator.class), slot);
        assertTrue(gate.quiesce(lineage, Duration.ofSeconds(WAIT_SECONDS), Duration.ofSeconds(WAIT_SECONDS)).drained());

        AtomicInteger result = new AtomicInteger();
        CountDownLatch returned = new CountDownLatch(1);
        threads.start("held-caller", () -> {
            result.set(proxy.add(20, 22));
            returned.countDown();
        });
        TestThreads.awaitTrue(() -> lineage.waiting() == 1, "the caller waits");
        assertFalse(returned.await(100, TimeUnit.MILLISECONDS));
        assertEquals(0, calls.get());

        // A proxy of another bundle is not held.
        Calculator passing = (Calculator) factory.create(List.of(Calculator.class),
                new ProxySlot(gate, gate.lineage("other"), (Calculator) Integer::sum));
        assertEquals(3, passing.add(1, 2));

        slot.publish((Calculator) (a, b) -> a * b, 1);
        gate.advance(lineage, 1);
        gate.release(lineage);
        assertTrue(returned.await(WAIT_SECONDS, TimeUnit.SECONDS));
        assertEquals("the held call went to the new target", 440, result.get());
        assertEquals(0, calls.get());
        assertEquals(0, gate.inFlight());
    }

    @Test
    public void aUnitPinnedBeforeACommitKeepsCallingTheOldTargetUntilTheOldOneIsForgotten() throws Exception {
        ProxySlot slot = new ProxySlot(gate, lineage, (Calculator) Integer::sum);
        Calculator proxy = (Calculator) factory.create(List.of(Calculator.class), slot);
        gate.enter();
        assertEquals(5, proxy.add(2, 3));
        slot.publish((Calculator) (a, b) -> a * b, 1);
        gate.advance(lineage, 1);
        assertEquals("the unit stays on the old version", 5, proxy.add(2, 3));
        FutureTask<Integer> fresh = new FutureTask<>(() -> proxy.add(2, 3));
        threads.start("new unit", fresh::run);
        assertEquals("a new unit goes to the new one", 6, (int) fresh.get(WAIT_SECONDS, TimeUnit.SECONDS));
        slot.forgetOlder();
        assertEquals("once the old one is forgotten, the unit moves on", 6, proxy.add(2, 3));
        gate.leave();
    }

    // ---- validation

    @Test
    public void refusesANonPublicInterface() {
        ProxyException e = assertThrows(ProxyException.class,
                () -> factory.create(List.of(Calculator.class, Hidden.class), new ProxySlot(gate, lineage, new Object())));
        assertEquals("interface " + Hidden.class.getName() + " is not public: a proxy cannot implement it", e.getMessage());
    }

    @Test
    public void refusesWhatItCannotImplement() {
        ProxySlot slot = new ProxySlot(gate, lineage, new Object());
        assertMessage("java.lang.String is not an interface", () -> factory.create(List.of(String.class), slot));
        assertMessage(Calculator.class.getName() + " is listed twice",
                () -> factory.create(List.of(Calculator.class, Calculator.class), slot));
        assertMessage(Closed.class.getName() + " is sealed", () -> factory.create(List.of(Closed.class), slot));
        assertMessage("no interfaces given", () -> factory.create(List.of(), slot));
        // a public interface of a package that java.base does not export
        Class<?> internal = load("jdk.internal.access.JavaLangAccess");
        assertMessage("does not export", () -> factory.create(List.of(internal), slot));
    }

    @Test
    public void checkRefusesWhatCreateRefusesWithoutGeneratingAnything() throws Exception {
        assertMessage("java.lang.String is not an interface", () -> factory.check(List.of(String.class)));
        assertMessage("interface " + Hidden.class.getName() + " is not public",
                () -> factory.check(List.of(Calculator.class, Hidden.class)));
        assertMessage(Closed.class.getName() + " is sealed", () -> factory.check(List.of(Closed.class)));
        assertMessage("no interfaces given", () -> factory.check(List.of()));

        factory.check(List.of(Calculator.class, Runnable.class));

        assertEquals("proxy class loaders made", 0, factory.cachedLoaders());
    }

    // ---- class loading

    @Test
    public void reusesTheClassForTheSameInterfacesAndTheLoaderForTheSameLoaders() throws Exception {
        Object first = factory.create(List.of(Calculator.class, Greeter.class), new ProxySlot(gate, lineage, new Object()));
        Object second = factory.create(List.of(Calculator.class, Greeter.class), new ProxySlot(gate, lineage, new Object()));
        Object reversed = factory.create(List.of(Greeter.class, Calculator.class), new ProxySlot(gate, lineage, new Object()));
        assertNotSame(first, second);
        assertSame(first.getClass(), second.getClass());
        assertNotSame(first.getClass(), reversed.getClass());
        assertSame(first.getClass().getClassLoader(), reversed.getClass().getClassLoader());
        assertEquals(1, factory.cachedLoaders());
    }

    @Test
    public void generatesOneClassWhenManyThreadsAskAtOnce() throws Exception {
        int count = 8;
        ExecutorService pool = Executors.newFixedThreadPool(count);
        try {
            CountDownLatch go = new CountDownLatch(1);
            List<Future<Class<?>>> classes = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                Callable<Class<?>> create = () -> {
                    go.await(WAIT_SECONDS, TimeUnit.SECONDS);
                    return factory.create(List.of(Kinds.class, Derived.class), new ProxySlot(gate, lineage, new Object())).getClass();
                };
                classes.add(pool.submit(create));
            }
            go.countDown();
            Class<?> first = classes.get(0).get(WAIT_SECONDS, TimeUnit.SECONDS);
            for (Future<Class<?>> type : classes) {
                assertSame(first, type.get(WAIT_SECONDS, TimeUnit.SECONDS));
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    @SuppressWarnings("unchecked")
    public void aServiceFactoryForPerConsumerProxiesSeesTheInterfacesAndHandsEveryCallOn() throws Exception {
        IsolatingLoader isolating = new IsolatingLoader(Isolated.class, IsolatedTarget.class);
        Class<?> isolated = isolating.loadClass(Isolated.class.getName());
        List<String> calls = new ArrayList<>();
        ServiceFactory<Object> target = new ServiceFactory<>() {
            @Override
            public Object getService(Bundle bundle, ServiceRegistration<Object> registration) {
                calls.add("get");
                return "made";
            }

            @Override
            public void ungetService(Bundle bundle, ServiceRegistration<Object> registration, Object service) {
                calls.add("unget " + service);
            }
        };

        Object made = factory.factory(List.of(isolated), target);

        // Felix asks a service factory's class to load the service's interfaces to decide who may use it
        ClassLoader loader = made.getClass().getClassLoader();
        assertNotSame(ProxyFactoryTest.class.getClassLoader(), loader);
        assertSame(isolated, Class.forName(Isolated.class.getName(), false, loader));
        ServiceFactory<Object> bridge = (ServiceFactory<Object>) made;
        assertEquals("made", bridge.getService(null, null));
        bridge.ungetService(null, null, "made");
        assertEquals(List.of("get", "unget made"), calls);
    }

    @Test
    public void definesProxiesInALoaderOfItsOwnThatSeesEachInterfacesLoader() throws Exception {
        IsolatingLoader isolating = new IsolatingLoader(Isolated.class, IsolatedTarget.class);
        Class<?> isolated = isolating.loadClass(Isolated.class.getName());
        Object target = isolating.loadClass(IsolatedTarget.class.getName()).getConstructor().newInstance();
        assertNotSame(Isolated.class, isolated);

        // Three loaders: the isolating one, the test's, and the bootstrap loader.
        Object proxy = factory.create(List.of(isolated, Calculator.class, Runnable.class), new ProxySlot(gate, lineage, target));
        assertTrue(isolated.isInstance(proxy));
        assertFalse(proxy instanceof Isolated);
        ClassLoader loader = proxy.getClass().getClassLoader();
        assertNotSame(isolating, loader);
        assertNotSame(ProxyFactoryTest.class.getClassLoader(), loader);
        assertNull(loader.getParent());
        // The name of Isolated falls under the runtime's packages: the proxy still resolves the
        // isolated class, because every name a proxy uses is pinned to what its interface sees.
        assertSame(isolated, loader.loadClass(Isolated.class.getName()));
        assertSame(ProxySlot.class, loader.loadClass(ProxySlot.class.getName()));

        assertEquals("isolated", isolated.getMethod("where").invoke(proxy));
        assertEquals(5, isolated.getMethod("add", int.class, int.class).invoke(proxy, 2, 3));
        assertEquals(7, ((Calculator) proxy).add(3, 4));
        ((Runnable) proxy).run();
        assertEquals(0, gate.inFlight());
    }

    @Test
    public void releasesTheProxyLoaderOnceTheInterfacesLoaderIsDropped() throws Exception {
        ReferenceQueue<Object> queue = new ReferenceQueue<>();
        List<WeakReference<Object>> refs = isolatedProxy(queue);
        assertEquals(3, refs.size());

        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_SECONDS);
        while (refs.stream().anyMatch(ref -> ref.get() != null) && System.nanoTime() - deadline < 0) {
            System.gc();
            queue.remove(100);
        }
        assertNull("the interface's class loader", refs.get(0).get());
        assertNull("the proxy class", refs.get(1).get());
        assertNull("the proxy class loader", refs.get(2).get());
        assertEquals(0, factory.cachedLoaders());
    }

    /** In a method of its own, so that no local variable of the test keeps anything alive. */
    private List<WeakReference<Object>> isolatedProxy(ReferenceQueue<Object> queue) throws Exception {
        IsolatingLoader isolating = new IsolatingLoader(Isolated.class, IsolatedTarget.class);
        Class<?> isolated = isolating.loadClass(Isolated.class.getName());
        Object target = isolating.loadClass(IsolatedTarget.class.getName()).getConstructor().newInstance();
        Object proxy = factory.create(List.of(isolated), new ProxySlot(gate, lineage, target));
        assertEquals(9, isolated.getMethod("add", int.class, int.class).invoke(proxy, 4, 5));
        assertEquals(1, factory.cachedLoaders());
        return List.of(new WeakReference<>(isolating, queue), new WeakReference<>(proxy.getClass(), queue),
                new WeakReference<>(proxy.getClass().getClassLoader(), queue));
    }

    // ---- helpers

    private static void assertMessage(String part, org.junit.function.ThrowingRunnable create) {
        ProxyException e = assertThrows(ProxyException.class, create);
        assertTrue(e.getMessage(), e.getMessage().contains(part));
    }

    private static Class<?> load(String name) {
        try {
            return Class.forName(name, false, null);
        } catch (ClassNotFoundException e) {
            throw new AssertionError(e);
        }
    }



}
