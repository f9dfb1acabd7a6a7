package dev.lectern.client;

import dev.lectern.domain.LanguageCode;
import dev.lectern.domain.QualityTier;
import dev.lectern.domain.session.CreateParams;
import dev.lectern.domain.session.SessionSettings;
import java.util.Objects;

/**
 * A speaker's configuration: what session to create and the session timings. Immutable; build with
 * {@link #builder()}, which validates in {@code build()} and names the field and value it rejects.
 */
public final class SpeakerConfig {
    private final CreateParams createParams;
    private final SessionSettings settings;

    private SpeakerConfig(CreateParams createParams, SessionSettings settings) {
        this.createParams = createParams;
        this.settings = settings;
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
        return b;
    }

    public CreateParams createParams() {
        return createParams;
    }

    public SessionSettings settings() {
        return settings;
    }

    @Override
    public String toString() {
        return "SpeakerConfig[" + createParams + ", " + settings + "]";
    }

    /** Builder; {@code sourceLanguage} is required, everything else has a default. */
    public static final class Builder {
        private String sourceLanguage;
        private QualityTier qualityTier = QualityTier.STANDARD;
        private boolean partialResults = true;
        private double minStability = CreateParams.DEFAULT_MIN_STABILITY;
        private double maxBufferTimeoutSeconds = CreateParams.DEFAULT_MAX_BUFFER_TIMEOUT_SECONDS;
        private SessionSettings settings = SessionSettings.ofDefaults();

        private Builder() {}

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
            return new SpeakerConfig(params, settings);
        }
    }
}
