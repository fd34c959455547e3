/**
 * The no-leak and scaling harness: runs the exported server jars as processes, drives their Gogo
 * shell, reads pauses from the hotfix reports and class and memory figures from the JDK's tools.
 */
package hotfix.benchmarks.scale;
