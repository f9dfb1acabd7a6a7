package dev.lectern.cognito;

import java.net.URI;
import java.time.Duration;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Where and how to sign in: the region, an optional endpoint (cognito-local, a VPC endpoint), the app
 * client id and its secret if it has one, how long before expiry to renew, and the call timeout.
 * Invalid values fail at {@link Builder#build()} naming the field and value (never the secret).
 */
public record CognitoSettings(String region, URI endpointOverride, String clientId, String clientSecret,
                              Duration renewalMargin, Duration callTimeout, int retryAttempts, Duration retryInitialDelay,
                              Duration circuitOpenFor) {
    /** Attempts of one call to Cognito when it throttles, fails internally or cannot be reached (default 3). */
    public static final int DEFAULT_RETRY_ATTEMPTS = 3;
    /** The first wait between attempts; it doubles, with jitter (default 200 ms). */
    public static final Duration DEFAULT_RETRY_INITIAL_DELAY = Duration.ofMillis(200);
    /** How long calls fail fast once Cognito looks unavailable, before one is tried again (default 30 s). */
    public static final Duration DEFAULT_CIRCUIT_OPEN_FOR = Duration.ofSeconds(30);
    public static final Duration DEFAULT_RENEWAL_MARGIN = Duration.ofMinutes(5);
    public static final Duration DEFAULT_CALL_TIMEOUT = Duration.ofSeconds(10);
    private static final Pattern REGION = Pattern.compile("^[a-z]{2}(-[a-z]+)+-\\d$|^local$");

    public CognitoSettings {
        Objects.requireNonNull(region, "region is null");
        if (!REGION.matcher(region).matches()) {
            throw new IllegalArgumentException("region must look like us-east-1, was: '" + region + "'");
        }
        if (clientId == null || clientId.isBlank()) {
            throw new IllegalArgumentException("clientId is required, was: " + (clientId == null ? "null" : "'" + clientId + "'"));
        }
        if (endpointOverride != null && !("http".equals(endpointOverride.getScheme()) || "https".equals(endpointOverride.getScheme()))) {
            throw new IllegalArgumentException("endpointOverride must be an http(s) URL, was: " + endpointOverride);
        }
        if (renewalMargin == null || renewalMargin.isNegative()) {
            throw new IllegalArgumentException("renewalMargin must not be negative, was: " + renewalMargin);
        }
        if (callTimeout == null || callTimeout.isNegative() || callTimeout.isZero()) {
            throw new IllegalArgumentException("callTimeout must be positive, was: " + callTimeout);
        }
        if (retryAttempts < 1 || retryAttempts > 10) {
            throw new IllegalArgumentException("retryAttempts must be between 1 and 10, was: " + retryAttempts);
        }
        if (retryInitialDelay == null || retryInitialDelay.isNegative() || retryInitialDelay.isZero()) {
            throw new IllegalArgumentException("retryInitialDelay must be positive, was: " + retryInitialDelay);
        }
        if (circuitOpenFor == null || circuitOpenFor.isNegative() || circuitOpenFor.isZero()) {
            throw new IllegalArgumentException("circuitOpenFor must be positive, was: " + circuitOpenFor);
        }
    }

    public static Builder builder() {
        return new Builder();
    }

    @Override
    public String toString() {
        return "CognitoSettings[region=" + region + ", endpointOverride=" + endpointOverride + ", clientId=" + clientId
                + ", clientSecret=" + (clientSecret == null ? "none" : "<redacted>") + ", renewalMargin=" + renewalMargin
                + ", callTimeout=" + callTimeout + ", retryAttempts=" + retryAttempts + ", circuitOpenFor=" + circuitOpenFor + "]";
    }

    /** Builder; region and client id are required. */
    public static final class Builder {
        private String region;
        private URI endpointOverride;
        private String clientId;
        private String clientSecret;
        private Duration renewalMargin = DEFAULT_RENEWAL_MARGIN;
        private Duration callTimeout = DEFAULT_CALL_TIMEOUT;
        private int retryAttempts = DEFAULT_RETRY_ATTEMPTS;
        private Duration retryInitialDelay = DEFAULT_RETRY_INITIAL_DELAY;
        private Duration circuitOpenFor = DEFAULT_CIRCUIT_OPEN_FOR;

        public Builder region(String v) {
            region = v;
            return this;
        }

        public Builder endpointOverride(URI v) {
            endpointOverride = v;
            return this;
        }

        public Builder clientId(String v) {
            clientId = v;
            return this;
        }

        /** The app client's secret; then every call carries {@code SECRET_HASH}. */
        public Builder clientSecret(String v) {
            clientSecret = v;
            return this;
        }

        /** Renew the ID token when less than this is left (default 5 min). */
        public Builder renewalMargin(Duration v) {
            renewalMargin = v;
            return this;
        }

        public Builder callTimeout(Duration v) {
            callTimeout = v;
            return this;
        }

        /** Attempts per call while Cognito throttles, fails internally or cannot be reached (1: no retry). */
        public Builder retryAttempts(int v) {
            retryAttempts = v;
            return this;
        }

        public Builder retryInitialDelay(Duration v) {
            retryInitialDelay = v;
            return this;
        }

        /** How long to fail fast once Cognito looks unavailable. */
        public Builder circuitOpenFor(Duration v) {
            circuitOpenFor = v;
            return this;
        }

        public CognitoSettings build() {
            return new CognitoSettings(region, endpointOverride, clientId, clientSecret, renewalMargin, callTimeout,
                    retryAttempts, retryInitialDelay, circuitOpenFor);
        }
    }
}
