/**
 * The journal: every attempt, and the jars needed to restore or roll back what was applied,
 * in the runtime's data area.
 */
package hotfix.runtime.internal.journal;
