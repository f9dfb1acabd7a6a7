package dev.lectern.domain;

/**
 * A Cognito ID token (a JWT) that a speaker presents on connect. Its {@code toString()} never shows the
 * value: tokens must not reach logs, exception messages or events.
 *
 * @param expiresAtMillis when the token expires (epoch ms), or 0 when the provider does not say
 */
public record IdToken(String value, long expiresAtMillis) {
    public IdToken {
        Checks.require(value != null && !value.isBlank(), "idToken", "<redacted>", "must not be blank");
        Checks.require(expiresAtMillis >= 0, "idToken.expiresAtMillis", expiresAtMillis, "must not be negative");
    }

    /** A token whose expiry is not known. */
    public IdToken(String value) {
        this(value, 0);
    }

    @Override
    public String toString() {
        return "IdToken[<redacted>]";
    }
}
