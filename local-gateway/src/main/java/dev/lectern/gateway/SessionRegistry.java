package dev.lectern.gateway;

import dev.lectern.domain.LanguageCode;
import dev.lectern.domain.QualityTier;
import dev.lectern.domain.SessionId;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;

/** The sessions by id, each created under a fresh human-readable id. */
final class SessionRegistry {
    private final Map<SessionId, GatewaySession> sessions = new ConcurrentHashMap<>();
    private final SessionIdGenerator ids;
    private final Executor workers;

    SessionRegistry(SessionIdGenerator ids, Executor workers) {
        this.ids = ids;
        this.workers = workers;
    }

    /** A new session under an id no session has; {@code failure} is the refusal's message when none is left. */
    GatewaySession create(String owner, LanguageCode source, QualityTier tier, long now, String failure) throws Refusal {
        synchronized (sessions) {
            SessionId id;
            try {
                id = ids.next(sessions::containsKey);
            } catch (IllegalStateException e) {
                throw Refusal.of(500, "INTERNAL_ERROR", failure);
            }
            GatewaySession session = new GatewaySession(id, owner, source, tier, now, workers);
            sessions.put(id, session);
            return session;
        }
    }

    /** The session, ended or not; null if there never was one (or the gateway restarted since). */
    GatewaySession get(SessionId id) {
        return sessions.get(id);
    }

    /** Forgets one session (a deployed {@code DELETE}). */
    void remove(SessionId id) {
        sessions.remove(id);
    }

    /** Forgets every session. */
    void clear() {
        sessions.clear();
    }
}
