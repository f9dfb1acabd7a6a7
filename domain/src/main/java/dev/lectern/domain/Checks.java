package dev.lectern.domain;

import java.time.Duration;

/** Argument checks shared by the value types and configuration records. */
public final class Checks {
    private Checks() {}

    /** Fails with a message naming {@code field} and {@code value} unless {@code ok}. */
    public static void require(boolean ok, String field, Object value, String rule) {
        if (!ok) {
            throw new IllegalArgumentException(field + " " + rule + ", was: " + describe(value));
        }
    }

    /** Requires a strictly positive duration. */
    public static Duration positive(Duration value, String field) {
        require(value != null, field, null, "must not be null");
        require(!value.isNegative() && !value.isZero(), field, value, "must be positive");
        return value;
    }

    /** Requires a duration that is zero or positive. */
    public static Duration notNegative(Duration value, String field) {
        require(value != null, field, null, "must not be null");
        require(!value.isNegative(), field, value, "must not be negative");
        return value;
    }

    private static String describe(Object value) {
        return value instanceof String ? "'" + value + "'" : String.valueOf(value);
    }
}
