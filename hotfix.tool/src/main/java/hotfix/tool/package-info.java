/**
 * The hotfix tool: makes a hotfix from changed source files against the base jar the server runs
 * ({@link hotfix.tool.Make}), and plans a hotfix jar offline with the runtime's own inspection and
 * planners ({@link hotfix.tool.OfflinePlan}); {@link hotfix.tool.Main} is its command line.
 */
package hotfix.tool;
