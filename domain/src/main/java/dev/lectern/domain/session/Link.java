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
 * @param language the audio stream it carries (listener), as asked for when it was opened
 * @param refreshBlocked a refresh failed for good: keep this connection until the cutoff
 */
public record Link(ConnectionId id, long openedAt, long lastFrameAt, long heartbeatSentAt, LanguageCode language,
                   boolean refreshBlocked) {
    public Link {
        Objects.requireNonNull(id, "id is null");
    }

    static Link confirmed(ConnectionId id, long now, LanguageCode language) {
        return new Link(id, now, now, -1, language, false);
    }

    Link heard(long now) {
        return new Link(id, openedAt, now, heartbeatSentAt, language, refreshBlocked);
    }

    Link heartbeatSent(long now) {
        return new Link(id, openedAt, lastFrameAt, now, language, refreshBlocked);
    }

    Link blockRefresh() {
        return new Link(id, openedAt, lastFrameAt, heartbeatSentAt, language, true);
    }
}
