package dev.lectern.domain.session;

import static dev.lectern.domain.session.SessionMachine.speaker;
import static dev.lectern.domain.session.States.confirms;
import static dev.lectern.domain.session.States.connectedState;
import static dev.lectern.domain.session.States.errorOf;
import static dev.lectern.domain.session.States.isSessionGone;
import static dev.lectern.domain.session.States.with;
import static dev.lectern.domain.session.Ending.end;
import static dev.lectern.domain.session.WhileConnected.connected;
import static dev.lectern.domain.session.WhileConnected.retire;
import static dev.lectern.domain.session.WhileConnected.timer;
import static dev.lectern.domain.session.Streams.flushQueue;
import static dev.lectern.domain.session.Streams.pausedLocally;
import static dev.lectern.domain.session.Streams.resendLanguage;
import static dev.lectern.domain.session.Streams.resumed;
import static dev.lectern.domain.session.Streams.resumedLocally;
import static dev.lectern.domain.session.Streams.skipHole;
import static dev.lectern.domain.session.Streams.startLinkTimers;

import dev.lectern.domain.ConnectionId;
import dev.lectern.domain.IdToken;
import dev.lectern.domain.LanguageCode;
import dev.lectern.domain.SessionId;
import dev.lectern.domain.event.LecternEvent;
import dev.lectern.domain.message.ClientMessage;
import dev.lectern.domain.message.ServerMessage;
import dev.lectern.domain.retry.BackoffPolicy;
import dev.lectern.domain.retry.Entropy;
import dev.lectern.domain.session.SessionState.Connecting;
import java.time.Duration;

/**
 * The {@code Connecting} state: a token, a session over the HTTP API where there is one, the connect, its
 * confirmation, and the backoff between attempts.
 * Part of {@link SessionMachine}; pure, as it is.
 */
final class WhileConnecting {
    /** A speaker's token this close to expiry may be why a connect was refused 400 (section 11.2). */
    static final Duration TOKEN_RENEWAL_MARGIN = Duration.ofMinutes(5);

    private WhileConnecting() {}

