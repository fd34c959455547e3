/**
 * The operator's surface: counters and the JMX MBean, the health check, and the runtime's
 * configuration through Configuration Admin.
 */
package hotfix.runtime.internal.ops;
