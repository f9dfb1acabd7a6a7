package dev.lectern.domain.session;

import static dev.lectern.domain.session.SessionMachine.CLOSE_NORMAL;
import static dev.lectern.domain.session.States.candidate;
import static dev.lectern.domain.session.States.current;
import static dev.lectern.domain.session.Ending.abortCandidate;
import static dev.lectern.domain.session.Ending.finishIfDrained;

import dev.lectern.domain.event.LecternEvent;
import dev.lectern.domain.message.ServerMessage;
import dev.lectern.domain.retry.Entropy;
import dev.lectern.domain.session.SessionState.Connecting;
import java.time.Duration;
import java.util.List;

/**
 * A listener's rejoin on the service as deployed today (protocol sections 11.4 and 11.5). There a
 * {@code sessionEnded} comes whenever a speaker connection closes, the old one of a speaker's hand-over
 * too, and the service forgets the listeners; the session's status stays {@code active} until the speaker
 * marks it ended. So a listener told {@code sessionEnded} closes its connection and rejoins once, after a
 * random wait up to {@link DeployedSettings#rejoinSpread()}; what is queued keeps playing meanwhile. A
 * refused rejoin (403, 404) means the session is over; an accepted one means the speaker handed over,
 * which audio within {@link DeployedSettings#rejoinAudioWait()} confirms (audio later than a gone speaker's
 * last batch could come: {@link DeployedSettings#lastBatchWindow()} after the {@code sessionEnded}), and without
 * which the session is over too. A second {@code sessionEnded} before any audio came back is final. Part of
 * {@link SessionMachine}; pure, as it is.
 */
final class Rejoin {
    private Rejoin() {}

    /** Whether a {@code sessionEnded} now calls for a rejoin rather than the end. */
    static boolean applies(Context ctx) {
        return !ctx.speaker() && ctx.deployed().service() && ctx.settings().deployed().listenerRejoin()
                && ctx.deployed().rejoin() != Deployed.Rejoin.AWAITING_AUDIO;
    }

    static SessionState begin(Run run, SessionState state, ServerMessage.SessionEnded ended) {
        Context ctx = state.context();
        for (TimerKey key : List.of(TimerKey.HEARTBEAT, TimerKey.HEARTBEAT_ACK, TimerKey.REFRESH_CLOCK, TimerKey.CUTOFF,
                TimerKey.REFRESH_RETRY, TimerKey.REFRESH_CONFIRM, TimerKey.AUDIO_WATCH, TimerKey.CONFIRM, TimerKey.RECONNECT,
                TimerKey.LANGUAGE_CONFIRM)) {
            run.emit(new Effect.CancelTimer(key));
        }
        Link link = current(state);
        if (link != null) {
            // the service forgot this connection; its late frames are still used while it closes
            run.emit(new Effect.Close(link.id(), CLOSE_NORMAL, "Listener disconnected"));
            ctx = ctx.withRetiring(link.id());
        }
        abortCandidate(run, candidate(state));
        if (state instanceof Connecting c && c.connection() != null) {
            run.emit(new Effect.Abort(c.connection()));
        }
        ctx = ctx.withDeployed(ctx.deployed().rejoinFrom(run.now))
                .withLanguage(ctx.pendingLanguage() != null ? ctx.pendingLanguage() : ctx.language(), null);
        if (ctx.plan() instanceof SessionPlan.Listen listen && listen.sessionApi()) {
            // the session's public GET says whether it is over, without spending a connect (20 a minute per address)
            run.emit(new Effect.ReadSession(ctx.sessionId()));
            run.emit(new Effect.StartTimer(TimerKey.SESSION_READ, ctx.settings().deployed().endStepTimeout()));
            return new Connecting(ctx, ConnectMode.JOIN, 0, Step.AWAITING_SESSION, null, false, null);
        }
        return schedule(run, ctx);
    }

    /** The rejoin's connect, after a random wait up to the spread. */
    private static SessionState schedule(Run run, Context ctx) {
        Entropy.Draw draw = ctx.entropy().nextDouble();
        Duration delay = Duration.ofMillis(Math.round(draw.value() * ctx.settings().deployed().rejoinSpread().toMillis()));
        run.emit(new Effect.StartTimer(TimerKey.RECONNECT, delay));
        run.notify(new LecternEvent.RejoinScheduled(delay));
        return new Connecting(ctx.withEntropy(draw.next()), ConnectMode.JOIN, 0, Step.BACKOFF, null, false, null);
    }

