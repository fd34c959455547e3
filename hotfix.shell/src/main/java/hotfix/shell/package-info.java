/**
 * Gogo commands in the {@code hotfix} scope, over the runtime's API and nothing else.
 */
package hotfix.shell;
