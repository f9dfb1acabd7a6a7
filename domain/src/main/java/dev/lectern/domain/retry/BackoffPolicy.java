package dev.lectern.domain.retry;

import dev.lectern.domain.Checks;
import java.time.Duration;

/**
 * Exponential backoff: the n-th retry waits up to {@code min(maxDelay, initialDelay * multiplier^(n-1))},
 * spread by the {@link Jitter} mode; a server's {@code retryAfter} is a floor. After {@code maxAttempts}
 * failed retries the chain gives up ({@code 0} means never).
 *
 * @param initialDelay ceiling of the first retry's delay
 * @param multiplier growth of the ceiling per retry, at least 1
 * @param maxDelay the largest ceiling
 * @param jitter how a delay is drawn under its ceiling
 * @param maxAttempts retries before giving up; 0 for unlimited
 */
public record BackoffPolicy(Duration initialDelay, double multiplier, Duration maxDelay, Jitter jitter, int maxAttempts) {

    /** How a delay is drawn from its ceiling {@code c}. */
    public enum Jitter {
        /** Uniform in [0, c): spreads a crowd of clients the most. */
        FULL,
        /** Uniform in [c/2, c). */
        EQUAL,
        /** Exactly c. */
        NONE
    }

    /** Lectern's default: full jitter, first retry within 1 s, ceiling doubling up to 30 s, 10 retries. */
    public static final BackoffPolicy DEFAULT =
            new BackoffPolicy(Duration.ofSeconds(1), 2.0, Duration.ofSeconds(30), Jitter.FULL, 10);

    /**
     * The original reference clients' schedule, 30, 60, 120, 240, 300 s then give up (protocol 7.6);
     * kept for hosts that must reproduce it. Without jitter, as the original.
     */
    public static final BackoffPolicy SEED_SCHEDULE =
            new BackoffPolicy(Duration.ofSeconds(30), 2.0, Duration.ofSeconds(300), Jitter.NONE, 5);

    /** The smallest wait when a server asks to retry after 0 s (protocol section 4). */
    public static final Duration MIN_RETRY_AFTER = Duration.ofSeconds(1);

    public BackoffPolicy {
        Checks.positive(initialDelay, "initialDelay");
        Checks.require(multiplier >= 1.0 && Double.isFinite(multiplier), "multiplier", multiplier, "must be at least 1");
        Checks.positive(maxDelay, "maxDelay");
        Checks.require(maxDelay.compareTo(initialDelay) >= 0, "maxDelay", maxDelay, "must not be less than initialDelay " + initialDelay);
        Checks.require(jitter != null, "jitter", null, "must not be null");
        Checks.require(maxAttempts >= 0, "maxAttempts", maxAttempts, "must not be negative (0 = unlimited)");
    }

    /** True when a chain that has made {@code attempt} retries may make another. */
    public boolean allows(int attempt) {
        return maxAttempts == 0 || attempt <= maxAttempts;
    }

    /** The ceiling for retry number {@code attempt} (1-based). */
    public Duration ceiling(int attempt) {
        Checks.require(attempt >= 1, "attempt", attempt, "must be at least 1");
        double millis = initialDelay.toMillis() * Math.pow(multiplier, Math.min(attempt - 1, 60));
        return millis >= maxDelay.toMillis() ? maxDelay : Duration.ofMillis((long) millis);
    }

    /**
     * The delay before retry number {@code attempt}, for a random draw in [0, 1), at least
     * {@code retryAfter} (itself at least {@link #MIN_RETRY_AFTER}) when the server gave one.
     */
    public Duration delay(int attempt, double random, Duration retryAfter) {
        Checks.require(random >= 0.0 && random < 1.0, "random", random, "must be in [0, 1)");
        long c = ceiling(attempt).toMillis();
        long drawn = switch (jitter) {
            case FULL -> (long) (random * c);
            case EQUAL -> c / 2 + (long) (random * (c - c / 2));
            case NONE -> c;
        };
        Duration delay = Duration.ofMillis(drawn);
        if (retryAfter != null) {
            Duration floor = retryAfter.compareTo(MIN_RETRY_AFTER) < 0 ? MIN_RETRY_AFTER : retryAfter;
            if (delay.compareTo(floor) < 0) {
                delay = floor;
            }
        }
        return delay;
    }

    public BackoffPolicy withMaxAttempts(int attempts) {
        return new BackoffPolicy(initialDelay, multiplier, maxDelay, jitter, attempts);
    }
}