    static SessionState connecting(Run run, Connecting c, Input input) {
        Context ctx = c.context();
        if (input instanceof Input.Start) {
            return c.step() == Step.IDLE ? beginAttempt(run, ctx, c.mode(), 0, false, null, false) : c;
        }
        if (input instanceof Input.TokenReady ready) {
            return c.step() == Step.AWAITING_TOKEN ? open(run, c, ready.token()) : c;
        }
        if (input instanceof Input.TokenFailed failed) {
            return c.step() == Step.AWAITING_TOKEN ? attemptFailed(run, c, failed.error()) : c;
        }
        if (input instanceof Input.Opened opened) {
            if (!opened.id().equals(c.connection())) {
                run.emit(new Effect.Abort(opened.id()));
            } else if (c.step() == Step.OPENING) {
                // A service that sends no first frame confirms with this heartbeat's answer (section 11.5).
                run.emit(new Effect.Transmit(opened.id(), new ClientMessage.Heartbeat(run.now)));
            }
            return c;
        }
        if (input instanceof Input.SessionApiCreated created) {
            return c.step() == Step.AWAITING_SESSION ? createdOverApi(run, c, created) : c;
        }
        if (input instanceof Input.SessionApiFailed failed) {
            // The adapter renewed the token and retried what can be retried already.
            return c.step() == Step.AWAITING_SESSION
                    ? attemptFailed(run, new Connecting(ctx, c.mode(), c.attempt(), c.step(), null, true, c.lastError()), failed.error())
                    : c;
        }
        if (input instanceof Input.Received received) {
            if (c.step() != Step.OPENING || !received.id().equals(c.connection())) {
                return retire(run, c, received.id(), received.message());
            }
            ServerMessage message = received.message();
            if (message instanceof ServerMessage.ErrorFrame error) {
                run.emit(new Effect.Abort(c.connection()));
                return attemptFailed(run, c, errorOf(error));
            }
            if (confirms(c.mode(), message)) {
                return confirmed(run, c, message);
            }
            if (!ctx.speaker() && (message instanceof ServerMessage.AudioData || message instanceof ServerMessage.TranslatedAudio)) {
                // only a joined listener is sent audio: the join is confirmed, and this audio is the first
                return connected(run, confirmed(run, c, message), input);
            }
            return c; // nothing else counts before the confirmation
        }
        if (input instanceof Input.Refused refused) {
            return isOpening(run, c, refused.id()) ? attemptFailed(run, c, LecternError.of(refused.failure())) : c;
        }
        if (input instanceof Input.Closed closed) {
            if (closed.id().equals(ctx.retiring())) {
                return with(c, ctx.withRetiring(null));
            }
            return isOpening(run, c, closed.id())
                    ? attemptFailed(run, c, LecternError.of(ConnectFailure.network(
                            "closed before confirmation (" + closed.code() + " " + closed.reason() + ")")))
                    : c;
        }
        if (input instanceof Input.TimerFired timer) {
            if (timer.key() == TimerKey.CONFIRM && c.step() == Step.OPENING) {
                run.emit(new Effect.Abort(c.connection()));
                return attemptFailed(run, c, LecternError.of(ConnectFailure.confirmTimeout(ctx.settings().confirmTimeout())));
            }
            if (timer.key() == TimerKey.RECONNECT && c.step() == Step.BACKOFF) {
                return beginAttempt(run, ctx, c.mode(), c.attempt(), c.tokenRenewed(), c.lastError(), false);
            }
            if (timer.key() == TimerKey.REORDER) {
                return with(c, skipHole(run, ctx));
            }
            return c;
        }
        if (input instanceof Input.Pause) {
            if (ctx.sessionApi() && !ctx.paused()) {
                return with(c, pausedLocally(run, ctx));
            }
            return ctx.speaker() ? with(c, ctx.withPaused(true)) : c;
        }
        if (input instanceof Input.Resume) {
            if (ctx.sessionApi() && ctx.paused()) {
                return with(c, resumedLocally(run, ctx));
            }
            return ctx.speaker() ? with(c, resumed(run, ctx)) : c;
        }
        if (input instanceof Input.SendControl control && ctx.sessionApi()) {
            return with(c, Streams.controlLocally(run, ctx, control.message()));
        }
        if (input instanceof Input.ChangeLanguage || input instanceof Input.SendControl) {
            run.notify(new LecternEvent.Error(LecternError.local("NOT_CONNECTED",
                    "not connected; try again after reconnecting")));
            return c;
        }
        return c;
    }

    static boolean isOpening(Run run, Connecting c, ConnectionId id) {
        return c.step() == Step.OPENING && id.equals(c.connection());
    }

    static SessionState beginAttempt(Run run, Context ctx, ConnectMode mode, int attempt, boolean tokenRenewed,
                                      LecternError lastError, boolean forceRenew) {
        if (mode == ConnectMode.CREATE && ctx.sessionApi()) {
            run.emit(new Effect.CreateSession(((SessionPlan.Speak) ctx.plan()).params()));
            return new Connecting(ctx, mode, attempt, Step.AWAITING_SESSION, null, tokenRenewed, lastError);
        }
        Connecting waiting = new Connecting(ctx, mode, attempt, Step.AWAITING_TOKEN, null, tokenRenewed, lastError);
        if (ctx.speaker()) {
            run.emit(new Effect.FetchToken(forceRenew));
            return waiting;
        }
        return open(run, waiting, null);
    }

