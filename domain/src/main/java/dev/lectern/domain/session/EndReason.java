package dev.lectern.domain.session;

/** Why a client reached {@code Ended}. */
public enum EndReason {
    /** The host ended the session or closed the client. */
    ENDED_BY_USER,
    /** The server ended the session (listeners: the speaker left). */
    SESSION_ENDED,
    /** The retry budget ran out. */
    RETRIES_EXHAUSTED,
    /** A failure that retrying cannot fix (bad parameters, unknown session, forbidden, bad credentials). */
    PERMANENT_ERROR,
    /** The listener's audio sink could no longer play (a full disk, a file that cannot be written, a device gone). */
    SINK_FAILED
}
