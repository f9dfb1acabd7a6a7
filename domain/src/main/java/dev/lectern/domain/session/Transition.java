package dev.lectern.domain.session;

import dev.lectern.domain.session.SessionState.Kind;
import java.util.EnumSet;
import java.util.Set;

/**
 * Every legal move between kinds of state, listed once. The machine checks each step against this
 * list and the property tests use it as their oracle.
 */
public enum Transition {
    CONNECTING_TO_CONNECTING(Kind.CONNECTING, Kind.CONNECTING),
    CONNECTING_TO_ACTIVE(Kind.CONNECTING, Kind.ACTIVE),
    CONNECTING_TO_PAUSED(Kind.CONNECTING, Kind.PAUSED),
    CONNECTING_TO_ENDED(Kind.CONNECTING, Kind.ENDED),
    ACTIVE_TO_ACTIVE(Kind.ACTIVE, Kind.ACTIVE),
    ACTIVE_TO_REFRESHING(Kind.ACTIVE, Kind.REFRESHING),
    ACTIVE_TO_PAUSED(Kind.ACTIVE, Kind.PAUSED),
    ACTIVE_TO_CONNECTING(Kind.ACTIVE, Kind.CONNECTING),
    ACTIVE_TO_ENDED(Kind.ACTIVE, Kind.ENDED),
    REFRESHING_TO_REFRESHING(Kind.REFRESHING, Kind.REFRESHING),
    REFRESHING_TO_ACTIVE(Kind.REFRESHING, Kind.ACTIVE),
    REFRESHING_TO_PAUSED(Kind.REFRESHING, Kind.PAUSED),
    REFRESHING_TO_CONNECTING(Kind.REFRESHING, Kind.CONNECTING),
    REFRESHING_TO_ENDED(Kind.REFRESHING, Kind.ENDED),
    PAUSED_TO_PAUSED(Kind.PAUSED, Kind.PAUSED),
    PAUSED_TO_ACTIVE(Kind.PAUSED, Kind.ACTIVE),
    PAUSED_TO_REFRESHING(Kind.PAUSED, Kind.REFRESHING),
    PAUSED_TO_CONNECTING(Kind.PAUSED, Kind.CONNECTING),
    PAUSED_TO_ENDED(Kind.PAUSED, Kind.ENDED),
    ENDED_TO_ENDED(Kind.ENDED, Kind.ENDED);

    private final Kind from;
    private final Kind to;

    private static final Transition[][] TABLE = new Transition[Kind.values().length][Kind.values().length];

    static {
        for (Transition t : values()) {
            TABLE[t.from.ordinal()][t.to.ordinal()] = t;
        }
    }

    Transition(Kind from, Kind to) {
        this.from = from;
        this.to = to;
    }

    public Kind from() {
        return from;
    }

    public Kind to() {
        return to;
    }

    /** The transition from {@code from} to {@code to}; throws if there is none. */
    public static Transition between(Kind from, Kind to) {
        Transition t = TABLE[from.ordinal()][to.ordinal()];
        if (t == null) {
            throw new IllegalStateTransitionException(from, to);
        }
        return t;
    }

    /** The kinds reachable from {@code from} in one step. */
    public static Set<Kind> targets(Kind from) {
        Set<Kind> out = EnumSet.noneOf(Kind.class);
        for (Transition t : values()) {
            if (t.from == from) {
                out.add(t.to);
            }
        }
        return out;
    }
}
