/**
 * The example's HTTP endpoints: JSON over the HTTP Whiteboard, errors as JSON with a 4xx status.
 */
package example.webapp.web;
