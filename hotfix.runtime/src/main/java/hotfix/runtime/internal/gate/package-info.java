/**
 * The gate: counts the calls inside, holds new ones while a hotfix swaps code, and drains.
 */
package hotfix.runtime.internal.gate;
