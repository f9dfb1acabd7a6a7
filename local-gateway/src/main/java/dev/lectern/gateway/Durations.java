package dev.lectern.gateway;

import java.time.Duration;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Durations as people write them on a command line: {@code 250ms}, {@code 90s}, {@code 100m}, {@code 2h}, {@code 0}, or ISO-8601. */
public final class Durations {
    private static final Pattern SHORT = Pattern.compile("^(\\d+)(ms|s|m|h)$");

    private Durations() {}

    /**
     * The duration {@code value} stands for.
     *
     * @throws IllegalArgumentException naming the value, if it is none of the accepted forms
     */
    public static Duration parse(String value) {
        String v = value == null ? "" : value.trim().toLowerCase(Locale.ROOT);
        if (v.equals("0")) {
            return Duration.ZERO;
        }
        Matcher m = SHORT.matcher(v);
        if (m.matches()) {
            long n = Long.parseLong(m.group(1));
            return switch (m.group(2)) {
                case "ms" -> Duration.ofMillis(n);
                case "s" -> Duration.ofSeconds(n);
                case "m" -> Duration.ofMinutes(n);
                default -> Duration.ofHours(n);
            };
        }
        try {
            return Duration.parse(value.trim());
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("'" + value + "' is not a duration (write 90s, 100m, 2h or ISO-8601 like PT90S)");
        }
    }
}
