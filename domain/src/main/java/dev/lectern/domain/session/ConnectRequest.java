package dev.lectern.domain.session;

import dev.lectern.domain.IdToken;
import dev.lectern.domain.LanguageCode;
import dev.lectern.domain.Role;
import dev.lectern.domain.SessionId;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * What to connect for: one of the three connect actions of protocol section 1, or the deployed
 * service's connect by session id (section 11.2). The transport turns it
 * into URL query parameters; the token travels apart from the other parameters so nothing that prints a
 * request prints the token.
 */
public sealed interface ConnectRequest {

    /** The query parameters, in order, without the token; values are not encoded yet. */
    Map<String, String> queryParameters();

    /** The token to present, for speaker connects. */
    Optional<IdToken> token();

    /**
     * The first frame that confirms this connect on a service that sends one (protocol section 1); any
     * connect but {@code createSession} is also confirmed by its first {@code heartbeatAck} (section 11.5).
     */
    Class<? extends dev.lectern.domain.message.ServerMessage> confirmation();

    /** {@code action=createSession} (speaker). */
    record CreateSession(CreateParams params, IdToken idToken) implements ConnectRequest {
        public CreateSession {
            Objects.requireNonNull(params, "params is null");
            Objects.requireNonNull(idToken, "idToken is null");
        }

        public Map<String, String> queryParameters() {
            Map<String, String> q = new LinkedHashMap<>();
            q.put("action", "createSession");
            q.put("sourceLanguage", params.sourceLanguage().value());
            q.put("qualityTier", params.qualityTier().wireName());
            q.put("partialResults", Boolean.toString(params.partialResults()));
            q.put("minStability", Double.toString(params.minStability()));
            q.put("maxBufferTimeout", Double.toString(params.maxBufferTimeoutSeconds()));
            return q;
        }

        public Optional<IdToken> token() {
            return Optional.of(idToken);
        }

        public Class<dev.lectern.domain.message.ServerMessage.SessionCreated> confirmation() {
            return dev.lectern.domain.message.ServerMessage.SessionCreated.class;
        }
    }

    /** {@code action=joinSession} (listener, anonymous). */
    record JoinSession(SessionId sessionId, LanguageCode targetLanguage) implements ConnectRequest {
        public JoinSession {
            Objects.requireNonNull(sessionId, "sessionId is null");
            Objects.requireNonNull(targetLanguage, "targetLanguage is null");
        }

        public Map<String, String> queryParameters() {
            Map<String, String> q = new LinkedHashMap<>();
            q.put("action", "joinSession");
            q.put("sessionId", sessionId.value());
            q.put("targetLanguage", targetLanguage.value());
            return q;
        }

        public Optional<IdToken> token() {
            return Optional.empty();
        }

        public Class<dev.lectern.domain.message.ServerMessage.SessionJoined> confirmation() {
            return dev.lectern.domain.message.ServerMessage.SessionJoined.class;
        }
    }

    /**
     * {@code action=refreshConnection}: the new connection of a refresh, or a speaker resuming its session
     * after a drop. Speakers carry a token, listeners their target language.
     */
    record RefreshConnection(SessionId sessionId, Role role, LanguageCode targetLanguage, IdToken idToken)
            implements ConnectRequest {
        public RefreshConnection {
            Objects.requireNonNull(sessionId, "sessionId is null");
            Objects.requireNonNull(role, "role is null");
            if (role == Role.SPEAKER) {
                Objects.requireNonNull(idToken, "idToken is null (a speaker refresh needs one)");
            } else {
                Objects.requireNonNull(targetLanguage, "targetLanguage is null (a listener refresh needs one)");
            }
        }

        public Map<String, String> queryParameters() {
            Map<String, String> q = new LinkedHashMap<>();
            q.put("action", "refreshConnection");
            q.put("sessionId", sessionId.value());
            q.put("role", role.wireName());
            if (role == Role.LISTENER) {
                q.put("targetLanguage", targetLanguage.value());
            }
            return q;
        }

        public Optional<IdToken> token() {
            return role == Role.SPEAKER ? Optional.of(idToken) : Optional.empty();
        }

        public Class<dev.lectern.domain.message.ServerMessage.ConnectionRefreshComplete> confirmation() {
            return dev.lectern.domain.message.ServerMessage.ConnectionRefreshComplete.class;
        }
    }

    /**
     * The deployed service's speaker connect: {@code sessionId} of a session created over the HTTP session
     * API, and the token, with no {@code action} (protocol section 11.2). The service answers with no first
     * frame; the first {@code heartbeatAck} confirms it.
     */
    record Attach(SessionId sessionId, IdToken idToken) implements ConnectRequest {
        public Attach {
            Objects.requireNonNull(sessionId, "sessionId is null");
            Objects.requireNonNull(idToken, "idToken is null");
        }

        public Map<String, String> queryParameters() {
            Map<String, String> q = new LinkedHashMap<>();
            q.put("sessionId", sessionId.value());
            return q;
        }

        public Optional<IdToken> token() {
            return Optional.of(idToken);
        }

        public Class<dev.lectern.domain.message.ServerMessage.HeartbeatAck> confirmation() {
            return dev.lectern.domain.message.ServerMessage.HeartbeatAck.class;
        }
    }
}
