package dev.lectern.domain;

import java.util.Locale;

/** The session's quality tier; the wire name is the lower-case constant name. */
public enum QualityTier {
    STANDARD,
    PREMIUM;

    /** The name used on the wire: {@code standard} or {@code premium}. */
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Parses a wire or user value, case-insensitively. */
    public static QualityTier of(String raw) {
        Checks.require(raw != null, "qualityTier", null, "must not be null");
        for (QualityTier tier : values()) {
            if (tier.wireName().equals(raw.trim().toLowerCase(Locale.ROOT))) {
                return tier;
            }
        }
        throw new IllegalArgumentException("qualityTier must be standard or premium, was: '" + raw + "'");
    }
}
