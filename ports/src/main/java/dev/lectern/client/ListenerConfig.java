package dev.lectern.client;

import dev.lectern.domain.LanguageCode;
import dev.lectern.domain.SessionId;
import dev.lectern.domain.session.SessionSettings;
import java.util.Objects;

/**
 * A listener's configuration: the session to join, the language to hear, the session timings.
 * Immutable; {@code build()} validates the session id (trimmed, lower-cased, pattern of protocol
 * section 6) and the language, so a malformed id fails before any connection is opened.
 */
public final class ListenerConfig {
    private final SessionId sessionId;
    private final LanguageCode targetLanguage;
    private final SessionSettings settings;

    private ListenerConfig(SessionId sessionId, LanguageCode targetLanguage, SessionSettings settings) {
        this.sessionId = sessionId;
        this.targetLanguage = targetLanguage;
        this.settings = settings;
    }

    public static Builder builder() {
        return new Builder();
    }

    public Builder toBuilder() {
        return new Builder().sessionId(sessionId.value()).targetLanguage(targetLanguage.value()).settings(settings);
    }

    public SessionId sessionId() {
        return sessionId;
    }

    public LanguageCode targetLanguage() {
        return targetLanguage;
    }

    public SessionSettings settings() {
        return settings;
    }

    @Override
    public String toString() {
        return "ListenerConfig[sessionId=" + sessionId + ", targetLanguage=" + targetLanguage + ", " + settings + "]";
    }

    /** Builder; {@code sessionId} and {@code targetLanguage} are required. */
    public static final class Builder {
        private String sessionId;
        private String targetLanguage;
        private SessionSettings settings = SessionSettings.ofDefaults();

        private Builder() {}

        /** The id the speaker shared, e.g. {@code golden-eagle-427}; trimmed and lower-cased. */
        public Builder sessionId(String value) {
            sessionId = value;
            return this;
        }

        /** ISO 639-1 code of the language to hear. */
        public Builder targetLanguage(String value) {
            targetLanguage = value;
            return this;
        }

        public Builder settings(SessionSettings value) {
            settings = Objects.requireNonNull(value, "settings is null");
            return this;
        }

        public ListenerConfig build() {
            if (sessionId == null) {
                throw new IllegalArgumentException("sessionId is required, was: null");
            }
            if (targetLanguage == null) {
                throw new IllegalArgumentException("targetLanguage is required, was: null");
            }
            return new ListenerConfig(SessionId.of(sessionId), LanguageCode.of(targetLanguage), settings);
        }
    }
}
