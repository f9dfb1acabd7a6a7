/** The events a client tells its host, as sealed records; {@code Closed} is always the last one. */
package dev.lectern.domain.event;
