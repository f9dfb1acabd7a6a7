package dev.lectern.gateway;

import dev.lectern.domain.Role;

/**
 * Watches what the gateway does, for tests and tools that measure it (connect storms, slow consumers). The
 * gateway itself keeps no history: whatever an observer records is the observer's memory. Methods are
 * called on the gateway's threads, concurrently; they must be fast and must not throw.
 */
public interface GatewayObserver {
    /** Observes nothing. */
    GatewayObserver NONE = new GatewayObserver() {};

    /** A connect attempt reached the gateway at {@code epochMillis}, before any check (refused or not). */
    default void connectAttempt(long epochMillis) {}

    /**
     * The gateway closes a connection on its own initiative: {@code code} 1013 for a consumer too slow to
     * keep up, 1001 for idle, heartbeat or age limits, 1000 after the session ended.
     */
    default void closing(String connection, Role role, int code, String reason) {}
}
