package dev.lectern.port;

import dev.lectern.domain.LanguageCode;
import dev.lectern.domain.SessionId;
import java.util.Objects;

/**
 * A session as the HTTP session API returns it (protocol section 11.1). Fields the service may leave out
 * are null.
 *
 * @param speakerId the owner: the {@code sub} of the token that created it
 * @param status {@code active}, {@code paused} or {@code ended}
 * @param createdAtMillis epoch ms
 * @param expiresAtMillis epoch ms (the service sends seconds; read as such)
 */
public record SessionResource(SessionId sessionId, String speakerId, LanguageCode sourceLanguage, String qualityTier,
                              String status, Integer listenerCount, Long createdAtMillis, Long expiresAtMillis) {
    public SessionResource {
        Objects.requireNonNull(sessionId, "sessionId is null");
    }

    /** Whether listeners may join it now. */
    public boolean active() {
        return "active".equals(status);
    }
}
