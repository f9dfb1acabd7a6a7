package dev.lectern.client;

import dev.lectern.domain.LanguageCode;
import dev.lectern.domain.QualityTier;
import dev.lectern.domain.session.CreateParams;
import dev.lectern.domain.session.SessionSettings;
import java.net.URI;
import java.util.Objects;

/**
 * A speaker's configuration: what session to create and the session timings. Immutable; build with
 * {@link #builder()}, which validates in {@code build()} and names the field and value it rejects.
 */
public final class SpeakerConfig {
    private final CreateParams createParams;
    private final SessionSettings settings;
    private final URI sessionApi;

    private SpeakerConfig(CreateParams createParams, SessionSettings settings, URI sessionApi) {
        this.createParams = createParams;
        this.settings = settings;
        this.sessionApi = sessionApi;
    }

    public static Builder builder() {
        return new Builder();
    }

    public Builder toBuilder() {
        Builder b = new Builder();
        b.sourceLanguage = createParams.sourceLanguage().value();
        b.qualityTier = createParams.qualityTier();
        b.partialResults = createParams.partialResults();
        b.minStability = createParams.minStability();
        b.maxBufferTimeoutSeconds = createParams.maxBufferTimeoutSeconds();
        b.settings = settings;
        b.sessionApi = sessionApi;
        return b;
    }

    public CreateParams createParams() {
        return createParams;
    }

    public SessionSettings settings() {
        return settings;
    }

    /**
     * The service's HTTP session API (protocol section 11.1), or null. With it the speaker creates its
     * session with {@code POST /sessions}, connects by session id and ends it with {@code DELETE}; without
     * it the session is created over the WebSocket ({@code action=createSession}).
     */
    public URI sessionApi() {
        return sessionApi;
    }

    @Override
    public String toString() {
        return "SpeakerConfig[" + createParams + ", " + settings + (sessionApi == null ? "" : ", sessionApi=" + sessionApi) + "]";
    }

    /** Builder; {@code sourceLanguage} is required, everything else has a default. */
    public static final class Builder {
        private String sourceLanguage;
        private QualityTier qualityTier = QualityTier.STANDARD;
        private boolean partialResults = true;
        private double minStability = CreateParams.DEFAULT_MIN_STABILITY;
        private double maxBufferTimeoutSeconds = CreateParams.DEFAULT_MAX_BUFFER_TIMEOUT_SECONDS;
        private SessionSettings settings = SessionSettings.ofDefaults();
        private URI sessionApi;

        private Builder() {}

        /**
         * The service's HTTP session API, an {@code http://} or {@code https://} base URL without a query, e.g.
         * {@code https://abc123.execute-api.us-east-1.amazonaws.com}; null (the default) creates the session
         * over the WebSocket. The client then needs a {@code SessionApi} adapter for it.
         */
        public Builder sessionApi(URI value) {
            sessionApi = value;
            return this;
        }

        /** ISO 639-1 code of the language spoken, e.g. {@code en}. Required. */
        public Builder sourceLanguage(String value) {
            sourceLanguage = value;
            return this;
        }

        public Builder qualityTier(QualityTier value) {
            qualityTier = Objects.requireNonNull(value, "qualityTier is null");
            return this;
        }

        public Builder partialResults(boolean value) {
            partialResults = value;
            return this;
        }

        /** 0.70 to 0.95 (default 0.85). */
        public Builder minStability(double value) {
            minStability = value;
            return this;
        }

        /** Seconds, 2.0 to 10.0 (default 5.0). */
        public Builder maxBufferTimeoutSeconds(double value) {
            maxBufferTimeoutSeconds = value;
            return this;
        }

        public Builder settings(SessionSettings value) {
            settings = Objects.requireNonNull(value, "settings is null");
            return this;
        }

        public SpeakerConfig build() {
            if (sourceLanguage == null) {
                throw new IllegalArgumentException("sourceLanguage is required, was: null");
            }
            CreateParams params = new CreateParams(LanguageCode.of(sourceLanguage), qualityTier, partialResults,
                    minStability, maxBufferTimeoutSeconds);
            if (sessionApi != null) {
                String scheme = sessionApi.getScheme();
                if (!"http".equalsIgnoreCase(scheme) && !"https".equalsIgnoreCase(scheme) || sessionApi.getHost() == null) {
                    throw new IllegalArgumentException("sessionApi must be an http:// or https:// URL, was: " + sessionApi);
                }
                if (sessionApi.getRawQuery() != null || sessionApi.getRawFragment() != null) {
                    throw new IllegalArgumentException("sessionApi must not carry a query or fragment, was: "
                            + sessionApi.getScheme() + "://" + sessionApi.getRawAuthority() + sessionApi.getRawPath() + "?...");
                }
            }
            return new SpeakerConfig(params, settings, sessionApi);
        }
    }
}
