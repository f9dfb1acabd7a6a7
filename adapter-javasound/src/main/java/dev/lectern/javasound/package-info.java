/**
 * The Java Sound adapter: audio sources and sinks over {@code javax.sound.sampled} lines and WAV files,
 * in Lectern's wire format (16 kHz, 16-bit signed little-endian, mono).
 */
package dev.lectern.javasound;
