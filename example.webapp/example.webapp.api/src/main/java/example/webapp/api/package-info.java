/**
 * The example game economy's services: players and their gold, the shop, and the leaderboard.
 */
@Export
@Version("1.0.0")
package example.webapp.api;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
