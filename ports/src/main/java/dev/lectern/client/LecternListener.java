package dev.lectern.client;

import dev.lectern.domain.event.LecternEvent;

/**
 * Receives a client's events. Override {@link #onEvent} to see every event, or the typed methods for
 * the ones you care about; all default to doing nothing.
 *
 * <p><b>Order and threading.</b> Events arrive one at a time, in the order they happened, on the
 * client's event executor (by default a pool of a daemon thread per core that all clients share), never
 * on the engine's lane or a transport thread. {@link LecternEvent.Closed} is the last event: nothing is
 * delivered after it.
 *
 * <p><b>Audio events only to those who listen.</b> A listener that overrides neither {@link #onEvent}
 * nor {@link #onAudioReceived} is not handed {@link LecternEvent.AudioReceived} events (ten a second
 * per listening client, each a hand-off to the event thread); the audio itself always goes to the
 * client's {@code AudioSink}.
 *
 * <p><b>Be quick, take no locks, don't throw, don't block on the client.</b> A slow listener delays only
 * later events, never the client itself. An exception thrown here is logged and swallowed. Calling the
 * client from a callback (even {@code close()}) is allowed.
 */
public interface LecternListener {

    /** A listener that ignores everything. */
    LecternListener NONE = new LecternListener() {};

    /** Every event; by default dispatches to the typed methods below. */
    default void onEvent(LecternEvent event) {
        if (event instanceof LecternEvent.SessionCreated e) {
            onSessionCreated(e);
        } else if (event instanceof LecternEvent.SessionJoined e) {
            onSessionJoined(e);
        } else if (event instanceof LecternEvent.AudioReceived e) {
            onAudioReceived(e);
        } else if (event instanceof LecternEvent.SessionPaused e) {
            onSessionPaused(e);
        } else if (event instanceof LecternEvent.SessionResumed e) {
            onSessionResumed(e);
        } else if (event instanceof LecternEvent.SessionEnded e) {
            onSessionEnded(e);
        } else if (event instanceof LecternEvent.ConnectionWarning e) {
            onConnectionWarning(e);
        } else if (event instanceof LecternEvent.ConnectionRefreshed e) {
            onConnectionRefreshed(e);
        } else if (event instanceof LecternEvent.Reconnected e) {
            onReconnected(e);
        } else if (event instanceof LecternEvent.ReconnectFailed e) {
            onReconnectFailed(e);
        } else if (event instanceof LecternEvent.Error e) {
            onError(e);
        } else if (event instanceof LecternEvent.Disconnected e) {
            onDisconnected(e);
        } else if (event instanceof LecternEvent.AudioDropped e) {
            onAudioDropped(e);
        } else if (event instanceof LecternEvent.AudioGap e) {
            onAudioGap(e);
        } else if (event instanceof LecternEvent.Closed e) {
            onClosed(e);
        }
    }

    default void onSessionCreated(LecternEvent.SessionCreated event) {}

    default void onSessionJoined(LecternEvent.SessionJoined event) {}

    default void onAudioReceived(LecternEvent.AudioReceived event) {}

    default void onSessionPaused(LecternEvent.SessionPaused event) {}

    default void onSessionResumed(LecternEvent.SessionResumed event) {}

    default void onSessionEnded(LecternEvent.SessionEnded event) {}

    default void onConnectionWarning(LecternEvent.ConnectionWarning event) {}

    default void onConnectionRefreshed(LecternEvent.ConnectionRefreshed event) {}

    default void onReconnected(LecternEvent.Reconnected event) {}

    default void onReconnectFailed(LecternEvent.ReconnectFailed event) {}

    default void onError(LecternEvent.Error event) {}

    default void onDisconnected(LecternEvent.Disconnected event) {}

    default void onAudioDropped(LecternEvent.AudioDropped event) {}

    default void onAudioGap(LecternEvent.AudioGap event) {}

    /** The final event. */
    default void onClosed(LecternEvent.Closed event) {}

    /** One listener that tells each of {@code listeners} in turn (a host's own, a metrics binder...). */
    static LecternListener all(LecternListener... listeners) {
        LecternListener[] copy = listeners.clone();
        for (LecternListener l : copy) {
            java.util.Objects.requireNonNull(l, "listener is null");
        }
        return new LecternListener() {
            @Override
            public void onEvent(LecternEvent event) {
                for (LecternListener l : copy) {
                    l.onEvent(event);
                }
            }
        };
    }
}
