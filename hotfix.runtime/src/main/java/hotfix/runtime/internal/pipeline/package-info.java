/**
 * The stages every hotfix goes through, one {@code Attempt} at a time: inspect, plan, stage,
 * quiesce, commit, the point of no return, then resume, journal, retire; one {@code Stages} per
 * mode (swap, redefine). Any failure before the point of no return undoes what was done, in
 * reverse order.
 */
package hotfix.runtime.internal.pipeline;
