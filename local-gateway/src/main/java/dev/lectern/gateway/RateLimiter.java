package dev.lectern.gateway;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Fixed-window rate limit per key (protocol section 5): at most {@code limit} events per window; a
 * refused event learns the whole seconds left in the window.
 */
final class RateLimiter {
    private final int limit;
    private final long windowMillis;
    private final Map<String, long[]> windows = new ConcurrentHashMap<>();

    RateLimiter(int limit, Duration window) {
        this.limit = limit;
        this.windowMillis = window.toMillis();
    }

    /** -1 if allowed (and counted), else the seconds to wait. */
    long acquire(String key, long now) {
        if (limit <= 0) {
            return -1;
        }
        long[] w = windows.computeIfAbsent(key, k -> new long[] {now, 0});
        synchronized (w) {
            if (now - w[0] >= windowMillis) {
                w[0] = now;
                w[1] = 0;
            }
            if (w[1] < limit) {
                w[1]++;
                return -1;
            }
            return Math.max(0, (windowMillis - (now - w[0])) / 1000);
        }
    }
}
