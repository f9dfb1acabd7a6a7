package dev.lectern.domain.retry;

/**
 * A pure source of random draws: each draw returns a value and the next {@code Entropy}. The seed is an
 * input (the engine takes it from a secure source, tests from a fixed seed), so the state machine
 * stays deterministic and replayable. SplitMix64 mixing.
 */
public record Entropy(long state) {

    /** A draw: {@code value} in [0, 1) and the entropy to use next. */
    public record Draw(double value, Entropy next) {}

    public static Entropy seeded(long seed) {
        return new Entropy(seed);
    }

    public Draw nextDouble() {
        long s = state + 0x9E3779B97F4A7C15L;
        long z = s;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        z = z ^ (z >>> 31);
        return new Draw((z >>> 11) * 0x1.0p-53, new Entropy(s));
    }
}
