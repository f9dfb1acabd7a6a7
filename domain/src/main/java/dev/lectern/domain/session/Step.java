package dev.lectern.domain.session;

/** Where a connect attempt (first, reconnect or refresh candidate) stands. */
public enum Step {
    /** Not started yet (only the initial state). */
    IDLE,
    /** Waiting for the HTTP session API to create the session. */
    AWAITING_SESSION,
    /** Waiting for the token provider. */
    AWAITING_TOKEN,
    /** Connection opened, waiting for its confirming first frame. */
    OPENING,
    /** Waiting for the backoff timer before the next attempt. */
    BACKOFF
}
