package hotfix.runtime.internal.pipeline;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.jar.Attributes;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;

import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;
import org.osgi.framework.BundleContext;
import org.osgi.framework.FrameworkUtil;
import org.osgi.framework.Version;

import hotfix.runtime.api.HotfixOptions;
import hotfix.runtime.api.HotfixReport;
import hotfix.runtime.api.Outcome;
import hotfix.runtime.api.Reason;
import hotfix.runtime.internal.inspect.TrustStore;
import hotfix.runtime.internal.journal.Journal;
import hotfix.runtime.internal.log.RuntimeLog;
import hotfix.runtime.internal.redefine.Redefinitions;

/**
 * The point of no return (#13, finding 5): before it, any failure, a checked exception thrown
 * sneakily by application code too, undoes everything and refuses; after it, a failure is a note
 * on an applied report, journaled as applied, never "refused". The attempt runs through stages
 * that fail where a test says, with a real journal.
 */
public class AttemptTest {

    @Rule
    public final TemporaryFolder folder = new TemporaryFolder();

    /** What the stages did, in order. */
    private final List<String> done = new CopyOnWriteArrayList<>();

    @Test
    public void aCheckedExceptionThrownSneakilyBeforeThePointOfNoReturnUndoesEverything() throws Exception {
        Journal journal = new Journal(folder.getRoot().toPath());
        Stages failingCommit = new Recorded() {
            @Override
            public void commit(Undo undo) {
                done.add("commit");
                throw AttemptTest.<RuntimeException>sneaky(new IOException("simulated: the state could not be read"));
            }
        };

        HotfixReport report = attempt(journal, failingCommit).run();

        assertEquals(report.message(), Outcome.REFUSED, report.outcome());
        assertEquals(report.message(), Reason.FAILED, report.reason());
        assertTrue(report.message(), report.message().contains("java.io.IOException: simulated: the state could not be read"));
        assertFalse(report.pastPointOfNoReturn());
        assertEquals("the stage was undone, and nothing ran after the commit",
                List.of("stage", "quiesce", "commit", "undo stage"), done);
        assertEquals(Outcome.REFUSED, journal.entries().get(0).report().outcome());
    }

    @Test
    public void aFailureAfterThePointOfNoReturnIsANoteOnAnAppliedReport() throws Exception {
        Journal journal = new Journal(folder.getRoot().toPath());
        Stages failingAfter = new Recorded() {
            @Override
            public long resume() {
                done.add("resume");
                throw AttemptTest.<RuntimeException>sneaky(new IOException("simulated: a held call could not be woken"));
            }

            @Override
            public Optional<Runnable> retire() {
                done.add("retire");
                throw new NoClassDefFoundError("simulated/OldVersionClass");
            }
        };

        HotfixReport report = attempt(journal, failingAfter).run();

        assertEquals(report.message(), Outcome.APPLIED, report.outcome());
        assertTrue(report.pastPointOfNoReturn());
        assertEquals("nothing was undone", List.of("stage", "quiesce", "commit", "resume", "retire"), done);
        assertTrue(report.notes().toString(), report.notes().contains("letting the held calls through failed after the "
                + "point of no return, and the new version serves: java.io.IOException: simulated: a held call could "
                + "not be woken"));
        assertTrue(report.notes().toString(), report.notes().contains("retiring the old version failed after the "
                + "point of no return, and the new version serves: java.lang.NoClassDefFoundError: "
                + "simulated/OldVersionClass"));
        HotfixReport journaled = journal.entries().get(0).report();
        assertEquals(Outcome.APPLIED, journaled.outcome());
        assertEquals(report.notes(), journaled.notes());
    }

    private Attempt attempt(Journal journal, Stages stages) {
        RuntimeLog log = new RuntimeLog(context());
        Pipeline.Parts parts = new Pipeline.Parts(null, null, null, null, journal, null, Optional.empty(),
                new Redefinitions(journal, log), log, TrustStore.configured(name -> null), new Retiring());
        return Attempt.hotfix(parts, "test:" + folder.getRoot(), jar(), HotfixOptions.defaults(), jar -> stages);
    }

    /** Stages that change nothing and note what ran; a test overrides the one that fails. */
    private class Recorded implements Stages {

        @Override
        public Version inspect() {
            return Version.parseVersion("1.0.0");
        }

        @Override
        public void plan() {
            // nothing to plan
        }

        @Override
        public Payload payload(String location) {
            return new Payload(new byte[0], null, "test:previous", 1, location);
        }

        @Override
        public void stage(String location, Undo undo) {
            done.add("stage");
            undo.push(() -> done.add("undo stage"));
        }

        @Override
        public boolean quiesce(Duration timeout, Undo undo) {
            done.add("quiesce");
            return true;
        }

        @Override
        public void commit(Undo undo) {
            done.add("commit");
        }

        @Override
        public long resume() {
            done.add("resume");
            return System.nanoTime();
        }

        @Override
        public int held() {
            return 0;
        }

        @Override
        public Optional<Runnable> retire() {
            done.add("retire");
            return Optional.empty();
        }

        @Override
        public void remember(long id) {
            // nothing to keep
        }

        @Override
        public String planned() {
            return "changing nothing";
        }

        @Override
        public String changed() {
            return "nothing changed";
        }

        @Override
        public List<String> services() {
            return List.of();
        }

        @Override
        public List<String> classes() {
            return List.of();
        }

        @Override
        public List<String> notes() {
            return List.of();
        }
    }

    @SuppressWarnings("unchecked")
    private static <T extends Throwable> T sneaky(Throwable e) throws T {
        throw (T) e;
    }

    /** @return a hotfix jar with a manifest and nothing else: the stages never look inside */
    private static byte[] jar() {
        Manifest manifest = new Manifest();
        Attributes main = manifest.getMainAttributes();
        main.put(Attributes.Name.MANIFEST_VERSION, "1.0");
        main.putValue("Bundle-ManifestVersion", "2");
        main.putValue("Bundle-SymbolicName", "example.target");
        main.putValue("Bundle-Version", "1.0.1");
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (JarOutputStream out = new JarOutputStream(bytes, manifest)) {
            out.finish();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    /** @return a context with no services, where the runtime's log looks for a LoggerFactory and uses its fallback */
    private static BundleContext context() {
        return (BundleContext) Proxy.newProxyInstance(AttemptTest.class.getClassLoader(),
                new Class<?>[] {BundleContext.class}, (proxy, method, arguments) -> switch (method.getName()) {
                    case "createFilter" -> FrameworkUtil.createFilter((String) arguments[0]);
                    case "addServiceListener", "removeServiceListener" -> null;
                    case "getServiceReferences", "getAllServiceReferences", "getServiceReference" -> null;
                    case "equals" -> proxy == arguments[0];
                    case "hashCode" -> System.identityHashCode(proxy);
                    default -> throw new UnsupportedOperationException("BundleContext." + method.getName());
                });
    }
}
