/**
 * The JVM's {@link java.lang.instrument.Instrumentation}, as the hotfix agent received it.
 */
@Export
@Version("1.0.0")
package hotfix.agent.api;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
