/**
 * Benchmarks of the runtime's hot paths: what a consumer pays for holding a proxy (JMH), and
 * what letting held calls through costs.
 */
package hotfix.benchmarks;
