package dev.lectern.domain;

import java.util.Locale;
import java.util.regex.Pattern;

/**
 * A human-readable session id such as {@code golden-eagle-427} (protocol section 6).
 *
 * <p>{@link #of(String)} trims and lower-cases user input, then checks it against the server's own
 * pattern {@code ^[a-z]+-[a-z]+-\d{3}$}, so a malformed id is refused before any connection is opened.
 */
public record SessionId(String value) {
    /** The server's validation pattern. */
    public static final Pattern PATTERN = Pattern.compile("^[a-z]+-[a-z]+-\\d{3}$");

    public SessionId {
        Checks.require(value != null, "sessionId", null, "must not be null");
        Checks.require(PATTERN.matcher(value).matches(), "sessionId", value,
                "must look like adjective-noun-123 (pattern " + PATTERN.pattern() + ")");
    }

    /** Parses user input: trims, lower-cases, validates. */
    public static SessionId of(String raw) {
        Checks.require(raw != null, "sessionId", null, "must not be null");
        return new SessionId(raw.trim().toLowerCase(Locale.ROOT));
    }

    @Override
    public String toString() {
        return value;
    }
}
