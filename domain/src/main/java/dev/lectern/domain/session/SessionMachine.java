package dev.lectern.domain.session;

import dev.lectern.domain.ConnectionId;
import dev.lectern.domain.IdToken;
import dev.lectern.domain.LanguageCode;
import dev.lectern.domain.Role;
import dev.lectern.domain.SessionId;
import dev.lectern.domain.audio.JitterBuffer;
import dev.lectern.domain.audio.QueuedChunk;
import dev.lectern.domain.audio.SegmentQueue;
import dev.lectern.domain.audio.SendQueue;
import dev.lectern.domain.event.DropReason;
import dev.lectern.domain.event.LecternEvent;
import dev.lectern.domain.message.ClientMessage;
import dev.lectern.domain.message.ServerMessage;
import dev.lectern.domain.retry.BackoffPolicy;
import dev.lectern.domain.retry.Entropy;
import dev.lectern.domain.session.SessionState.Active;
import dev.lectern.domain.session.SessionState.Connecting;
import dev.lectern.domain.session.SessionState.Ended;
import dev.lectern.domain.session.SessionState.Paused;
import dev.lectern.domain.session.SessionState.Refreshing;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * The session state machine of both roles, as one pure function: {@link #decide} takes a state, an input
 * and the time, and returns the next state and the effects to carry out. It reads no clock, draws no
 * random number of its own (the {@link Entropy} in the state is its only source) and performs no I/O.
 *
 * <p>The lifecycle follows protocol section 7: connect and confirm; heartbeats on the current connection
 * only, with dead-link detection; refresh by the server's request, the client's own connection-age clock or
 * a warning, make-before-break, with the old connection closed only after the new one confirmed; reconnect
 * after an unexpected loss with backoff and jitter, one chain at a time, never for a permanent error; and
 * the end, by the host or by the server.
 */
public final class SessionMachine {

    /** Normal closure. */
    public static final int CLOSE_NORMAL = 1000;
    /** Used in {@code Disconnected} when the link was given up without a close frame. */
    public static final int CLOSE_ABNORMAL = 1006;

    private static final Set<String> LANGUAGE_REJECTIONS =
            Set.of("UNSUPPORTED_LANGUAGE", "INVALID_LANGUAGE", "INVALID_PARAMETER", "MISSING_PARAMETER");

    /** A speaker's token this close to expiry may be why a connect was refused 400 (section 11.2). */
    static final Duration TOKEN_RENEWAL_MARGIN = Duration.ofMinutes(5);

    /** How often a listener looks at its audio while a decision about a silence waits on something else. */
    static final Duration AUDIO_WATCH_PERIOD = Duration.ofMillis(500);

    private SessionMachine() {}

    /**
     * In how many ms a listener's audio watch next has something to decide, or -1 if nothing until audio
     * arrives again. A silence asks for two decisions: a stall probe once it reaches the stall timeout (not
     * while paused; later, a period at a time, if the heartbeat window holds the probe back), and going back
     * to a heartbeat every interval once it reaches the heartbeat interval. While audio flows that is one
     * wake-up per stall timeout, not one per {@link #AUDIO_WATCH_PERIOD} (at 500 listeners, 1,000 timer steps a
     * second), and a stall is seen at its deadline. Before a link's first audio, and once both decisions are
     * taken, nothing can be decided, so the watch is not armed: listeners waiting for a speaker, or silent
     * after the stream, cost no timer steps (1,000 idle listeners each woke twice a second).
     */
    private static long nextAudioWatch(Context ctx, Link link, long now) {
        if (ctx.speaker() || link.lastAudioAt() < 0) {
            return -1; // the link's first audio frame arms the watch
        }
        SessionSettings settings = ctx.settings();
        long silentFor = now - link.lastAudioAt();
        long stall = settings.audioStallTimeout().toMillis();
        long interval = settings.heartbeatInterval().toMillis();
        long next = Long.MAX_VALUE;
        if (!ctx.paused() && link.probedAudioAt() != link.lastAudioAt()) {
            next = silentFor < stall ? stall - silentFor : AUDIO_WATCH_PERIOD.toMillis();
        }
        if (silentFor < interval) {
            next = Math.min(next, interval - silentFor);
        } else if (link.heartbeatSentAt() < 0) {
            next = Math.min(next, AUDIO_WATCH_PERIOD.toMillis()); // no heartbeat yet to count the interval from
        }
        return next == Long.MAX_VALUE ? -1 : next;
    }

    /** At most two heartbeats go out in this window: the service allows 2 a minute at 30-second intervals. */
    static long heartbeatWindow(SessionSettings settings) {
        return settings.heartbeatInterval().toMillis() * 2;
    }

    /** The initial state of a speaker; {@code seed} feeds its jitter draws. */
    public static SessionState speaker(SessionSettings settings, CreateParams params, long seed) {
        return initial(new SessionPlan.Speak(params), settings, seed);
    }

    /** The initial state of a listener; {@code seed} feeds its jitter draws. */
    public static SessionState listener(SessionSettings settings, SessionId sessionId, LanguageCode language, long seed) {
        return initial(new SessionPlan.Listen(sessionId, language), settings, seed);
    }

    /** The initial state for {@code plan}. */
    public static SessionState initial(SessionPlan plan, SessionSettings settings, long seed) {
        Objects.requireNonNull(plan, "plan is null");
        Objects.requireNonNull(settings, "settings is null");
        ConnectMode mode = plan.role() == Role.SPEAKER ? ConnectMode.CREATE : ConnectMode.JOIN;
        return new Connecting(Context.initial(plan, settings, seed), mode, 0, Step.IDLE, null, false, null);
    }

    /**
     * One step. {@code now} is the time in epoch milliseconds, supplied by the caller's clock.
     *
     * @throws IllegalStateTransitionException only on a bug: the step would take an edge not listed in
     *     {@link Transition}
     */
    public static Decision decide(SessionState state, Input input, long now) {
        Objects.requireNonNull(state, "state is null");
        Objects.requireNonNull(input, "input is null");
        Run run = new Run(now);
        SessionState next = run.apply(state, input);
        Transition.between(state.kind(), next.kind());
        return new Decision(next, run.out);
    }

    /** One step's working memory: the time and the effects so far. */
    private static final class Run {
        private final long now;
        private final List<Effect> out = new ArrayList<>(4);

        Run(long now) {
            this.now = now;
        }

        private void emit(Effect effect) {
            out.add(effect);
        }

        private void notify(LecternEvent event) {
            out.add(new Effect.Notify(event));
        }

        SessionState apply(SessionState state, Input input) {
            if (state instanceof Ended ended) {
                return whenEnded(ended, input);
            }
            if (input instanceof Input.End end) {
                return userEnd(state, end);
            }
            if (input instanceof Input.SinkFailed failed) {
                return sinkFailed(state, failed);
            }
            if (input instanceof Input.SegmentReady ready) {
                return segmentsMoved(state, state.context().segments().ready(ready.sequence(), ready.audio()));
            }
            if (input instanceof Input.SegmentFailed failed) {
                notify(new LecternEvent.SegmentFailed(failed.sequence(), failed.reason()));
                return segmentsMoved(state, state.context().segments().failed(failed.sequence(), failed.reason()));
            }
            if (state.context().ending()) {
                return whileEnding(state, input);
            }
            if (input instanceof Input.Received received && received.message() instanceof ServerMessage.SessionEnded ended
                    && concerns(state.context(), ended)) {
                return sessionEnded(state, ended);
            }
            if (input instanceof Input.Capture capture) {
                return capture(state, capture);
            }
            if (input instanceof Input.Malformed malformed) {
                return malformed(state, malformed);
            }
            if (input instanceof Input.SendFailed failed) {
                return sendFailed(state, failed);
            }
            if (state instanceof Connecting connecting) {
                return connecting(connecting, input);
            }
            return connected(state, input);
        }

        // ------------------------------------------------------------------ Ended

        private SessionState whenEnded(Ended ended, Input input) {
            Context ctx = ended.context();
            if (input instanceof Input.Capture && ctx.speaker()) {
                // Refused by the client API as well; counted so that conservation holds.
                return new Ended(ctx.withCounters(ctx.counters().plusCaptured().plusDropped(1)), ended.reason());
            }
            if (input instanceof Input.Opened opened) {
                emit(new Effect.Abort(opened.id()));
            }
            return ended;
        }

        private SessionState end(Context ctx, EndReason reason) {
            emit(new Effect.CancelAllTimers());
            Context c = ctx;
            if (!c.queue().isEmpty()) {
                SendQueue.Drain drain = c.queue().drain();
                c = c.withQueue(drain.queue()).withCounters(c.counters().plusDropped(drain.chunks().size()));
                notify(new LecternEvent.AudioDropped(drain.chunks().size(), DropReason.SESSION_ENDED,
                        c.counters().dropped()));
            }
            if (c.pausedDrops() > 0) {
                notify(new LecternEvent.AudioDropped(c.pausedDrops(), DropReason.PAUSED, c.counters().dropped()));
                c = c.withPausedDrops(0);
            }
            notify(new LecternEvent.Closed(reason));
            return new Ended(c, reason);
        }

        /**
         * The session is over, whichever connection says so and in whatever state, confirmed or not (protocol
         * section 11.5): nothing connects again.
         */
        private SessionState sessionEnded(SessionState state, ServerMessage.SessionEnded ended) {
            Context ctx = state.context();
            notify(new LecternEvent.SessionEnded(ended.sessionId() != null ? ended.sessionId() : ctx.sessionId(),
                    ended.message()));
            Link link = current(state);
            if (link != null && !ctx.speaker() && ctx.segments().started()) {
                // The deployed service pushes the last segment after sessionEnded (section 11.3): stay a while
                // for it, on this connection only, then finish what is queued. Nothing connects again.
                emit(new Effect.CancelAllTimers());
                abortCandidate(candidate(state));
                emit(new Effect.StartTimer(TimerKey.END_LINGER, ctx.settings().endLinger()));
                return connectedState(ctx.withEndingAt(now + ctx.settings().endLinger().toMillis()), link, null);
            }
            if (link != null) {
                emit(new Effect.Close(link.id(), CLOSE_NORMAL, "Session ended"));
            }
            abortCandidate(candidate(state));
            if (state instanceof Connecting c && c.connection() != null) {
                emit(new Effect.Abort(c.connection()));
            }
            return end(ctx, EndReason.SESSION_ENDED);
        }

        /** The listener cannot play any more: it leaves, and says why, rather than fail every chunk that follows. */
        private SessionState sinkFailed(SessionState state, Input.SinkFailed failed) {
            Context ctx = state.context();
            notify(new LecternEvent.Error(new LecternError("SINK_FAILED", failed.reason(), 0, null, true)));
            Link link = current(state);
            if (link != null) {
                emit(new Effect.Close(link.id(), CLOSE_NORMAL, "Listener disconnected"));
            }
            abortCandidate(candidate(state));
            if (state instanceof Connecting c && c.connection() != null) {
                emit(new Effect.Abort(c.connection()));
            }
            return end(ctx, EndReason.SINK_FAILED);
        }

        /** After {@code sessionEnded}: segments still count; the end comes when the wait is over and the queue is empty. */
        private SessionState whileEnding(SessionState state, Input input) {
            Context ctx = state.context();
            if (input instanceof Input.Received received && received.message() instanceof ServerMessage.TranslatedAudio t) {
                return with(state, ctx.endingAt() > 0 ? translated(ctx, t) : ctx);
            }
            if (input instanceof Input.TimerFired timer && timer.key() == TimerKey.END_LINGER) {
                return finishIfDrained(with(state, ctx.withEndingAt(-1)));
            }
            Link link = current(state);
            if (input instanceof Input.Closed closed && link != null && closed.id().equals(link.id()) && ctx.endingAt() > 0) {
                // the service closed it (as a DELETE does): nothing more can come, so no reason to wait
                emit(new Effect.CancelTimer(TimerKey.END_LINGER));
                return finishIfDrained(with(state, ctx.withEndingAt(-1)));
            }
            if (input instanceof Input.Opened opened) {
                emit(new Effect.Abort(opened.id()));
            }
            return state; // a lost connection, a refresh request, a warning: nothing to do now
        }

        private SessionState segmentsMoved(SessionState state, SegmentQueue.Outcome outcome) {
            SessionState next = with(state, segments(state.context(), outcome));
            return next.context().ending() ? finishIfDrained(next) : next;
        }

        private SessionState finishIfDrained(SessionState state) {
            Context ctx = state.context();
            if (ctx.endingAt() != -1 || !ctx.segments().isEmpty()) {
                return state;
            }
            Link link = current(state);
            if (link != null) {
                emit(new Effect.Close(link.id(), CLOSE_NORMAL, "Session ended"));
            }
            return end(ctx, EndReason.SESSION_ENDED);
        }

        /** A translated segment announced on any of the listener's connections (section 11.3). */
        private Context translated(Context ctx, ServerMessage.TranslatedAudio t) {
            if (ctx.speaker() || t.url() == null || (t.sequenceNumber() == null && t.timestamp() == null)) {
                return ctx.withCounters(ctx.counters().plusIgnored());
            }
            dev.lectern.domain.SequenceNumber seq = t.sequenceNumber() != null ? t.sequenceNumber()
                    : dev.lectern.domain.SequenceNumber.of(t.timestamp());
            long millis = t.duration() == null || t.duration() < 0 ? 0 : Math.round(t.duration() * 1000);
            SegmentQueue.Segment segment = new SegmentQueue.Segment(seq, t.url(), Duration.ofMillis(millis), t.transcript(),
                    t.targetLanguage() != null ? t.targetLanguage() : ctx.language(), t.timestamp() != null ? t.timestamp() : seq.value());
            SegmentQueue.Outcome outcome = ctx.segments().offer(segment);
            if (outcome.duplicate()) {
                return ctx.withCounters(ctx.counters().plusDuplicate());
            }
            return segments(ctx, outcome);
        }

        /** Carries out what the segment queue decided: fetches to start, audio to play, silence, in order. */
        private Context segments(Context ctx, SegmentQueue.Outcome outcome) {
            for (SegmentQueue.Segment s : outcome.fetch()) {
                emit(new Effect.FetchSegment(s));
            }
            long played = 0;
            for (SegmentQueue.Step step : outcome.steps()) {
                if (step instanceof SegmentQueue.Play play) {
                    SegmentQueue.Segment s = play.segment();
                    emit(new Effect.Play(s.sequence(), play.audio()));
                    notify(new LecternEvent.AudioReceived(s.sequence(), play.audio(), s.timestamp()));
                    transcript(s, play.startMillis());
                    played++;
                } else if (step instanceof SegmentQueue.Gap gap) {
                    emit(new Effect.Silence(gap.length()));
                    String cause = gap.segment() == null ? gap.cause().name().toLowerCase(java.util.Locale.ROOT).replace('_', ' ')
                            : "segment " + gap.segment().sequence().value() + " " + gap.failure();
                    notify(new LecternEvent.SegmentGap(gap.startMillis(), gap.length(), cause));
                    if (gap.segment() != null) {
                        transcript(gap.segment(), gap.startMillis()); // the text, even where its audio failed
                    }
                }
            }
            Context next = ctx.withSegments(outcome.queue());
            return played == 0 ? next : next.withCounters(next.counters().plusPlayed(played));
        }

        private void transcript(SegmentQueue.Segment s, long startMillis) {
            if (s.transcript() != null && !s.transcript().isBlank()) {
                notify(new LecternEvent.TranscriptReceived(s.sequence(), s.transcript(), s.language(), startMillis, s.duration()));
            }
        }

        private SessionState userEnd(SessionState state, Input.End end) {
            Context ctx = state.context();
            if (state instanceof Connecting c) {
                if (c.connection() != null) {
                    emit(new Effect.Abort(c.connection()));
                }
                if (ctx.sessionApi() && ctx.sessionId() != null) {
                    emit(new Effect.DeleteSession(ctx.sessionId(), null));
                }
                return end(ctx, EndReason.ENDED_BY_USER);
            }
            Link link = current(state);
            Candidate cand = candidate(state);
            if (ctx.sessionApi()) {
                emit(new Effect.DeleteSession(ctx.sessionId(), link.id()));
            } else if (ctx.speaker()) {
                emit(new Effect.Transmit(link.id(), new ClientMessage.EndSession(end.reason())));
                emit(new Effect.Close(link.id(), CLOSE_NORMAL, "Session ended by speaker"));
            } else {
                emit(new Effect.Close(link.id(), CLOSE_NORMAL, "Listener disconnected"));
            }
            abortCandidate(cand);
            return end(ctx, EndReason.ENDED_BY_USER);
        }

        // ------------------------------------------------------------------ inputs valid in any live state

        private SessionState capture(SessionState state, Input.Capture capture) {
            Context ctx = state.context();
            if (!ctx.speaker()) {
                return state;
            }
            long chunkId = ctx.counters().captured();
            ctx = ctx.withCounters(ctx.counters().plusCaptured());
            if (ctx.paused()) {
                ctx = ctx.withCounters(ctx.counters().plusDropped(1)).withPausedDrops(ctx.pausedDrops() + 1);
                return with(state, ctx);
            }
            if (state instanceof Connecting) {
                SendQueue.Offer offer = ctx.queue().offer(new QueuedChunk(chunkId, capture.audio(), now));
                ctx = ctx.withQueue(offer.queue());
                if (!offer.dropped().isEmpty()) {
                    ctx = ctx.withCounters(ctx.counters().plusDropped(offer.dropped().size()));
                    notify(new LecternEvent.AudioDropped(offer.dropped().size(), DropReason.QUEUE_FULL,
                            ctx.counters().dropped()));
                }
                return with(state, ctx);
            }
            Link link = current(state);
            emit(new Effect.Transmit(link.id(), new ClientMessage.AudioChunkUpload(ctx.sessionId(), capture.audio(), chunkId, now)));
            return with(state, ctx.withCounters(ctx.counters().plusSent(1)));
        }

        private SessionState malformed(SessionState state, Input.Malformed malformed) {
            Context ctx = state.context();
            ctx = ctx.withCounters(ctx.counters().plusRejected());
            notify(new LecternEvent.FrameRejected(malformed.id(), malformed.reason(), ctx.counters().rejectedFrames()));
            SessionState next = with(state, ctx);
            Link link = current(next);
            if (link != null && link.id().equals(malformed.id())) {
                return withLink(next, link.heard(now)); // a frame arrived, even a bad one: the link lives
            }
            return next;
        }

        private SessionState sendFailed(SessionState state, Input.SendFailed failed) {
            Context ctx = state.context();
            if (failed.message() instanceof ClientMessage.AudioChunkUpload) {
                ctx = ctx.withCounters(ctx.counters().plusSent(-1).plusDropped(1));
                notify(new LecternEvent.AudioDropped(1, DropReason.TRANSPORT_FAILURE, ctx.counters().dropped()));
            }
            return with(state, ctx);
        }

        // ------------------------------------------------------------------ Connecting

        private SessionState connecting(Connecting c, Input input) {
            Context ctx = c.context();
            if (input instanceof Input.Start) {
                return c.step() == Step.IDLE ? beginAttempt(ctx, c.mode(), 0, false, null, false) : c;
            }
            if (input instanceof Input.TokenReady ready) {
                return c.step() == Step.AWAITING_TOKEN ? open(c, ready.token()) : c;
            }
            if (input instanceof Input.TokenFailed failed) {
                return c.step() == Step.AWAITING_TOKEN ? attemptFailed(c, failed.error()) : c;
            }
            if (input instanceof Input.Opened opened) {
                if (!opened.id().equals(c.connection())) {
                    emit(new Effect.Abort(opened.id()));
                } else if (c.step() == Step.OPENING) {
                    // A service that sends no first frame confirms with this heartbeat's answer (section 11.5).
                    emit(new Effect.Transmit(opened.id(), new ClientMessage.Heartbeat(now)));
                }
                return c;
            }
            if (input instanceof Input.SessionApiCreated created) {
                return c.step() == Step.AWAITING_SESSION ? createdOverApi(c, created) : c;
            }
            if (input instanceof Input.SessionApiFailed failed) {
                // The adapter renewed the token and retried what can be retried already.
                return c.step() == Step.AWAITING_SESSION
                        ? attemptFailed(new Connecting(ctx, c.mode(), c.attempt(), c.step(), null, true, c.lastError()), failed.error())
                        : c;
            }
            if (input instanceof Input.Received received) {
                if (c.step() != Step.OPENING || !received.id().equals(c.connection())) {
                    return retire(c, received.id(), received.message());
                }
                ServerMessage message = received.message();
                if (message instanceof ServerMessage.ErrorFrame error) {
                    emit(new Effect.Abort(c.connection()));
                    return attemptFailed(c, errorOf(error));
                }
                if (confirms(c.mode(), message)) {
                    return confirmed(c, message);
                }
                if (!ctx.speaker() && (message instanceof ServerMessage.AudioData || message instanceof ServerMessage.TranslatedAudio)) {
                    // only a joined listener is sent audio: the join is confirmed, and this audio is the first
                    return connected(confirmed(c, message), input);
                }
                return c; // nothing else counts before the confirmation
            }
            if (input instanceof Input.Refused refused) {
                return isOpening(c, refused.id()) ? attemptFailed(c, LecternError.of(refused.failure())) : c;
            }
            if (input instanceof Input.Closed closed) {
                if (closed.id().equals(ctx.retiring())) {
                    return with(c, ctx.withRetiring(null));
                }
                return isOpening(c, closed.id())
                        ? attemptFailed(c, LecternError.of(ConnectFailure.network(
                                "closed before confirmation (" + closed.code() + " " + closed.reason() + ")")))
                        : c;
            }
            if (input instanceof Input.TimerFired timer) {
                if (timer.key() == TimerKey.CONFIRM && c.step() == Step.OPENING) {
                    emit(new Effect.Abort(c.connection()));
                    return attemptFailed(c, LecternError.of(ConnectFailure.confirmTimeout(ctx.settings().confirmTimeout())));
                }
                if (timer.key() == TimerKey.RECONNECT && c.step() == Step.BACKOFF) {
                    return beginAttempt(ctx, c.mode(), c.attempt(), c.tokenRenewed(), c.lastError(), false);
                }
                if (timer.key() == TimerKey.REORDER) {
                    return with(c, skipHole(ctx));
                }
                return c;
            }
            if (input instanceof Input.Pause) {
                if (ctx.sessionApi() && !ctx.paused()) {
                    return with(c, pausedLocally(ctx));
                }
                return ctx.speaker() ? with(c, ctx.withPaused(true)) : c;
            }
            if (input instanceof Input.Resume) {
                if (ctx.sessionApi() && ctx.paused()) {
                    return with(c, resumedLocally(ctx));
                }
                return ctx.speaker() ? with(c, resumed(ctx)) : c;
            }
            if (input instanceof Input.ChangeLanguage || input instanceof Input.SendControl) {
                notify(new LecternEvent.Error(LecternError.local("NOT_CONNECTED",
                        "not connected; try again after reconnecting")));
                return c;
            }
            return c;
        }

        private boolean isOpening(Connecting c, ConnectionId id) {
            return c.step() == Step.OPENING && id.equals(c.connection());
        }

        private SessionState beginAttempt(Context ctx, ConnectMode mode, int attempt, boolean tokenRenewed,
                                          LecternError lastError, boolean forceRenew) {
            if (mode == ConnectMode.CREATE && ctx.sessionApi()) {
                emit(new Effect.CreateSession(((SessionPlan.Speak) ctx.plan()).params()));
                return new Connecting(ctx, mode, attempt, Step.AWAITING_SESSION, null, tokenRenewed, lastError);
            }
            Connecting waiting = new Connecting(ctx, mode, attempt, Step.AWAITING_TOKEN, null, tokenRenewed, lastError);
            if (ctx.speaker()) {
                emit(new Effect.FetchToken(forceRenew));
                return waiting;
            }
            return open(waiting, null);
        }

        private SessionState open(Connecting c, IdToken token) {
            Context ctx = c.context();
            ConnectionId id = ctx.peekNextConnection();
            ConnectRequest request = switch (c.mode()) {
                case CREATE -> new ConnectRequest.CreateSession(((SessionPlan.Speak) ctx.plan()).params(), token);
                case JOIN -> new ConnectRequest.JoinSession(ctx.sessionId(), ctx.language());
                case RESUME -> new ConnectRequest.RefreshConnection(ctx.sessionId(), ctx.role(), ctx.language(), token);
                case ATTACH -> new ConnectRequest.Attach(ctx.sessionId(), token);
            };
            emit(new Effect.Open(id, request));
            emit(new Effect.StartTimer(TimerKey.CONFIRM, ctx.settings().confirmTimeout()));
            Context next = ctx.withNextConnection().withTokenExpiresAt(token == null ? 0 : token.expiresAtMillis());
            return new Connecting(next, c.mode(), c.attempt(), Step.OPENING, id, c.tokenRenewed(), c.lastError());
        }

        private SessionState attemptFailed(Connecting c, LecternError error) {
            emit(new Effect.CancelTimer(TimerKey.CONFIRM));
            Context ctx = c.context();
            FailureClass failureClass = FailureClass.of(error.status(), error.code());
            if (failureClass == FailureClass.UNAUTHORIZED && ctx.speaker() && !c.tokenRenewed()) {
                return beginAttempt(ctx, c.mode(), c.attempt(), true, error, true);
            }
            if (error.status() == 400 && ctx.speaker() && !c.tokenRenewed() && c.mode() != ConnectMode.CREATE
                    && tokenMayBeStale(ctx)) {
                // The deployed service lets an expired token in as anonymous and then refuses it 400.
                return beginAttempt(ctx, c.mode(), c.attempt(), true, error, true);
            }
            if (ctx.speaker() && c.mode() == ConnectMode.RESUME && isSessionGone(error)) {
                // The session did not survive the outage: start a new one; SessionReplaced tells the host.
                return beginAttempt(ctx, ConnectMode.CREATE, c.attempt(), c.tokenRenewed(), error, false);
            }
            if (failureClass != FailureClass.TRANSIENT || error.permanent()) {
                notify(new LecternEvent.Error(error));
                return end(ctx, EndReason.PERMANENT_ERROR);
            }
            ConnectMode mode = ctx.speaker() ? c.mode() : ConnectMode.JOIN;
            return scheduleRetry(ctx, mode, c.attempt(), c.tokenRenewed(), error);
        }

        /** The token of the last connect expires within five minutes, or its expiry is unknown. */
        private boolean tokenMayBeStale(Context ctx) {
            return ctx.tokenExpiresAt() <= 0 || ctx.tokenExpiresAt() - now <= TOKEN_RENEWAL_MARGIN.toMillis();
        }

        private SessionState createdOverApi(Connecting c, Input.SessionApiCreated created) {
            Context ctx = c.context();
            SessionId previous = ctx.sessionId();
            ctx = ctx.withSessionId(created.sessionId());
            // The session exists and listeners may join; its audio waits in the queue until the speaker's connect is confirmed.
            notify(new LecternEvent.SessionCreated(created.sessionId(), created.sourceLanguage(), created.expiresAtMillis()));
            if (previous != null && !previous.equals(created.sessionId())) {
                notify(new LecternEvent.SessionReplaced(previous, created.sessionId()));
            }
            return beginAttempt(ctx, ConnectMode.ATTACH, 0, false, null, false);
        }

        private SessionState scheduleRetry(Context ctx, ConnectMode mode, int failedSoFar, boolean tokenRenewed,
                                           LecternError error) {
            BackoffPolicy policy = ctx.settings().reconnectBackoff();
            int attempt = failedSoFar + 1;
            if (!policy.allows(attempt)) {
                notify(new LecternEvent.ReconnectFailed(failedSoFar, error));
                return end(ctx, EndReason.RETRIES_EXHAUSTED);
            }
            Entropy.Draw draw = ctx.entropy().nextDouble();
            Duration delay = policy.delay(attempt, draw.value(), error == null ? null : error.retryAfter());
            emit(new Effect.StartTimer(TimerKey.RECONNECT, delay));
            notify(new LecternEvent.RetryScheduled(attempt, delay, error));
            return new Connecting(ctx.withEntropy(draw.next()), mode, attempt, Step.BACKOFF, null, tokenRenewed, error);
        }

        private SessionState confirmed(Connecting c, ServerMessage message) {
            emit(new Effect.CancelTimer(TimerKey.CONFIRM));
            Context ctx = c.context();
            LanguageCode streamLanguage = ctx.language();
            if (message instanceof ServerMessage.SessionCreated created) {
                SessionId previous = ctx.sessionId();
                ctx = ctx.withSessionId(created.sessionId());
                notify(new LecternEvent.SessionCreated(created.sessionId(), created.sourceLanguage(), created.expiresAt()));
                if (previous != null && !previous.equals(created.sessionId())) {
                    notify(new LecternEvent.SessionReplaced(previous, created.sessionId()));
                }
            } else if (message instanceof ServerMessage.SessionJoined joined && !ctx.everActive()) {
                notify(new LecternEvent.SessionJoined(joined.sessionId(), joined.targetLanguage(),
                        joined.sourceLanguage(), joined.listenerCount()));
            } else if (c.mode() == ConnectMode.JOIN && !ctx.everActive()) {
                // a service with no first frame (section 11.2): joined is all it can say
                notify(new LecternEvent.SessionJoined(ctx.sessionId(), ctx.language(), null, null));
            } else if (message instanceof ServerMessage.ConnectionRefreshComplete complete
                    && complete.targetLanguage() != null) {
                streamLanguage = complete.targetLanguage();
            }
            if (ctx.everActive()) {
                notify(new LecternEvent.Reconnected(c.attempt()));
            }
            ctx = ctx.withEverActive();
            // the heartbeat sent right after the upgrade counts toward the two a window
            Link link = Link.confirmed(c.connection(), now, streamLanguage, now + ctx.settings().heartbeatInterval().toMillis())
                    .heartbeatSent(now);
            startLinkTimers(ctx);
            ctx = flushQueue(ctx, link);
            if (ctx.speaker() && ctx.paused() && !ctx.sessionApi()) {
                emit(new Effect.Transmit(link.id(), new ClientMessage.PauseBroadcast()));
            }
            resendLanguage(ctx, link);
            return connectedState(ctx, link, null);
        }

        // ------------------------------------------------------------------ Active, Refreshing, Paused

        private SessionState connected(SessionState state, Input input) {
            Context ctx = state.context();
            Link link = current(state);
            Candidate cand = candidate(state);
            if (input instanceof Input.Received received) {
                if (received.id().equals(link.id())) {
                    return currentFrame(ctx, link.heard(now), cand, received.message());
                }
                if (cand != null && cand.step() == Step.OPENING && received.id().equals(cand.id())) {
                    return candidateFrame(ctx, link, cand, received.message());
                }
                return retire(state, received.id(), received.message());
            }
            if (input instanceof Input.TimerFired timer) {
                return timer(state, ctx, link, cand, timer.key());
            }
            if (input instanceof Input.Opened opened) {
                if (isCandidate(cand, opened.id())) {
                    emit(new Effect.Transmit(opened.id(), new ClientMessage.Heartbeat(now))); // may be its confirmation
                } else if (!opened.id().equals(link.id()) && (cand == null || !opened.id().equals(cand.id()))) {
                    emit(new Effect.Abort(opened.id()));
                }
                return state;
            }
            if (input instanceof Input.Refused refused) {
                return isCandidate(cand, refused.id()) ? refreshFailed(ctx, link, cand, LecternError.of(refused.failure())) : state;
            }
            if (input instanceof Input.Closed closed) {
                if (closed.id().equals(link.id())) {
                    return linkLost(ctx, link, cand, closed.code(), closed.reason());
                }
                if (isCandidate(cand, closed.id())) {
                    return refreshFailed(ctx, link, cand, LecternError.of(ConnectFailure.network(
                            "closed before confirmation (" + closed.code() + " " + closed.reason() + ")")));
                }
                if (closed.id().equals(ctx.retiring())) {
                    return with(state, ctx.withRetiring(null));
                }
                return state;
            }
            if (input instanceof Input.TokenReady ready) {
                return cand != null && cand.step() == Step.AWAITING_TOKEN ? openCandidate(ctx, link, cand, ready.token()) : state;
            }
            if (input instanceof Input.TokenFailed failed) {
                return cand != null && cand.step() == Step.AWAITING_TOKEN ? refreshFailed(ctx, link, cand, failed.error()) : state;
            }
            if (input instanceof Input.Pause) {
                if (!ctx.speaker() || ctx.paused()) {
                    return state;
                }
                if (ctx.sessionApi()) {
                    return connectedState(pausedLocally(ctx), link, cand);
                }
                emit(new Effect.Transmit(link.id(), new ClientMessage.PauseBroadcast()));
                return connectedState(ctx.withPaused(true), link, cand);
            }
            if (input instanceof Input.Resume) {
                if (!ctx.speaker() || !ctx.paused()) {
                    return state;
                }
                if (ctx.sessionApi()) {
                    return connectedState(resumedLocally(ctx), link, cand);
                }
                emit(new Effect.Transmit(link.id(), new ClientMessage.ResumeBroadcast()));
                return connectedState(resumed(ctx), link, cand);
            }
            if (input instanceof Input.ChangeLanguage change) {
                if (ctx.speaker()) {
                    return state;
                }
                emit(new Effect.Transmit(link.id(), new ClientMessage.ChangeLanguage(change.language())));
                return with(state, ctx.withLanguage(ctx.language(), change.language()));
            }
            if (input instanceof Input.SendControl control) {
                if (ctx.sessionApi()) {
                    notify(new LecternEvent.ControlNotDelivered(control.message().action(),
                            "not sent: the service cannot carry it for a session created over its HTTP API"));
                    return state;
                }
                emit(new Effect.Transmit(link.id(), control.message()));
                return state;
            }
            return state; // Start while connected: nothing to do
        }

        private SessionState timer(SessionState state, Context ctx, Link link, Candidate cand, TimerKey key) {
            SessionSettings settings = ctx.settings();
            switch (key) {
                case HEARTBEAT -> {
                    if (now - link.lastFrameAt() >= settings.silenceTimeout().toMillis()) {
                        return linkDead(ctx, link, cand, "no frame for " + settings.silenceTimeout().toSeconds() + " s");
                    }
                    long window = heartbeatWindow(settings);
                    if (!link.mayHeartbeat(now, window)) {
                        // A stall probe went out recently: keep to two heartbeats per window.
                        long at = link.previousHeartbeatAt() + window;
                        emit(new Effect.StartTimer(TimerKey.HEARTBEAT, Duration.ofMillis(at - now)));
                        return connectedState(ctx, link.heartbeatDue(at), cand);
                    }
                    // While audio flows it proves the link already: one heartbeat a window, keeping the
                    // second for a probe the moment the audio stops.
                    boolean streaming = link.lastAudioAt() >= 0 && now - link.lastAudioAt() < settings.heartbeatInterval().toMillis();
                    if (streaming && link.heartbeatSentAt() >= 0 && now - link.heartbeatSentAt() < window) {
                        // the one of this window went out already (right after the upgrade, or as a probe)
                        long at = link.heartbeatSentAt() + window;
                        emit(new Effect.StartTimer(TimerKey.HEARTBEAT, Duration.ofMillis(at - now)));
                        return connectedState(ctx, link.heartbeatDue(at), cand);
                    }
                    emit(new Effect.Transmit(link.id(), new ClientMessage.Heartbeat(now)));
                    emit(new Effect.StartTimer(TimerKey.HEARTBEAT_ACK, settings.heartbeatAckTimeout()));
                    long next = streaming ? window : settings.heartbeatInterval().toMillis();
                    emit(new Effect.StartTimer(TimerKey.HEARTBEAT, Duration.ofMillis(next)));
                    return connectedState(ctx, link.heartbeatSent(now).heartbeatDue(now + next), cand);
                }
                case AUDIO_WATCH -> {
                    long silentFor = now - link.lastAudioAt();
                    long interval = settings.heartbeatInterval().toMillis();
                    if (!ctx.speaker() && link.lastAudioAt() >= 0 && silentFor >= interval && link.heartbeatSentAt() >= 0) {
                        // Audio has stopped for good (a pause, a silent speaker): back to a heartbeat every
                        // interval, so an idle link is found as fast as any other.
                        long earliest = Math.max(link.heartbeatSentAt() + interval,
                                link.previousHeartbeatAt() < 0 ? 0 : link.previousHeartbeatAt() + heartbeatWindow(settings));
                        if (link.nextHeartbeatAt() > earliest) {
                            emit(new Effect.StartTimer(TimerKey.HEARTBEAT, Duration.ofMillis(Math.max(0, earliest - now))));
                            return connectedState(ctx, watchAudio(ctx, link.heartbeatDue(earliest)), cand);
                        }
                    }
                    if (ctx.speaker() || ctx.paused() || link.lastAudioAt() < 0 || link.probedAudioAt() == link.lastAudioAt()
                            || silentFor < settings.audioStallTimeout().toMillis()
                            || !link.mayHeartbeat(now, heartbeatWindow(settings))) {
                        return connectedState(ctx, watchAudio(ctx, link), cand);
                    }
                    // Audio stopped without a pause: ask the link whether it is still there.
                    emit(new Effect.Transmit(link.id(), new ClientMessage.Heartbeat(now)));
                    emit(new Effect.StartTimer(TimerKey.HEARTBEAT_ACK, settings.probeAckTimeout()));
                    return connectedState(ctx, watchAudio(ctx, link.probed(now)), cand);
                }
                case HEARTBEAT_ACK -> {
                    if (link.heartbeatSentAt() >= 0 && link.lastFrameAt() < link.heartbeatSentAt()) {
                        return linkDead(ctx, link, cand, link.probedAudioAt() >= 0 && link.probedAudioAt() == link.lastAudioAt()
                                && link.heartbeatSentAt() > link.lastAudioAt()
                                ? "audio stopped and a probe heartbeat got no answer within " + settings.probeAckTimeout().toMillis() + " ms"
                                : "no answer to a heartbeat within " + settings.heartbeatAckTimeout().toMillis() + " ms");
                    }
                    return state;
                }
                case REFRESH_CLOCK -> {
                    return cand == null && !link.refreshBlocked() ? startRefresh(ctx, link, "connection age") : state;
                }
                case REFRESH_CONFIRM -> {
                    return cand != null && cand.step() == Step.OPENING
                            ? refreshFailed(ctx, link, cand, LecternError.of(ConnectFailure.confirmTimeout(settings.refreshConfirmTimeout())))
                            : state;
                }
                case REFRESH_RETRY -> {
                    if (cand == null || cand.step() != Step.BACKOFF) {
                        return state;
                    }
                    return beginCandidate(ctx, link, cand, false);
                }
                case CUTOFF -> {
                    return linkDead(ctx, link, cand, "connection reached the maximum age of "
                            + settings.maxConnectionAge().toMinutes() + " min");
                }
                case REORDER -> {
                    return connectedState(skipHole(ctx), link, cand);
                }
                default -> {
                    return state; // CONFIRM, RECONNECT belong to Connecting
                }
            }
        }

        private SessionState currentFrame(Context ctx, Link link, Candidate cand, ServerMessage message) {
            boolean mayRefresh = cand == null && !link.refreshBlocked();
            if (message instanceof ServerMessage.ConnectionRefreshRequired) {
                return mayRefresh ? startRefresh(ctx, link, "server request") : connectedState(ctx, link, cand);
            }
            if (message instanceof ServerMessage.ConnectionWarning warning) {
                notify(new LecternEvent.ConnectionWarning(warning.remainingMinutes(), warning.message()));
                return mayRefresh ? startRefresh(ctx, link, "connection warning") : connectedState(ctx, link, cand);
            }
            if (message instanceof ServerMessage.ConnectionTimeout timeout) {
                notify(new LecternEvent.ConnectionWarning(null, timeout.message()));
            } else if (message instanceof ServerMessage.AudioData audio) {
                link = link.heardAudio(now);
                if (link.audioWatchAt() < 0 || link.audioWatchAt() > now + nextAudioWatch(ctx, link, now)) {
                    // the first audio of this link, or the first after a silence: watch it from its own stall
                    // deadline, not from a later decision the silence had left (while audio flows, no timer)
                    link = watchAudio(ctx, link);
                }
                ctx = audio(ctx, audio, true);
            } else if (message instanceof ServerMessage.TranslatedAudio t) {
                ctx = translated(ctx, t);
            } else if (message instanceof ServerMessage.BroadcastChanged change) {
                boolean wasPaused = ctx.paused();
                ctx = broadcastChanged(ctx, change);
                if (wasPaused && !ctx.paused() && link.lastAudioAt() >= 0) {
                    link = watchAudio(ctx, link); // resumed: if the audio does not come back, a probe may be due
                }
            } else if (message instanceof ServerMessage.LanguageChanged changed) {
                if (!ctx.speaker()) {
                    emit(new Effect.CancelTimer(TimerKey.REORDER));
                    ctx = ctx.withLanguage(changed.targetLanguage(), null).withBuffer(ctx.buffer().reset())
                            .withSegments(ctx.segments().reset());
                    link = link.withLanguage(changed.targetLanguage());
                    notify(new LecternEvent.LanguageChanged(changed.targetLanguage()));
                }
            } else if (message instanceof ServerMessage.SessionStatus status) {
                notify(new LecternEvent.StatusReceived(status));
            } else if (message instanceof ServerMessage.AudioQualityWarning warning) {
                notify(new LecternEvent.QualityWarning(warning.issue(), warning.message()));
            } else if (message instanceof ServerMessage.ErrorFrame error) {
                if (ctx.pendingLanguage() != null && LANGUAGE_REJECTIONS.contains(error.code())) {
                    ctx = ctx.withLanguage(ctx.language(), null);
                }
                notify(new LecternEvent.Error(errorOf(error)));
            } else if (message instanceof ServerMessage.GatewayFault fault) {
                notify(new LecternEvent.Error(LecternError.local("GATEWAY_ERROR", String.valueOf(fault.message()))));
            } else if (message instanceof ServerMessage.Unknown) {
                ctx = ctx.withCounters(ctx.counters().plusIgnored()); // a newer server's message: ignored, counted
            }
            return connectedState(ctx, link, cand);
        }

        private Context broadcastChanged(Context ctx, ServerMessage.BroadcastChanged change) {
            switch (change.kind()) {
                case BROADCAST_PAUSED -> {
                    notify(new LecternEvent.SessionPaused(ctx.sessionId()));
                    return ctx.speaker() ? ctx : ctx.withPaused(true);
                }
                case BROADCAST_RESUMED -> {
                    notify(new LecternEvent.SessionResumed(ctx.sessionId()));
                    return ctx.speaker() ? ctx : ctx.withPaused(false);
                }
                default -> {
                    Double volume = change.volumeLevel() != null ? change.volumeLevel()
                            : change.broadcastState() != null ? Double.valueOf(change.broadcastState().volume()) : null;
                    notify(new LecternEvent.BroadcastChanged(change.kind(), change.broadcastState(), volume));
                    if (!ctx.speaker() && change.kind() == ServerMessage.BroadcastChanged.Kind.SPEAKER_STATE_CHANGED
                            && change.broadcastState() != null) {
                        return ctx.withPaused(change.broadcastState().isPaused());
                    }
                    return ctx;
                }
            }
        }

        private SessionState candidateFrame(Context ctx, Link link, Candidate cand, ServerMessage message) {
            if (message instanceof ServerMessage.ConnectionRefreshComplete || message instanceof ServerMessage.HeartbeatAck) {
                return switchOver(ctx, link, cand);
            }
            if (message instanceof ServerMessage.ErrorFrame error) {
                return refreshFailed(ctx, link, cand, errorOf(error));
            }
            if (message instanceof ServerMessage.AudioData audio) {
                return connectedState(audio(ctx, audio, false), link, cand);
            }
            if (message instanceof ServerMessage.TranslatedAudio t) {
                return connectedState(translated(ctx, t), link, cand);
            }
            return connectedState(ctx, link, cand);
        }

        /** A frame from a connection that is neither current nor candidate: late audio of a retiring one is still used. */
        private SessionState retire(SessionState state, ConnectionId id, ServerMessage message) {
            Context ctx = state.context();
            if (id.equals(ctx.retiring()) && message instanceof ServerMessage.AudioData audio
                    && !(state instanceof Connecting)) {
                return with(state, audio(ctx, audio, false));
            }
            if (id.equals(ctx.retiring()) && message instanceof ServerMessage.TranslatedAudio t) {
                return with(state, translated(ctx, t));
            }
            return with(state, ctx.withCounters(ctx.counters().plusStale()));
        }

        // ------------------------------------------------------------------ refresh

        private SessionState startRefresh(Context ctx, Link link, String trigger) {
            if (ctx.sessionApi()) {
                // The deployed service ends the session when the speaker's old connection closes (section 11.4):
                // a refresh would end it at once. Keep this connection to its cutoff and say so now.
                SessionSettings s = ctx.settings();
                long left = s.maxConnectionAge().toMillis() - (now - link.openedAt());
                if (trigger.equals("server request")) {
                    // the service asks at its refresh age: its cut is the rest of the way to the maximum age away
                    left = Math.min(left, s.maxConnectionAge().minus(s.refreshAfter()).toMillis());
                }
                notify(new LecternEvent.ConnectionWarning(Math.max(0, left) / 60_000.0,
                        "this service ends a speaker's session when the speaker's connection closes, so the connection"
                                + " cannot be replaced: the session ends when the service cuts it, in about "
                                + Math.max(0, left / 60_000) + " min (" + trigger + ")"));
                return connectedState(ctx, link.blockRefresh(), null);
            }
            notify(new LecternEvent.RefreshStarted(trigger));
            return beginCandidate(ctx, link, new Candidate(null, 0, Step.AWAITING_TOKEN, false, ctx.language()), false);
        }

        private SessionState beginCandidate(Context ctx, Link link, Candidate cand, boolean forceRenew) {
            Candidate waiting = new Candidate(null, cand.attempt(), Step.AWAITING_TOKEN, cand.tokenRenewed() || forceRenew,
                    ctx.language());
            if (ctx.speaker()) {
                emit(new Effect.FetchToken(forceRenew));
                return connectedState(ctx, link, waiting);
            }
            return openCandidate(ctx, link, waiting, null);
        }

        private SessionState openCandidate(Context ctx, Link link, Candidate cand, IdToken token) {
            ConnectionId id = ctx.peekNextConnection();
            LanguageCode language = ctx.speaker() ? null : ctx.language();
            emit(new Effect.Open(id, new ConnectRequest.RefreshConnection(ctx.sessionId(), ctx.role(), language, token)));
            emit(new Effect.StartTimer(TimerKey.REFRESH_CONFIRM, ctx.settings().refreshConfirmTimeout()));
            return connectedState(ctx.withNextConnection(), link,
                    new Candidate(id, cand.attempt(), Step.OPENING, cand.tokenRenewed(), language));
        }

        private SessionState refreshFailed(Context ctx, Link link, Candidate cand, LecternError error) {
            emit(new Effect.CancelTimer(TimerKey.REFRESH_CONFIRM));
            abortCandidate(cand);
            FailureClass failureClass = FailureClass.of(error.status(), error.code());
            if (failureClass == FailureClass.UNAUTHORIZED && ctx.speaker() && !cand.tokenRenewed()) {
                return beginCandidate(ctx, link, cand, true);
            }
            int attempt = cand.attempt() + 1;
            BackoffPolicy policy = ctx.settings().refreshBackoff();
            if (failureClass != FailureClass.TRANSIENT || error.permanent() || !policy.allows(attempt)) {
                // Keep the old connection until the cutoff; the reconnect after it will tell.
                notify(new LecternEvent.Error(new LecternError("REFRESH_FAILED",
                        "connection refresh failed (" + error.code() + ": " + error.message()
                                + "); the current connection is kept until the service cuts it",
                        error.status(), error.retryAfter(), true)));
                return connectedState(ctx, link.blockRefresh(), null);
            }
            Entropy.Draw draw = ctx.entropy().nextDouble();
            Duration delay = policy.delay(attempt, draw.value(), error.retryAfter());
            emit(new Effect.StartTimer(TimerKey.REFRESH_RETRY, delay));
            return connectedState(ctx.withEntropy(draw.next()), link,
                    new Candidate(null, attempt, Step.BACKOFF, cand.tokenRenewed(), cand.language()));
        }

        private SessionState switchOver(Context ctx, Link old, Candidate cand) {
            emit(new Effect.CancelTimer(TimerKey.REFRESH_CONFIRM));
            emit(new Effect.CancelTimer(TimerKey.HEARTBEAT_ACK));
            Link link = Link.confirmed(cand.id(), now, cand.language(), now + ctx.settings().heartbeatInterval().toMillis())
                    .heartbeatSent(now);
            startLinkTimers(ctx);
            ctx = flushQueue(ctx, link);
            emit(new Effect.Close(old.id(), CLOSE_NORMAL, "Connection refresh"));
            notify(new LecternEvent.ConnectionRefreshed(old.id(), link.id()));
            resendLanguage(ctx, link);
            return connectedState(ctx.withRetiring(old.id()), link, null);
        }

        // ------------------------------------------------------------------ loss

        private SessionState linkDead(Context ctx, Link link, Candidate cand, String reason) {
            emit(new Effect.Abort(link.id()));
            return linkLost(ctx, link, cand, CLOSE_ABNORMAL, reason);
        }

        private SessionState linkLost(Context ctx, Link link, Candidate cand, int code, String reason) {
            notify(new LecternEvent.Disconnected(link.id(), code, reason));
            if (ctx.sessionApi()) {
                abortCandidate(cand);
                notify(new LecternEvent.Error(new LecternError("SPEAKER_CONNECTION_CLOSED",
                        "the session ended with the speaker's connection (" + code + " " + reason
                                + "): this service ends a speaker's session when its connection closes", 0, null, true)));
                notify(new LecternEvent.SessionEnded(ctx.sessionId(), "ended with the speaker's connection"));
                return end(ctx, EndReason.SESSION_ENDED);
            }
            for (TimerKey key : List.of(TimerKey.HEARTBEAT, TimerKey.HEARTBEAT_ACK, TimerKey.REFRESH_CLOCK,
                    TimerKey.CUTOFF, TimerKey.REFRESH_RETRY, TimerKey.AUDIO_WATCH)) {
                emit(new Effect.CancelTimer(key));
            }
            if (cand != null && cand.step() == Step.OPENING) {
                // The refresh's new connection is already on its way: let it be the reconnect.
                emit(new Effect.CancelTimer(TimerKey.REFRESH_CONFIRM));
                emit(new Effect.StartTimer(TimerKey.CONFIRM, ctx.settings().confirmTimeout()));
                Context c = ctx.withLanguage(cand.language() != null ? cand.language() : ctx.language(),
                        pendingAfterPromotion(ctx, cand));
                return new Connecting(c, ConnectMode.RESUME, 0, Step.OPENING, cand.id(), cand.tokenRenewed(), null);
            }
            ConnectMode mode = ctx.speaker() ? ConnectMode.RESUME : ConnectMode.JOIN;
            return scheduleRetry(ctx, mode, 0, false, LecternError.local("CONNECTION_LOST", reason));
        }

        private LanguageCode pendingAfterPromotion(Context ctx, Candidate cand) {
            if (ctx.speaker()) {
                return null;
            }
            LanguageCode wanted = ctx.pendingLanguage() != null ? ctx.pendingLanguage() : ctx.language();
            return wanted.equals(cand.language()) ? null : wanted;
        }

        // ------------------------------------------------------------------ audio

        private Context audio(Context ctx, ServerMessage.AudioData audio, boolean fromCurrent) {
            if (ctx.speaker()) {
                return ctx;
            }
            if (audio.sequenceNumber() == null) {
                if (!fromCurrent) {
                    return ctx.withCounters(ctx.counters().plusDuplicate());
                }
                emit(new Effect.Play(null, audio.audio()));
                notify(new LecternEvent.AudioReceived(null, audio.audio(), audio.timestamp()));
                return ctx.withCounters(ctx.counters().plusPlayed(1));
            }
            boolean holeBefore = ctx.buffer().waitingChunks() > 0;
            JitterBuffer.Outcome outcome = ctx.buffer().offer(audio.sequenceNumber(), audio.audio());
            if (outcome.duplicate()) {
                return ctx.withCounters(ctx.counters().plusDuplicate());
            }
            if (outcome.rejected() > 0) {
                // a chunk numbered implausibly far ahead, and the stream went on as before: never a gap of its size
                ctx = ctx.withCounters(ctx.counters().plusRejected());
                notify(new LecternEvent.FrameRejected(null, "an audio frame numbered more than " + JitterBuffer.MAX_JUMP
                        + " ahead of the stream was dropped", ctx.counters().rejectedFrames()));
            }
            Context next = played(ctx, outcome, audio.sequenceNumber(), audio.timestamp());
            if (outcome.holeOpen() && (!holeBefore || !outcome.gaps().isEmpty() || !outcome.released().isEmpty())) {
                emit(new Effect.StartTimer(TimerKey.REORDER, ctx.settings().reorderWait()));
            } else if (!outcome.holeOpen() && holeBefore) {
                emit(new Effect.CancelTimer(TimerKey.REORDER));
            }
            return next;
        }

        private Context skipHole(Context ctx) {
            if (ctx.speaker()) {
                return ctx;
            }
            JitterBuffer.Outcome outcome = ctx.buffer().skipHole();
            Context next = played(ctx, outcome, null, null);
            if (outcome.holeOpen()) {
                emit(new Effect.StartTimer(TimerKey.REORDER, ctx.settings().reorderWait()));
            }
            return next;
        }

        /** {@code arriving} and its {@code sentAt}: the chunk that just came, whose send time the event may carry. */
        private Context played(Context ctx, JitterBuffer.Outcome outcome, dev.lectern.domain.SequenceNumber arriving, Long sentAt) {
            Counters counters = ctx.counters();
            List<JitterBuffer.Gap> gaps = outcome.gaps();
            for (int i = 0; i < gaps.size(); i++) {
                JitterBuffer.Gap gap = gaps.get(i);
                notify(new LecternEvent.AudioGap(gap.from(), gap.to()));
                counters = counters.plusGap(gap.size());
            }
            List<JitterBuffer.Released> releases = outcome.released();
            for (int i = 0; i < releases.size(); i++) {
                JitterBuffer.Released released = releases.get(i);
                emit(new Effect.Play(released.sequence(), released.audio()));
                notify(new LecternEvent.AudioReceived(released.sequence(), released.audio(),
                        released.sequence().equals(arriving) ? sentAt : null));
            }
            return ctx.withBufferAndCounters(outcome.buffer(), counters.plusPlayed(outcome.released().size()));
        }

        private Context flushQueue(Context ctx, Link link) {
            if (ctx.queue().isEmpty()) {
                return ctx;
            }
            SendQueue.Drain drain = ctx.queue().drain();
            for (QueuedChunk chunk : drain.chunks()) {
                emit(new Effect.Transmit(link.id(), new ClientMessage.AudioChunkUpload(ctx.sessionId(), chunk.audio(),
                        chunk.chunkId(), chunk.capturedAt())));
            }
            return ctx.withQueue(drain.queue()).withCounters(ctx.counters().plusSent(drain.chunks().size()));
        }

        private Context resumed(Context ctx) {
            if (ctx.pausedDrops() > 0) {
                notify(new LecternEvent.AudioDropped(ctx.pausedDrops(), DropReason.PAUSED, ctx.counters().dropped()));
            }
            return ctx.withPaused(false).withPausedDrops(0);
        }

        /** A pause the service cannot carry (section 11.3): audio is withheld here, and the host is told so. */
        private Context pausedLocally(Context ctx) {
            notify(new LecternEvent.ControlNotDelivered("pauseBroadcast",
                    "listeners are not told; captured audio is withheld until resume"));
            notify(new LecternEvent.SessionPaused(ctx.sessionId()));
            return ctx.withPaused(true);
        }

        private Context resumedLocally(Context ctx) {
            notify(new LecternEvent.ControlNotDelivered("resumeBroadcast", "listeners are not told; audio flows again"));
            Context next = resumed(ctx);
            notify(new LecternEvent.SessionResumed(ctx.sessionId()));
            return next;
        }

        private void resendLanguage(Context ctx, Link link) {
            if (ctx.speaker()) {
                return;
            }
            LanguageCode wanted = ctx.pendingLanguage() != null ? ctx.pendingLanguage() : ctx.language();
            if (link.language() != null && !wanted.equals(link.language())) {
                emit(new Effect.Transmit(link.id(), new ClientMessage.ChangeLanguage(wanted)));
            }
        }

        /** Arms the audio watch for its next decision, or leaves it unarmed if there is none (nextAudioWatch). */
        private Link watchAudio(Context ctx, Link link) {
            long next = nextAudioWatch(ctx, link, now);
            if (next < 0) {
                return link.audioWatchAt(-1);
            }
            emit(new Effect.StartTimer(TimerKey.AUDIO_WATCH, Duration.ofMillis(next)));
            return link.audioWatchAt(now + next);
        }

        private void startLinkTimers(Context ctx) {
            SessionSettings s = ctx.settings();
            emit(new Effect.StartTimer(TimerKey.HEARTBEAT, s.heartbeatInterval()));
            // a listener's audio watch starts with the link's first audio (nextAudioWatch)
            emit(new Effect.StartTimer(TimerKey.REFRESH_CLOCK, s.refreshAfter().plus(s.selfRefreshGrace())));
            emit(new Effect.StartTimer(TimerKey.CUTOFF, s.maxConnectionAge()));
        }

        private void abortCandidate(Candidate cand) {
            if (cand != null && cand.id() != null) {
                emit(new Effect.Abort(cand.id()));
            }
        }
    }

    // ---------------------------------------------------------------------- helpers on states

    private static boolean isCandidate(Candidate cand, ConnectionId id) {
        return cand != null && cand.step() == Step.OPENING && id.equals(cand.id());
    }

    private static boolean isSessionGone(LecternError error) {
        return "SESSION_NOT_FOUND".equals(error.code()) || error.status() == 404;
    }

    private static LecternError errorOf(ServerMessage.ErrorFrame error) {
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
    private static boolean confirms(ConnectMode mode, ServerMessage message) {
        return switch (mode) {
            case CREATE -> message instanceof ServerMessage.SessionCreated;
            case JOIN -> message instanceof ServerMessage.SessionJoined || message instanceof ServerMessage.HeartbeatAck;
            case RESUME, ATTACH -> message instanceof ServerMessage.ConnectionRefreshComplete
                    || message instanceof ServerMessage.HeartbeatAck;
        };
    }

    /** Whether a {@code sessionEnded} is about this client's session. */
    private static boolean concerns(Context ctx, ServerMessage.SessionEnded ended) {
        return ctx.sessionId() != null && (ended.sessionId() == null || ended.sessionId().equals(ctx.sessionId()));
    }

    private static Link current(SessionState state) {
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

    private static Candidate candidate(SessionState state) {
        if (state instanceof Refreshing r) {
            return r.candidate();
        }
        if (state instanceof Paused p) {
            return p.candidate();
        }
        return null;
    }

    /** The connected state for these parts: paused wins, then refreshing, else active. */
    private static SessionState connectedState(Context ctx, Link link, Candidate cand) {
        if (ctx.paused()) {
            return new Paused(ctx, link, cand);
        }
        return cand != null ? new Refreshing(ctx, link, cand) : new Active(ctx, link);
    }

    /** The same state with another context. */
    private static SessionState with(SessionState state, Context ctx) {
        if (state instanceof Connecting c) {
            return new Connecting(ctx, c.mode(), c.attempt(), c.step(), c.connection(), c.tokenRenewed(), c.lastError());
        }
        if (state instanceof Ended e) {
            return new Ended(ctx, e.reason());
        }
        return connectedState(ctx, current(state), candidate(state));
    }

    private static SessionState withLink(SessionState state, Link link) {
        return connectedState(state.context(), link, candidate(state));
    }
}
