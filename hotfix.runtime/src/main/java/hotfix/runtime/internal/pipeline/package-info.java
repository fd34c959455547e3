/**
 * The pipeline every hotfix goes through: inspect, plan, stage, quiesce, commit, resume,
 * retire, journal. Any failure before resume undoes what was done, in reverse order.
 */
package hotfix.runtime.internal.pipeline;
