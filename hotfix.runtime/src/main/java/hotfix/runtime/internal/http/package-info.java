/**
 * HTTP as a unit of work: every request through the HTTP Whiteboard passes the gate.
 */
package hotfix.runtime.internal.http;
