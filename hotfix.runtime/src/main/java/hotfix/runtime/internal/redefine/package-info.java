/**
 * Redefinition: plans what a hotfix may change in a loaded class, within what HotSpot can
 * redefine (shape diff, lambdas, method picks), and keeps the redefinitions applied, putting
 * them back as classes load after a restart.
 */
package hotfix.runtime.internal.redefine;
