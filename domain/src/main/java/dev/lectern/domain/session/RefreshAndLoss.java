package dev.lectern.domain.session;

import static dev.lectern.domain.session.SessionMachine.CLOSE_ABNORMAL;
import static dev.lectern.domain.session.SessionMachine.CLOSE_NORMAL;
import static dev.lectern.domain.session.SessionMachine.speaker;
import static dev.lectern.domain.session.States.connectedState;
import static dev.lectern.domain.session.States.current;
import static dev.lectern.domain.session.States.with;
import static dev.lectern.domain.session.Ending.abortCandidate;
import static dev.lectern.domain.session.Ending.end;
import static dev.lectern.domain.session.WhileConnecting.scheduleRetry;
import static dev.lectern.domain.session.Streams.flushQueue;
import static dev.lectern.domain.session.Streams.resendLanguage;
import static dev.lectern.domain.session.Streams.startLinkTimers;

import dev.lectern.domain.ConnectionId;
import dev.lectern.domain.IdToken;
import dev.lectern.domain.LanguageCode;
import dev.lectern.domain.event.LecternEvent;
import dev.lectern.domain.retry.BackoffPolicy;
import dev.lectern.domain.retry.Entropy;
import dev.lectern.domain.session.SessionState.Connecting;
import java.time.Duration;
import java.util.List;

/**
 * Connections replaced: the make-before-break refresh (start, candidate, switch-over, failure) and the
 * loss of the current connection (reconnect, or the end where the service cannot take one).
 * Part of {@link SessionMachine}; pure, as it is.
 */
final class RefreshAndLoss {
    private RefreshAndLoss() {}

    static SessionState startRefresh(Run run, Context ctx, Link link, String trigger) {
        if (ctx.sessionApi() && !ctx.settings().deployed().speakerHandover()) {
            // The deployed service ends the session when the speaker's old connection closes (section 11.4):
            // a refresh would end it at once. Keep this connection to its cutoff and say so run.now.
            SessionSettings s = ctx.settings();
            long left = s.maxConnectionAge().toMillis() - (run.now - link.openedAt());
            if (trigger.equals("server request")) {
                // the service asks at its refresh age: its cut is the rest of the way to the maximum age away
                left = Math.min(left, s.maxConnectionAge().minus(s.refreshAfter()).toMillis());
            }
            run.notify(new LecternEvent.ConnectionWarning(Math.max(0, left) / 60_000.0,
                    "the speaker's hand-over is turned off, and this service ends a speaker's session when the speaker's"
                            + " connection closes: the session ends when the service cuts it, in about "
                            + Math.max(0, left / 60_000) + " min (" + trigger + ")"));
            return connectedState(ctx, link.blockRefresh(), null);
        }
        run.notify(new LecternEvent.RefreshStarted(trigger));
        return beginCandidate(run, ctx, link, new Candidate(null, 0, Step.AWAITING_TOKEN, false, ctx.language()), false);
    }

    static SessionState beginCandidate(Run run, Context ctx, Link link, Candidate cand, boolean forceRenew) {
        Candidate waiting = new Candidate(null, cand.attempt(), Step.AWAITING_TOKEN, cand.tokenRenewed() || forceRenew,
                ctx.language());
        if (ctx.speaker()) {
            run.emit(new Effect.FetchToken(forceRenew));
            return connectedState(ctx, link, waiting);
        }
        return openCandidate(run, ctx, link, waiting, null);
    }

    static SessionState openCandidate(Run run, Context ctx, Link link, Candidate cand, IdToken token) {
        ConnectionId id = ctx.peekNextConnection();
        LanguageCode language = ctx.speaker() ? null : ctx.language();
        // the deployed service's speaker hands over to a second connection by session id (section 11.4)
        ConnectRequest request = ctx.sessionApi() ? new ConnectRequest.Attach(ctx.sessionId(), token)
                : new ConnectRequest.RefreshConnection(ctx.sessionId(), ctx.role(), language, token);
        run.emit(new Effect.Open(id, request));
        run.emit(new Effect.StartTimer(TimerKey.REFRESH_CONFIRM, ctx.settings().refreshConfirmTimeout()));
        return connectedState(ctx.withNextConnection(), link,
                new Candidate(id, cand.attempt(), Step.OPENING, cand.tokenRenewed(), language));
    }

