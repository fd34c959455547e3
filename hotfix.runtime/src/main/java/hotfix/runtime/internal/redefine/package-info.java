/**
 * Redefinition: plans what a hotfix may change in a loaded class, within what HotSpot can redefine.
 */
package hotfix.runtime.internal.redefine;
