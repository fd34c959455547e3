/**
 * Logging of the exported servers: Logback configured, and the OSGi Log service and
 * java.util.logging forwarded to it.
 */
package hotfix.logging.internal;
