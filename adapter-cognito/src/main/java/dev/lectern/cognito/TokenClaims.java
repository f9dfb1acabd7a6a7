package dev.lectern.cognito;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The claims a client needs from its own ID token, read without verifying it (the server verifies):
 * {@code exp}, to renew ahead of expiry since {@code ExpiresIn} may be absent, and {@code sub}. Nothing
 * here ever prints the token.
 */
public record TokenClaims(Instant expiresAt, String subject) {
    private static final Pattern EXP = Pattern.compile("\"exp\"\\s*:\\s*(\\d+)");
    private static final Pattern SUB = Pattern.compile("\"sub\"\\s*:\\s*\"([^\"]*)\"");

    /**
     * Reads the payload of {@code jwt}.
     *
     * @throws IllegalArgumentException if it is not a JWT with a numeric {@code exp}; the message never
     *     contains the token
     */
    public static TokenClaims of(String jwt) {
        Objects.requireNonNull(jwt, "jwt is null");
        String[] parts = jwt.split("\\.");
        if (parts.length < 2) {
            throw new IllegalArgumentException("token is not a JWT (" + parts.length + " part(s))");
        }
        String payload;
        try {
            payload = new String(Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("token payload is not base64url", null);
        }
        Matcher exp = EXP.matcher(payload);
        if (!exp.find()) {
            throw new IllegalArgumentException("token has no numeric exp claim");
        }
        Matcher sub = SUB.matcher(payload);
        return new TokenClaims(Instant.ofEpochSecond(Long.parseLong(exp.group(1))), sub.find() ? sub.group(1) : null);
    }
}
