package dev.lectern.domain.event;

/** Why captured audio was not sent. */
public enum DropReason {
    /** The send queue was full while the client could not send; the oldest audio went first. */
    QUEUE_FULL,
    /** Captured while the broadcast was paused. */
    PAUSED,
    /** Captured while the speaker had muted the broadcast (kept locally where the service cannot carry it). */
    MUTED,
    /** Still queued when the client ended, or captured while it was ending. */
    SESSION_ENDED,
    /** The transport failed to write it. */
    TRANSPORT_FAILURE
}
