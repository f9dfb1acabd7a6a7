package dev.lectern.domain.session;

import dev.lectern.domain.ConnectionId;
import dev.lectern.domain.LanguageCode;
import java.util.Objects;

/**
 * The current, confirmed connection.
 *
 * @param openedAt when it was confirmed (epoch ms); its age drives the refresh clock
 * @param lastFrameAt when the last frame of any kind arrived on it
 * @param heartbeatSentAt when the last heartbeat went out, or -1
 * @param previousHeartbeatAt when the one before went out, or -1 (at most two in any heartbeat window)
 * @param lastAudioAt when the last audio frame arrived on it (listener), or -1
 * @param probedAudioAt the {@code lastAudioAt} a stall probe was sent for, so one stall gets one probe
 * @param nextHeartbeatAt when the heartbeat timer is due
 * @param language the audio stream it carries (listener), as asked for when it was opened
 * @param refreshBlocked a refresh failed for good: keep this connection until the cutoff
 * @param audioWatchAt when the listener's audio watch (the {@code AUDIO_WATCH} timer) fires for this link, or -1
 *     while it is not armed: from the link's first audio until nothing is left to decide about a silence
 */
public record Link(ConnectionId id, long openedAt, long lastFrameAt, long heartbeatSentAt, long previousHeartbeatAt,
                   long lastAudioAt, long probedAudioAt, long nextHeartbeatAt, LanguageCode language, boolean refreshBlocked,
                   long audioWatchAt) {
    public Link {
        Objects.requireNonNull(id, "id is null");
    }

    static Link confirmed(ConnectionId id, long now, LanguageCode language, long nextHeartbeatAt) {
        return new Link(id, now, now, -1, -1, -1, -1, nextHeartbeatAt, language, false, -1);
    }

    Link heard(long now) {
        return new Link(id, openedAt, now, heartbeatSentAt, previousHeartbeatAt, lastAudioAt, probedAudioAt, nextHeartbeatAt, language, refreshBlocked, audioWatchAt);
    }

    Link heardAudio(long now) {
        return new Link(id, openedAt, now, heartbeatSentAt, previousHeartbeatAt, now, probedAudioAt, nextHeartbeatAt, language, refreshBlocked, audioWatchAt);
    }

    Link heartbeatSent(long now) {
        return new Link(id, openedAt, lastFrameAt, now, heartbeatSentAt, lastAudioAt, probedAudioAt, nextHeartbeatAt, language, refreshBlocked, audioWatchAt);
    }

    Link probed(long now) {
        return new Link(id, openedAt, lastFrameAt, now, heartbeatSentAt, lastAudioAt, lastAudioAt, nextHeartbeatAt, language, refreshBlocked, audioWatchAt);
    }

    Link blockRefresh() {
        return new Link(id, openedAt, lastFrameAt, heartbeatSentAt, previousHeartbeatAt, lastAudioAt, probedAudioAt, nextHeartbeatAt, language, true, audioWatchAt);
    }

    Link withLanguage(LanguageCode value) {
        return new Link(id, openedAt, lastFrameAt, heartbeatSentAt, previousHeartbeatAt, lastAudioAt, probedAudioAt, nextHeartbeatAt, value, refreshBlocked, audioWatchAt);
    }

    Link heartbeatDue(long at) {
        return new Link(id, openedAt, lastFrameAt, heartbeatSentAt, previousHeartbeatAt, lastAudioAt, probedAudioAt, at, language, refreshBlocked, audioWatchAt);
    }

    Link audioWatchAt(long at) {
        return at == audioWatchAt ? this
                : new Link(id, openedAt, lastFrameAt, heartbeatSentAt, previousHeartbeatAt, lastAudioAt, probedAudioAt, nextHeartbeatAt, language, refreshBlocked, at);
    }

    /** Whether a heartbeat may go out at {@code now} without a third one in {@code window}. */
    boolean mayHeartbeat(long now, long window) {
        return previousHeartbeatAt < 0 || now - previousHeartbeatAt >= window;
    }
}
