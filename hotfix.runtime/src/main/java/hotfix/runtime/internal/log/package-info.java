/**
 * The runtime's log: the OSGi Log service when there is one, the JDK's platform logger before.
 */
package hotfix.runtime.internal.log;
