/**
 * An exported server jar run as a process of its own and driven through its Gogo shell: what
 * both harnesses start and measure.
 */
package hotfix.benchmarks.server;