    /**
     * The session's status before a rejoin: gone (404) or not {@code active} (marked ended or paused: a join
     * would be refused 403) is the end, with no connect; active, or no answer, and the rejoin goes ahead.
     */
    static SessionState sessionRead(Run run, SessionState state, Input.SessionRead read) {
        Context ctx = state.context();
        if (!(state instanceof Connecting c) || c.step() != Step.AWAITING_SESSION
                || ctx.deployed().rejoin() != Deployed.Rejoin.REJOINING) {
            return state;
        }
        run.emit(new Effect.CancelTimer(TimerKey.SESSION_READ));
        if (read.gone()) {
            return refused(run, c, new LecternError("SESSION_NOT_FOUND", "the session API has no such session", 404, null, true));
        }
        if (read.status() != null && !"active".equals(read.status())) {
            return refused(run, c, new LecternError("SESSION_INACTIVE", "the session API says the session is " + read.status(),
                    403, null, true));
        }
        return schedule(run, ctx);
    }

    /** The rejoin's connect was confirmed: the session is still open; audio must follow within the wait. */
    static Context accepted(Run run, Context ctx) {
        Duration wait = ctx.settings().deployed().rejoinAudioWait();
        run.emit(new Effect.StartTimer(TimerKey.REJOIN_AUDIO, wait));
        run.notify(new LecternEvent.RejoinAccepted(wait));
        return ctx.withDeployed(ctx.deployed().withRejoin(Deployed.Rejoin.AWAITING_AUDIO));
    }

    /**
     * Audio arrived: after a rejoin, audio that comes later than a speaker's last batch could (the end's flush
     * after the {@code sessionEnded}) confirms the hand-over. A batch of a speaker that is gone may still be
     * pushed a few seconds after its close; it is played, but it proves nothing.
     */
    static Context heardAudio(Run run, Context ctx) {
        if (ctx.deployed().rejoin() != Deployed.Rejoin.AWAITING_AUDIO
                || run.now - ctx.deployed().endedAt() < ctx.settings().deployed().lastBatchWindow().toMillis()) {
            return ctx;
        }
        run.emit(new Effect.CancelTimer(TimerKey.REJOIN_AUDIO));
        run.notify(new LecternEvent.RejoinResumed());
        return ctx.withDeployed(ctx.deployed().withRejoin(Deployed.Rejoin.NONE));
    }

    /** The rejoin was refused for good: the session is over once what is queued has played. */
    static SessionState refused(Run run, Connecting c, LecternError error) {
        Context ctx = c.context();
        run.notify(new LecternEvent.RejoinRefused(error));
        run.notify(new LecternEvent.SessionEnded(ctx.sessionId(), "rejoin refused (" + error.code() + "): the session is over"));
        return over(run, new Connecting(ctx, c.mode(), c.attempt(), Step.IDLE, null, c.tokenRenewed(), error));
    }

    /**
     * A listener that had joined is refused on a later connect (a reconnect after a lost connection) because the
     * session is gone or no longer active: it ended meanwhile, which is the end, not an error.
     */
    static SessionState sessionGone(Run run, Connecting c, LecternError error) {
        run.notify(new LecternEvent.SessionEnded(c.context().sessionId(), "the session ended meanwhile (" + error.code() + ")"));
        return over(run, new Connecting(c.context(), c.mode(), c.attempt(), Step.IDLE, null, c.tokenRenewed(), error));
    }

    /** No audio came within the wait after an accepted rejoin: the speaker is gone. */
    static SessionState noAudio(Run run, SessionState state) {
        Context ctx = state.context();
        if (ctx.deployed().rejoin() != Deployed.Rejoin.AWAITING_AUDIO) {
            return state;
        }
        Duration waited = ctx.settings().deployed().rejoinAudioWait();
        run.notify(new LecternEvent.RejoinNoAudio(waited));
        run.notify(new LecternEvent.SessionEnded(ctx.sessionId(), "no audio within " + waited.toSeconds()
                + " s of the rejoin: the speaker did not come back"));
        Link link = current(state);
        if (link != null) {
            run.emit(new Effect.Close(link.id(), CLOSE_NORMAL, "Session ended"));
        }
        abortCandidate(run, candidate(state));
        ConnectMode mode = ConnectMode.JOIN;
        if (state instanceof Connecting c) {
            if (c.connection() != null) {
                run.emit(new Effect.Abort(c.connection()));
            }
            mode = c.mode();
        }
        return over(run, new Connecting(ctx, mode, 0, Step.IDLE, null, false, null));
    }

    /** Nothing connects again; the end comes when the queued segments have played (Ending.finishIfDrained). */
    private static SessionState over(Run run, Connecting c) {
        for (TimerKey key : TimerKey.values()) {
            if (key != TimerKey.REORDER) {
                run.emit(new Effect.CancelTimer(key));
            }
        }
        Context ctx = c.context().withDeployed(c.context().deployed().withRejoin(Deployed.Rejoin.NONE)).withEndingAt(-1);
        return finishIfDrained(run, new Connecting(ctx, c.mode(), c.attempt(), Step.IDLE, null, c.tokenRenewed(), c.lastError()));
    }
}
