/**
 * The Jetty WebSocket adapter: the {@code Transport} over Jetty 12's WebSocket client and the JSON wire
 * codec. {@link dev.lectern.jetty.ConnectUrls} builds connect URLs (percent-encoded query values, token
 * redaction for anything that is logged or thrown).
 */
package dev.lectern.jetty;
