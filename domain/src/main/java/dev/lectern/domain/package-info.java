/**
 * Lectern's value types: the typed identifiers and audio units that the protocol speaks of.
 *
 * <p>Every type here validates on construction and throws {@link IllegalArgumentException} naming the
 * field and the offending value. The whole {@code domain} module uses the JDK's {@code java.lang},
 * {@code java.util} and {@code java.time} only: no I/O, threads, logging, clock reads or randomness.
 */
package dev.lectern.domain;