    static SessionState open(Run run, Connecting c, IdToken token) {
        Context ctx = c.context();
        ConnectionId id = ctx.peekNextConnection();
        ConnectRequest request = switch (c.mode()) {
            case CREATE -> new ConnectRequest.CreateSession(((SessionPlan.Speak) ctx.plan()).params(), token);
            case JOIN -> new ConnectRequest.JoinSession(ctx.sessionId(), ctx.language());
            case RESUME -> new ConnectRequest.RefreshConnection(ctx.sessionId(), ctx.role(), ctx.language(), token);
            case ATTACH -> new ConnectRequest.Attach(ctx.sessionId(), token);
        };
        run.emit(new Effect.Open(id, request));
        run.emit(new Effect.StartTimer(TimerKey.CONFIRM, ctx.settings().confirmTimeout()));
        Context next = ctx.withNextConnection().withTokenExpiresAt(token == null ? 0 : token.expiresAtMillis());
        return new Connecting(next, c.mode(), c.attempt(), Step.OPENING, id, c.tokenRenewed(), c.lastError());
    }

    static SessionState attemptFailed(Run run, Connecting c, LecternError error) {
        run.emit(new Effect.CancelTimer(TimerKey.CONFIRM));
        Context ctx = c.context();
        FailureClass failureClass = FailureClass.of(error.status(), error.code());
        if (failureClass == FailureClass.UNAUTHORIZED && ctx.speaker() && !c.tokenRenewed()) {
            return beginAttempt(run, ctx, c.mode(), c.attempt(), true, error, true);
        }
        if (error.status() == 400 && ctx.speaker() && !c.tokenRenewed() && c.mode() != ConnectMode.CREATE
                && tokenMayBeStale(run, ctx)) {
            // The deployed service lets an expired token in as anonymous and then refuses it 400.
            return beginAttempt(run, ctx, c.mode(), c.attempt(), true, error, true);
        }
        if (ctx.speaker() && c.mode() == ConnectMode.RESUME && isSessionGone(error)) {
            // The session did not survive the outage: start a new one; SessionReplaced tells the host.
            return beginAttempt(run, ctx, ConnectMode.CREATE, c.attempt(), c.tokenRenewed(), error, false);
        }
        if (failureClass != FailureClass.TRANSIENT || error.permanent()) {
            if (ctx.deployed().rejoin() == Deployed.Rejoin.REJOINING) {
                return Rejoin.refused(run, c, error); // 403 SESSION_INACTIVE, 404: the session is over
            }
            if (!ctx.speaker() && ctx.everActive() && (isSessionGone(error) || "SESSION_INACTIVE".equals(error.code()))) {
                return Rejoin.sessionGone(run, c, error); // a joined listener's reconnect or refresh: the session ended meanwhile
            }
            run.notify(new LecternEvent.Error(error));
            deleteOrphan(run, ctx);
            return end(run, ctx, EndReason.PERMANENT_ERROR);
        }
        ConnectMode mode = ctx.speaker() ? c.mode() : ConnectMode.JOIN;
        return scheduleRetry(run, ctx, mode, c.attempt(), c.tokenRenewed(), error);
    }

    /**
     * A session created over the HTTP session API that its speaker could never take up is deleted, not left
     * {@code active} for a day (its answer is not awaited: the client ends now).
     */
    static void deleteOrphan(Run run, Context ctx) {
        if (ctx.sessionApi() && ctx.sessionId() != null && !ctx.everActive()) {
            run.emit(new Effect.DeleteSession(ctx.sessionId()));
        }
    }

    /** The token of the last connect expires within five minutes, or its expiry is unknown. */
    static boolean tokenMayBeStale(Run run, Context ctx) {
        return ctx.tokenExpiresAt() <= 0 || ctx.tokenExpiresAt() - run.now <= TOKEN_RENEWAL_MARGIN.toMillis();
    }

