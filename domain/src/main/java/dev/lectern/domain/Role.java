package dev.lectern.domain;

import java.util.Locale;

/** The two client roles. */
public enum Role {
    SPEAKER,
    LISTENER;

    /** The name used on the wire: {@code speaker} or {@code listener}. */
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Parses a wire value, case-insensitively. */
    public static Role of(String raw) {
        Checks.require(raw != null, "role", null, "must not be null");
        for (Role role : values()) {
            if (role.wireName().equals(raw.trim().toLowerCase(Locale.ROOT))) {
                return role;
            }
        }
        throw new IllegalArgumentException("role must be speaker or listener, was: '" + raw + "'");
    }
}
