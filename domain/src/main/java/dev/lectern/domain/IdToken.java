package dev.lectern.domain;

/**
 * A Cognito ID token (a JWT) that a speaker presents on connect. Its {@code toString()} never shows the
 * value: tokens must not reach logs, exception messages or events.
 */
public record IdToken(String value) {
    public IdToken {
        Checks.require(value != null && !value.isBlank(), "idToken", "<redacted>", "must not be blank");
    }

    @Override
    public String toString() {
        return "IdToken[<redacted>]";
    }
}
