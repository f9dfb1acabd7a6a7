/**
 * Lectern's public client API: {@link dev.lectern.client.SpeakerClient} and
 * {@link dev.lectern.client.ListenerClient}, their validated configurations and the
 * {@link dev.lectern.client.LecternListener} that receives their events.
 */
package dev.lectern.client;
