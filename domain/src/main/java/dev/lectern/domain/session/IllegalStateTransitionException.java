package dev.lectern.domain.session;

/** A step the machine must never take; thrown only on a bug, naming both states. */
public final class IllegalStateTransitionException extends IllegalStateException {
    private static final long serialVersionUID = 1L;

    private final SessionState.Kind from;
    private final SessionState.Kind to;

    public IllegalStateTransitionException(SessionState.Kind from, SessionState.Kind to) {
        super("illegal transition from " + from + " to " + to);
        this.from = from;
        this.to = to;
    }

    public SessionState.Kind from() {
        return from;
    }

    public SessionState.Kind to() {
        return to;
    }
}
