/**
 * Bounded audio structures, immutable so the state machine stays pure: the speaker's send queue and the
 * listener's jitter buffer.
 */
package dev.lectern.domain.audio;
