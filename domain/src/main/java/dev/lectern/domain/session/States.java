package dev.lectern.domain.session;

import dev.lectern.domain.ConnectionId;
import dev.lectern.domain.message.ServerMessage;
import dev.lectern.domain.session.SessionState.Active;
import dev.lectern.domain.session.SessionState.Connecting;
import dev.lectern.domain.session.SessionState.Ended;
import dev.lectern.domain.session.SessionState.Paused;
import dev.lectern.domain.session.SessionState.Refreshing;
import java.time.Duration;

/** Helpers on states: which connection is current, which is the candidate, the state for given parts. */
final class States {
    private States() {}

    static boolean isCandidate(Candidate cand, ConnectionId id) {
        return cand != null && cand.step() == Step.OPENING && id.equals(cand.id());
    }

    static boolean isSessionGone(LecternError error) {
        return "SESSION_NOT_FOUND".equals(error.code()) || error.status() == 404;
    }

    static LecternError errorOf(ServerMessage.ErrorFrame error) {
        int status = error.status() != null ? error.status() : 0;
        Duration retryAfter = error.retryAfterSeconds() != null ? Duration.ofSeconds(error.retryAfterSeconds()) : null;
        FailureClass failureClass = FailureClass.of(status == 0 ? 400 : status, error.code());
        return new LecternError(error.code(), error.message(), status, retryAfter, failureClass != FailureClass.TRANSIENT);
    }

    /**
     * Whether {@code message} confirms a connect made for {@code mode}: its first frame (section 1) or, for
     * every connect but a WebSocket creation, which must learn the session id, the first {@code heartbeatAck}
     * (a service that sends no first frame, section 11.5).
     */
    static boolean confirms(ConnectMode mode, ServerMessage message) {
        return switch (mode) {
            case CREATE -> message instanceof ServerMessage.SessionCreated;
            case JOIN -> message instanceof ServerMessage.SessionJoined || message instanceof ServerMessage.HeartbeatAck;
            case RESUME, ATTACH -> message instanceof ServerMessage.ConnectionRefreshComplete
                    || message instanceof ServerMessage.HeartbeatAck;
        };
    }

    /** Whether a {@code sessionEnded} is about this client's session. */
    static boolean concerns(Context ctx, ServerMessage.SessionEnded ended) {
        return ctx.sessionId() != null && (ended.sessionId() == null || ended.sessionId().equals(ctx.sessionId()));
    }

    static Link current(SessionState state) {
        if (state instanceof Active a) {
            return a.current();
        }
        if (state instanceof Refreshing r) {
            return r.current();
        }
        if (state instanceof Paused p) {
            return p.current();
        }
        return null;
    }

    static Candidate candidate(SessionState state) {
        if (state instanceof Refreshing r) {
            return r.candidate();
        }
        if (state instanceof Paused p) {
            return p.candidate();
        }
        return null;
    }

    /** The connected state for these parts: paused wins, then refreshing, else active. */
    static SessionState connectedState(Context ctx, Link link, Candidate cand) {
        if (ctx.paused()) {
            return new Paused(ctx, link, cand);
        }
        return cand != null ? new Refreshing(ctx, link, cand) : new Active(ctx, link);
    }

    /** The same state with another context. */
    static SessionState with(SessionState state, Context ctx) {
        if (state instanceof Connecting c) {
            return new Connecting(ctx, c.mode(), c.attempt(), c.step(), c.connection(), c.tokenRenewed(), c.lastError());
        }
        if (state instanceof Ended e) {
            return new Ended(ctx, e.reason());
        }
        return connectedState(ctx, current(state), candidate(state));
    }

    static SessionState withLink(SessionState state, Link link) {
        return connectedState(state.context(), link, candidate(state));
    }
}
