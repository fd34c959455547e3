/** The load harness: the exported example server under HTTP load while it is patched, updated or restarted. */
package hotfix.benchmarks.load;
