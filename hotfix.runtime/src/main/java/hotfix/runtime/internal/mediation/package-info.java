/**
 * Service mediation: consumers hold generated proxies, never the originals, so a hotfix can
 * move them to a new version with one write per proxy.
 */
package hotfix.runtime.internal.mediation;
