/** The engine that runs the pure state machine against the ports. Not public API. */
package dev.lectern.client.internal;
