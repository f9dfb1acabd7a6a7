package dev.lectern.client;

import dev.lectern.domain.session.EndReason;
import dev.lectern.domain.session.LecternError;

/**
 * Lectern's one unchecked exception: a client could not do what was asked. Carries the structured
 * error (code, HTTP status, retry hint, permanence) and, when the client ended, why.
 */
public class LecternException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final transient LecternError error;
    private final EndReason endReason;

    public LecternException(String message, LecternError error, EndReason endReason) {
        super(message);
        this.error = error;
        this.endReason = endReason;
    }

    /** The error behind it, or null when the client ended without one (for example closed by the host). */
    public LecternError error() {
        return error;
    }

    /** Why the client ended, or null if it has not. */
    public EndReason endReason() {
        return endReason;
    }
}
