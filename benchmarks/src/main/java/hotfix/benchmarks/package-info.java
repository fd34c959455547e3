/**
 * JMH benchmarks of the runtime's hot paths: what a consumer pays for holding a proxy.
 */
package hotfix.benchmarks;