    static SessionState refreshFailed(Run run, Context ctx, Link link, Candidate cand, LecternError error) {
        run.emit(new Effect.CancelTimer(TimerKey.REFRESH_CONFIRM));
        abortCandidate(run, cand);
        FailureClass failureClass = FailureClass.of(error.status(), error.code());
        if (failureClass == FailureClass.UNAUTHORIZED && ctx.speaker() && !cand.tokenRenewed()) {
            return beginCandidate(run, ctx, link, cand, true);
        }
        int attempt = cand.attempt() + 1;
        BackoffPolicy policy = ctx.settings().refreshBackoff();
        if (failureClass != FailureClass.TRANSIENT || error.permanent() || !policy.allows(attempt)) {
            // Keep the old connection until the cutoff; the reconnect after it will tell.
            run.notify(new LecternEvent.Error(new LecternError("REFRESH_FAILED",
                    "connection refresh failed (" + error.code() + ": " + error.message()
                            + "); the current connection is kept until the service cuts it",
                    error.status(), error.retryAfter(), true)));
            return connectedState(ctx, link.blockRefresh(), null);
        }
        Entropy.Draw draw = ctx.entropy().nextDouble();
        Duration delay = policy.delay(attempt, draw.value(), error.retryAfter());
        run.emit(new Effect.StartTimer(TimerKey.REFRESH_RETRY, delay));
        return connectedState(ctx.withEntropy(draw.next()), link,
                new Candidate(null, attempt, Step.BACKOFF, cand.tokenRenewed(), cand.language()));
    }

    static SessionState switchOver(Run run, Context ctx, Link old, Candidate cand) {
        run.emit(new Effect.CancelTimer(TimerKey.REFRESH_CONFIRM));
        run.emit(new Effect.CancelTimer(TimerKey.HEARTBEAT_ACK));
        Link link = Link.confirmed(cand.id(), run.now, cand.language(), run.now + ctx.settings().heartbeatInterval().toMillis())
                .heartbeatSent(run.now);
        startLinkTimers(run, ctx);
        ctx = flushQueue(run, ctx, link);
        run.emit(new Effect.Close(old.id(), CLOSE_NORMAL, "Connection refresh"));
        run.notify(new LecternEvent.ConnectionRefreshed(old.id(), link.id()));
        if (ctx.sessionApi()) {
            run.notify(new LecternEvent.SpeakerHandedOver(old.id(), link.id(), "the session moved to a new connection; closing"
                    + " the old one makes the service tell every listener sessionEnded, and listeners that rejoin hear the rest"));
        }
        resendLanguage(run, ctx, link);
        return connectedState(ctx.withRetiring(old.id()), link, null);
    }

    static SessionState linkDead(Run run, Context ctx, Link link, Candidate cand, String reason) {
        run.emit(new Effect.Abort(link.id()));
        return linkLost(run, ctx, link, cand, CLOSE_ABNORMAL, reason);
    }

    static SessionState linkLost(Run run, Context ctx, Link link, Candidate cand, int code, String reason) {
        run.notify(new LecternEvent.Disconnected(link.id(), code, reason));
        if (ctx.sessionApi()) {
            abortCandidate(run, cand);
            run.notify(new LecternEvent.Error(new LecternError("SPEAKER_CONNECTION_CLOSED",
                    "the session ended with the speaker's connection (" + code + " " + reason
                            + "): this service ends a speaker's session when its connection closes", 0, null, true)));
            run.notify(new LecternEvent.SessionEnded(ctx.sessionId(), "ended with the speaker's connection"));
            return end(run, ctx, EndReason.SESSION_ENDED);
        }
        for (TimerKey key : List.of(TimerKey.HEARTBEAT, TimerKey.HEARTBEAT_ACK, TimerKey.REFRESH_CLOCK,
                TimerKey.CUTOFF, TimerKey.REFRESH_RETRY, TimerKey.AUDIO_WATCH)) {
            run.emit(new Effect.CancelTimer(key));
        }
        if (cand != null && cand.step() == Step.OPENING) {
            // The refresh's new connection is already on its way: let it be the reconnect.
            run.emit(new Effect.CancelTimer(TimerKey.REFRESH_CONFIRM));
            run.emit(new Effect.StartTimer(TimerKey.CONFIRM, ctx.settings().confirmTimeout()));
            Context c = ctx.withLanguage(cand.language() != null ? cand.language() : ctx.language(),
                    pendingAfterPromotion(run, ctx, cand));
            return new Connecting(c, ConnectMode.RESUME, 0, Step.OPENING, cand.id(), cand.tokenRenewed(), null);
        }
        ConnectMode mode = ctx.speaker() ? ConnectMode.RESUME : ConnectMode.JOIN;
        return scheduleRetry(run, ctx, mode, 0, false, LecternError.local("CONNECTION_LOST", reason));
    }

    static LanguageCode pendingAfterPromotion(Run run, Context ctx, Candidate cand) {
        if (ctx.speaker()) {
            return null;
        }
        LanguageCode wanted = ctx.pendingLanguage() != null ? ctx.pendingLanguage() : ctx.language();
        return wanted.equals(cand.language()) ? null : wanted;
    }
}
