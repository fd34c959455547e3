/**
 * The stages every hotfix goes through, one {@code Attempt} at a time: inspect, plan, stage,
 * quiesce, commit, the point of no return, then resume, journal, retire; one {@code Stages} per
 * mode (swap, redefine). Any failure before the point of no return undoes what was done, in
 * reverse order. {@code SwapPlan} decides what a swap changes from the jar and a base, touching
 * nothing, so that hotfix.tool plans offline with the code the runtime runs.
 */
package hotfix.runtime.internal.pipeline;
