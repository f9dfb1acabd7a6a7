package dev.lectern.domain.session;

/** What a {@code Connecting} state connects for. */
public enum ConnectMode {
    /** {@code createSession} (speaker; also after a drop when the old session is gone). */
    CREATE,
    /** {@code joinSession} (listener, first time and after a drop). */
    JOIN,
    /** {@code refreshConnection}: a speaker resuming its session, or a refresh candidate promoted after the old connection died. */
    RESUME,
    /**
     * A speaker's connect to a session created over the HTTP session API: {@code sessionId} and token, no
     * action (protocol section 11.2).
     */
    ATTACH
}
