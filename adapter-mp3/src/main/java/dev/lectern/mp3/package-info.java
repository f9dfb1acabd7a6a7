/**
 * The audio decoder port over a pure-Java MP3 decoder: {@link dev.lectern.mp3.Mp3Decoder} turns the deployed
 * service's translated segments (MPEG audio, Layer III, as Amazon Polly synthesises it) into PCM, trimmed
 * where the file states its encoder's delay and padding. Its own module, so that hosts that never meet the
 * deployed service do not carry a decoder.
 */
package dev.lectern.mp3;
