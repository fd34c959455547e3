package hotfix.runtime.api;

import java.io.InputStream;
import java.net.URI;
import java.util.List;

import org.osgi.annotation.versioning.ProviderType;

/**
 * Applies, plans and rolls back hotfixes: the service behind every way in (the shell, the
 * deploy directory, and code that finds this service through its {@code BundleContext}).
 * <p>
 * A hotfix is an ordinary bundle jar whose {@code Bundle-SymbolicName} names the installed
 * bundle it fixes and whose {@code Bundle-Version} is higher. Optional headers, each
 * explained in {@link HotfixHeaders}: {@code Hotfix-Target-Version} (a version range the
 * installed target must be in), {@code Hotfix-Mode} ({@code swap}, the default, or
 * {@code redefine}), {@code Hotfix-Methods} (with {@code redefine}: only these methods' new
 * bodies are taken) and {@code Hotfix-Description}. An application bundle opts out of hotfixes
 * with {@code Hotfix-Enabled: false}.
 * <p>
 * Before anything touches the framework, a jar must keep the limits and rules that keep hostile
 * jars out ({@link Reason#UNSAFE_JAR}, {@link Reason#INVALID_CLASS}). When the framework property
 * {@code hotfix.truststore} names a PKCS12 key store ({@code hotfix.truststore.password} its
 * password, if it has one), every install and dry run also requires the jar to be signed, every
 * entry by the same signer, with a certificate the store trusts and valid now, or valid when the
 * jar was signed if its timestamp (jarsigner -tsa) is from a time-stamping authority the store
 * trusts ({@link Reason#UNSIGNED}, {@link Reason#SIGNATURE_INVALID}, {@link Reason#UNTRUSTED}). A
 * rollback re-installs the runtime's own copy of the replaced version, kept in its data area,
 * and needs no signature.
 * <p>
 * Every method returns a report instead of throwing for a refused hotfix: a refusal names the
 * problem in {@link HotfixReport#message()} and {@link HotfixReport#reason()}, and leaves the
 * server exactly as it was. One hotfix is applied at a time; a call made while another is in
 * progress is refused with {@link Reason#BUSY} rather than queued, so that an operator never
 * waits on a hotfix they did not start.
 */
@ProviderType
public interface HotfixManager {

    /**
     * Applies (or, with {@link HotfixOptions#dryRun()}, plans) the hotfix at a location.
     *
     * @param source  a {@code file:} URI, or any URL the JVM can read
     * @param options how to apply it
     * @return the report of the attempt, also added to the history
     */
    HotfixReport install(URI source, HotfixOptions options);

    /**
     * Applies (or plans) the hotfix read from a stream. The stream is read to its end and closed.
     *
     * @param name    how the report and history name the source
     * @param jar     the hotfix jar
     * @param options how to apply it
     * @return the report of the attempt, also added to the history
     */
    HotfixReport install(String name, InputStream jar, HotfixOptions options);

    /**
     * Plans the hotfix at a location and changes nothing: a dry run.
     *
     * @param source a {@code file:} URI, or any URL the JVM can read
     * @return the plan, with outcome {@link Outcome#PLANNED}, or the refusal
     */
    HotfixReport verify(URI source);

    /**
     * Undoes an applied hotfix through the same quiesced swap: the version it replaced serves
     * again, with the state handed back. Only the latest hotfix of a target can be rolled back.
     *
     * @param id      the id of the applied hotfix
     * @param options the drain deadline to use; a dry run plans only
     * @return the report of the rollback
     */
    HotfixReport rollback(long id, HotfixOptions options);

    /** @return the hotfixes in place now, oldest first */
    List<HotfixReport> list();

    /** @return every attempt, applied or not, newest first */
    List<HotfixReport> history();

    /** @return the state of the runtime now: the gate, the deploy directory, problems */
    HotfixStatus status();
}
