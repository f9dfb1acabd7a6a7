package dev.lectern.domain;

import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/** An ISO 639-1 two-letter language code, lower case ({@code en}, {@code es}, {@code de}). */
public record LanguageCode(String value) {
    private static final Pattern TWO_LETTERS = Pattern.compile("^[a-z]{2}$");
    private static final Set<String> ISO_639_1 = Set.of(Locale.getISOLanguages());

    public LanguageCode {
        Checks.require(value != null, "languageCode", null, "must not be null");
        Checks.require(TWO_LETTERS.matcher(value).matches(), "languageCode", value,
                "must be two lower-case letters (ISO 639-1)");
        Checks.require(ISO_639_1.contains(value), "languageCode", value, "is not an ISO 639-1 language");
    }

    /** Parses user input: trims and lower-cases, then validates. */
    public static LanguageCode of(String raw) {
        Checks.require(raw != null, "languageCode", null, "must not be null");
        return new LanguageCode(raw.trim().toLowerCase(Locale.ROOT));
    }

    @Override
    public String toString() {
        return value;
    }
}
