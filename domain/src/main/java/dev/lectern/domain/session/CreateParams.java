package dev.lectern.domain.session;

import dev.lectern.domain.Checks;
import dev.lectern.domain.LanguageCode;
import dev.lectern.domain.QualityTier;
import java.util.Objects;

/**
 * The parameters of a {@code createSession} connect (protocol section 1).
 *
 * @param minStability 0.70 to 0.95
 * @param maxBufferTimeoutSeconds 2.0 to 10.0
 */
public record CreateParams(LanguageCode sourceLanguage, QualityTier qualityTier, boolean partialResults,
                           double minStability, double maxBufferTimeoutSeconds) {
    public static final double DEFAULT_MIN_STABILITY = 0.85;
    public static final double DEFAULT_MAX_BUFFER_TIMEOUT_SECONDS = 5.0;

    public CreateParams {
        Objects.requireNonNull(sourceLanguage, "sourceLanguage is null");
        Objects.requireNonNull(qualityTier, "qualityTier is null");
        Checks.require(minStability >= 0.70 && minStability <= 0.95, "minStability", minStability,
                "must be between 0.70 and 0.95");
        Checks.require(maxBufferTimeoutSeconds >= 2.0 && maxBufferTimeoutSeconds <= 10.0, "maxBufferTimeout",
                maxBufferTimeoutSeconds, "must be between 2.0 and 10.0 seconds");
    }

    /** Defaults for everything but the language. */
    public static CreateParams of(LanguageCode sourceLanguage) {
        return new CreateParams(sourceLanguage, QualityTier.STANDARD, true, DEFAULT_MIN_STABILITY,
                DEFAULT_MAX_BUFFER_TIMEOUT_SECONDS);
    }
}
