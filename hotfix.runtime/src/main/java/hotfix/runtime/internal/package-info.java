/**
 * The runtime's start: wires the gate, mediation, the pipeline and the journal together.
 */
package hotfix.runtime.internal;
