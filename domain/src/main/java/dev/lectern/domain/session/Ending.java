package dev.lectern.domain.session;

import static dev.lectern.domain.session.SessionMachine.CLOSE_NORMAL;
import static dev.lectern.domain.session.SessionMachine.listener;
import static dev.lectern.domain.session.SessionMachine.speaker;
import static dev.lectern.domain.session.States.candidate;
import static dev.lectern.domain.session.States.connectedState;
import static dev.lectern.domain.session.States.current;
import static dev.lectern.domain.session.States.with;
import static dev.lectern.domain.session.WhileConnected.timer;
import static dev.lectern.domain.session.Streams.segments;
import static dev.lectern.domain.session.Streams.translated;

import dev.lectern.domain.audio.SendQueue;
import dev.lectern.domain.event.DropReason;
import dev.lectern.domain.event.LecternEvent;
import dev.lectern.domain.message.ClientMessage;
import dev.lectern.domain.message.ServerMessage;
import dev.lectern.domain.session.SessionState.Connecting;
import dev.lectern.domain.session.SessionState.Ended;

/**
 * How a session ends: by the host, by the server's {@code sessionEnded} (after the last segments, for a
 * listener of the deployed service), by a sink that cannot play, and what an ended session still takes.
 * Part of {@link SessionMachine}; pure, as it is.
 */
final class Ending {
    private Ending() {}

    static SessionState whenEnded(Run run, Ended ended, Input input) {
        Context ctx = ended.context();
        if (input instanceof Input.Capture && ctx.speaker()) {
            // Refused by the client API as well; counted so that conservation holds.
            return new Ended(ctx.withCounters(ctx.counters().plusCaptured().plusDropped(1)), ended.reason());
        }
        if (input instanceof Input.Opened opened) {
            run.emit(new Effect.Abort(opened.id()));
        }
        return ended;
    }

    static SessionState end(Run run, Context ctx, EndReason reason) {
        run.emit(new Effect.CancelAllTimers());
        Context c = ctx;
        if (!c.queue().isEmpty()) {
            SendQueue.Drain drain = c.queue().drain();
            c = c.withQueue(drain.queue()).withCounters(c.counters().plusDropped(drain.chunks().size()));
            run.notify(new LecternEvent.AudioDropped(drain.chunks().size(), DropReason.SESSION_ENDED,
                    c.counters().dropped()));
        }
        if (c.pausedDrops() > 0) {
            run.notify(new LecternEvent.AudioDropped(c.pausedDrops(), DropReason.PAUSED, c.counters().dropped()));
            c = c.withPausedDrops(0);
        }
        run.notify(new LecternEvent.Closed(reason));
        return new Ended(c, reason);
    }

    /**
     * The session is over, whichever connection says so and in whatever state, confirmed or not (protocol
     * section 11.5): nothing connects again.
     */
    static SessionState sessionEnded(Run run, SessionState state, ServerMessage.SessionEnded ended) {
        Context ctx = state.context();
        if (Rejoin.applies(ctx)) {
            return Rejoin.begin(run, state, ended); // the deployed service says this at a speaker's hand-over too
        }
        run.notify(new LecternEvent.SessionEnded(ended.sessionId() != null ? ended.sessionId() : ctx.sessionId(),
                ended.message()));
        Link link = current(state);
        if (link != null && !ctx.speaker() && ctx.segments().started()) {
            // The deployed service pushes the last segment after sessionEnded (section 11.3): stay a while
            // for it, on this connection only, then finish what is queued. Nothing connects again.
            run.emit(new Effect.CancelAllTimers());
            abortCandidate(run, candidate(state));
            run.emit(new Effect.StartTimer(TimerKey.END_LINGER, ctx.settings().endLinger()));
            return connectedState(ctx.withEndingAt(run.now + ctx.settings().endLinger().toMillis()), link, null);
        }
        if (link != null) {
            run.emit(new Effect.Close(link.id(), CLOSE_NORMAL, "Session ended"));
        }
        abortCandidate(run, candidate(state));
        if (state instanceof Connecting c && c.connection() != null) {
            run.emit(new Effect.Abort(c.connection()));
        }
        return end(run, ctx, EndReason.SESSION_ENDED);
    }

    /** The listener cannot play any more: it leaves, and says why, rather than fail every chunk that follows. */
    static SessionState sinkFailed(Run run, SessionState state, Input.SinkFailed failed) {
        Context ctx = state.context();
        run.notify(new LecternEvent.Error(new LecternError("SINK_FAILED", failed.reason(), 0, null, true)));
        Link link = current(state);
        if (link != null) {
            run.emit(new Effect.Close(link.id(), CLOSE_NORMAL, "Listener disconnected"));
        }
        abortCandidate(run, candidate(state));
        if (state instanceof Connecting c && c.connection() != null) {
            run.emit(new Effect.Abort(c.connection()));
        }
        return end(run, ctx, EndReason.SINK_FAILED);
    }

    /** After {@code sessionEnded}: segments still count; the end comes when the wait is over and the queue is empty. */
    static SessionState whileEnding(Run run, SessionState state, Input input) {
        Context ctx = state.context();
        if (input instanceof Input.Received received && received.message() instanceof ServerMessage.TranslatedAudio t) {
            return with(state, ctx.endingAt() > 0 ? translated(run, ctx, t) : ctx);
        }
        if (input instanceof Input.TimerFired timer && timer.key() == TimerKey.END_LINGER) {
            return finishIfDrained(run, with(state, ctx.withEndingAt(-1)));
        }
        Link link = current(state);
        if (input instanceof Input.Closed closed && link != null && closed.id().equals(link.id()) && ctx.endingAt() > 0) {
            // the service closed it (as a DELETE does): nothing more can come, so no reason to wait
            run.emit(new Effect.CancelTimer(TimerKey.END_LINGER));
            return finishIfDrained(run, with(state, ctx.withEndingAt(-1)));
        }
        if (input instanceof Input.Opened opened) {
            run.emit(new Effect.Abort(opened.id()));
        }
        return state; // a lost connection, a refresh request, a warning: nothing to do run.now
    }

    static SessionState finishIfDrained(Run run, SessionState state) {
        Context ctx = state.context();
        if (ctx.endingAt() != -1 || !ctx.segments().isEmpty()) {
            return state;
        }
        Link link = current(state);
        if (link != null) {
            run.emit(new Effect.Close(link.id(), CLOSE_NORMAL, "Session ended"));
        }
        return end(run, ctx, EndReason.SESSION_ENDED);
    }

    static SessionState userEnd(Run run, SessionState state, Input.End end) {
        Context ctx = state.context();
        if (ctx.sessionApi()) {
            return DeployedEnd.begin(run, state, end);
        }
        if (state instanceof Connecting c) {
            if (c.connection() != null) {
                run.emit(new Effect.Abort(c.connection()));
            }
            return end(run, ctx, EndReason.ENDED_BY_USER);
        }
        Link link = current(state);
        Candidate cand = candidate(state);
        if (ctx.speaker()) {
            run.emit(new Effect.Transmit(link.id(), new ClientMessage.EndSession(end.reason())));
            run.emit(new Effect.Close(link.id(), CLOSE_NORMAL, "Session ended by speaker"));
        } else {
            run.emit(new Effect.Close(link.id(), CLOSE_NORMAL, "Listener disconnected"));
        }
        abortCandidate(run, cand);
        return end(run, ctx, EndReason.ENDED_BY_USER);
    }

    static void abortCandidate(Run run, Candidate cand) {
        if (cand != null && cand.id() != null) {
            run.emit(new Effect.Abort(cand.id()));
        }
    }
}
