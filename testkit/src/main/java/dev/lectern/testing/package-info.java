/**
 * Lectern's test kit, shipped so hosts can test their own code against Lectern deterministically:
 * {@link dev.lectern.testing.ManualScheduler} (virtual time), {@link dev.lectern.testing.InMemoryGateway}
 * (a scripted stand-in for the service with fault injection, reached through its in-memory
 * {@link dev.lectern.port.Transport}), {@link dev.lectern.testing.FixedTokenProvider} and
 * {@link dev.lectern.testing.RecordingListener}.
 */
package dev.lectern.testing;
