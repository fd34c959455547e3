/**
 * The hotfix runtime's API: the services through which hotfixes are applied, planned, rolled
 * back and listed, and the contracts that application code implements to take part.
 */
@Export
@Version("2.1.0")
package hotfix.runtime.api;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
