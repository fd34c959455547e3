/**
 * The journal: every attempt, written ahead, and the jars needed to restore or roll back what
 * was applied, in the runtime's data area; and the restore at start that puts back what it says.
 */
package hotfix.runtime.internal.journal;
