package dev.lectern.domain.session;

import dev.lectern.domain.LanguageCode;
import dev.lectern.domain.Role;
import dev.lectern.domain.SessionId;
import java.util.Objects;

/** What a client is for: a speaker creating a session, or a listener joining one. */
public sealed interface SessionPlan {

    Role role();

    /**
     * A speaker creating a session with {@code params}: over the WebSocket ({@code action=createSession},
     * protocol section 1) or, with {@code sessionApi}, over the service's HTTP session API and then
     * connecting to it by id (section 11).
     */
    record Speak(CreateParams params, boolean sessionApi) implements SessionPlan {
        public Speak {
            Objects.requireNonNull(params, "params is null");
        }

        /** Created over the WebSocket. */
        public Speak(CreateParams params) {
            this(params, false);
        }

        public Role role() {
            return Role.SPEAKER;
        }
    }

    /**
     * A listener joining {@code sessionId} in {@code targetLanguage}; with {@code sessionApi}, it may read the
     * session over the service's HTTP API (its public {@code GET}, protocol section 11.1) before a rejoin.
     */
    record Listen(SessionId sessionId, LanguageCode targetLanguage, boolean sessionApi) implements SessionPlan {
        public Listen {
            Objects.requireNonNull(sessionId, "sessionId is null");
            Objects.requireNonNull(targetLanguage, "targetLanguage is null");
        }

        /** Without the session API. */
        public Listen(SessionId sessionId, LanguageCode targetLanguage) {
            this(sessionId, targetLanguage, false);
        }

        public Role role() {
            return Role.LISTENER;
        }
    }
}
