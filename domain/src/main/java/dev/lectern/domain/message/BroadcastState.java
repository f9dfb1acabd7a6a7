package dev.lectern.domain.message;

/** The session's broadcast state as the server reports it (protocol section 3.2). */
public record BroadcastState(boolean isActive, boolean isPaused, boolean isMuted, double volume, long lastStateChange) {
    /** The state of a new session: active, not paused, not muted, full volume. */
    public static BroadcastState initial(long timestamp) {
        return new BroadcastState(true, false, false, 1.0, timestamp);
    }
}