    static SessionState createdOverApi(Run run, Connecting c, Input.SessionApiCreated created) {
        Context ctx = c.context();
        SessionId previous = ctx.sessionId();
        ctx = ctx.withSessionId(created.sessionId());
        // The session exists and listeners may join; its audio waits in the queue until the speaker's connect is confirmed.
        run.notify(new LecternEvent.SessionCreated(created.sessionId(), created.sourceLanguage(), created.expiresAtMillis()));
        if (previous != null && !previous.equals(created.sessionId())) {
            run.notify(new LecternEvent.SessionReplaced(previous, created.sessionId()));
        }
        return beginAttempt(run, ctx, ConnectMode.ATTACH, 0, false, null, false);
    }

    static SessionState scheduleRetry(Run run, Context ctx, ConnectMode mode, int failedSoFar, boolean tokenRenewed,
                                       LecternError error) {
        BackoffPolicy policy = ctx.settings().reconnectBackoff();
        int attempt = failedSoFar + 1;
        if (!policy.allows(attempt)) {
            run.notify(new LecternEvent.ReconnectFailed(failedSoFar, error));
            deleteOrphan(run, ctx);
            return end(run, ctx, EndReason.RETRIES_EXHAUSTED);
        }
        Entropy.Draw draw = ctx.entropy().nextDouble();
        Duration delay = policy.delay(attempt, draw.value(), error == null ? null : error.retryAfter());
        run.emit(new Effect.StartTimer(TimerKey.RECONNECT, delay));
        run.notify(new LecternEvent.RetryScheduled(attempt, delay, error));
        return new Connecting(ctx.withEntropy(draw.next()), mode, attempt, Step.BACKOFF, null, tokenRenewed, error);
    }

    static SessionState confirmed(Run run, Connecting c, ServerMessage message) {
        run.emit(new Effect.CancelTimer(TimerKey.CONFIRM));
        Context ctx = c.context();
        LanguageCode streamLanguage = ctx.language();
        if (message instanceof ServerMessage.SessionCreated created) {
            SessionId previous = ctx.sessionId();
            ctx = ctx.withSessionId(created.sessionId());
            run.notify(new LecternEvent.SessionCreated(created.sessionId(), created.sourceLanguage(), created.expiresAt()));
            if (previous != null && !previous.equals(created.sessionId())) {
                run.notify(new LecternEvent.SessionReplaced(previous, created.sessionId()));
            }
        } else if (message instanceof ServerMessage.SessionJoined joined && !ctx.everActive()) {
            run.notify(new LecternEvent.SessionJoined(joined.sessionId(), joined.targetLanguage(),
                    joined.sourceLanguage(), joined.listenerCount()));
        } else if (c.mode() == ConnectMode.JOIN && !ctx.everActive()) {
            // a service with no first frame (section 11.2): joined is all it can say
            run.notify(new LecternEvent.SessionJoined(ctx.sessionId(), ctx.language(), null, null));
        } else if (message instanceof ServerMessage.ConnectionRefreshComplete complete
                && complete.targetLanguage() != null) {
            streamLanguage = complete.targetLanguage();
        }
        if (c.mode() == ConnectMode.JOIN && !(message instanceof ServerMessage.SessionJoined)) {
            ctx = ctx.withDeployed(ctx.deployed().asService()); // joined with no first frame: the deployed service
        }
        if (ctx.deployed().rejoin() == Deployed.Rejoin.REJOINING) {
            ctx = Rejoin.accepted(run, ctx);
        } else if (ctx.everActive()) {
            run.notify(new LecternEvent.Reconnected(c.attempt()));
        }
        ctx = ctx.withEverActive();
        // the heartbeat sent right after the upgrade counts toward the two a window
        Link link = Link.confirmed(c.connection(), run.now, streamLanguage, run.now + ctx.settings().heartbeatInterval().toMillis())
                .heartbeatSent(run.now);
        startLinkTimers(run, ctx);
        ctx = flushQueue(run, ctx, link);
        if (ctx.speaker() && ctx.paused() && !ctx.sessionApi()) {
            run.emit(new Effect.Transmit(link.id(), new ClientMessage.PauseBroadcast()));
        }
        resendLanguage(run, ctx, link);
        return connectedState(ctx, link, null);
    }
}
