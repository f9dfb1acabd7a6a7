package dev.lectern.domain.session;

/** The machine's timers; at most one of each runs, and starting one again replaces it. */
public enum TimerKey {
    /** Waiting for the first frame of a connect. */
    CONFIRM,
    /** Waiting before the next connect attempt. */
    RECONNECT,
    /** Time to send the next heartbeat. */
    HEARTBEAT,
    /** A heartbeat's answer (or any frame) is due. */
    HEARTBEAT_ACK,
    /** The client's own connection-age clock: refresh even if the server never asked. */
    REFRESH_CLOCK,
    /** Waiting for {@code connectionRefreshComplete} on the candidate connection. */
    REFRESH_CONFIRM,
    /** Waiting before the next refresh attempt. */
    REFRESH_RETRY,
    /** The current connection reaches the service's maximum age. */
    CUTOFF,
    /** The listener's jitter buffer gives up waiting for a missing chunk. */
    REORDER,
    /** A listener checks that audio still flows; when it stops without a pause, it probes the link. */
    AUDIO_WATCH,
    /** After {@code sessionEnded}, the wait for the last translated segments ends. */
    END_LINGER,
    /** A speaker's end on the deployed service: the current step's wait is over (section 11.5). */
    END_STEP,
    /** A rejoined listener has waited long enough for audio (section 11.5). */
    REJOIN_AUDIO,
    /** A listener's language change on the deployed service has waited long enough for a segment in the new language. */
    LANGUAGE_CONFIRM,
    /** A listener's read of the session before a rejoin has waited long enough for its answer. */
    SESSION_READ
}
