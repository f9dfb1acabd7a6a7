package dev.lectern.domain.session;

import static dev.lectern.domain.session.SessionMachine.CLOSE_NORMAL;
import static dev.lectern.domain.session.States.candidate;
import static dev.lectern.domain.session.States.current;
import static dev.lectern.domain.session.States.with;
import static dev.lectern.domain.session.Ending.abortCandidate;
import static dev.lectern.domain.session.Ending.end;

import dev.lectern.domain.ConnectionId;
import dev.lectern.domain.event.DropReason;
import dev.lectern.domain.event.LecternEvent;
import dev.lectern.domain.session.Deployed.EndStep;
import dev.lectern.domain.session.SessionState.Connecting;
import java.time.Duration;

/**
 * A speaker's end on the service as deployed today (protocol section 11.5), in its order: capture has
 * stopped; the socket stays open until the last chunk's batch has been pushed to the listeners (the flush:
 * {@link DeployedSettings#endFlush()} after the last chunk sent, skipped by an immediate end);
 * {@code PATCH status:"ended"}, so that rejoins are refused; the close, which makes the service tell every
 * listener {@code sessionEnded} from its disconnect handler; {@link DeployedSettings#disconnectGrace()} for
 * that handler to run; then {@code DELETE}, which would otherwise remove the listeners' records first. Each step after the flush waits for its answer at most
 * {@link DeployedSettings#endStepTimeout()}, and a failed step is reported and the next one goes ahead, so the
 * end always comes. Part of {@link SessionMachine}; pure, as it is.
 */
final class DeployedEnd {
    private DeployedEnd() {}

    static SessionState begin(Run run, SessionState state, Input.End end) {
        Context ctx = state.context();
        run.emit(new Effect.CancelAllTimers());
        abortCandidate(run, candidate(state));
        if (state instanceof Connecting c) {
            if (c.connection() != null) {
                run.emit(new Effect.Abort(c.connection()));
            }
            if (ctx.sessionId() == null) {
                return end(run, ctx, EndReason.ENDED_BY_USER);
            }
            return mark(run, noLink(c, ctx));
        }
        Link link = current(state);
        DeployedSettings settings = ctx.settings().deployed();
        long lastSent = ctx.deployed().lastSentAt();
        long wait = end.immediate() || lastSent < 0 ? 0 : Math.max(0, lastSent + settings.endFlush().toMillis() - run.now);
        SessionState flushing = States.connectedState(ctx.withDeployed(ctx.deployed().withEndStep(EndStep.FLUSHING)), link, null);
        if (wait == 0) {
            return mark(run, flushing);
        }
        run.emit(new Effect.StartTimer(TimerKey.END_STEP, Duration.ofMillis(wait)));
        run.notify(new LecternEvent.SessionEnding("flush", true, "the connection stays open " + wait
                + " ms after the last chunk, so that its batch reaches the listeners"));
        return flushing;
    }

    /** Every input while the end runs its steps. */
    static SessionState step(Run run, SessionState state, Input input) {
        Context ctx = state.context();
        EndStep step = ctx.deployed().endStep();
        Link link = current(state);
        if (input instanceof Input.Capture) {
            // capture has stopped; a chunk still on its way is counted, never sent
            Context c = ctx.withCounters(ctx.counters().plusCaptured().plusDropped(1));
            run.notify(new LecternEvent.AudioDropped(1, DropReason.SESSION_ENDED, c.counters().dropped()));
            return with(state, c);
        }
        if (input instanceof Input.SendFailed failed) {
            return Streams.sendFailed(run, state, failed); // a chunk sent before the end that never left
        }
        if (input instanceof Input.Opened opened) {
            run.emit(new Effect.Abort(opened.id()));
            return state;
        }
        if (input instanceof Input.Closed closed && link != null && closed.id().equals(link.id())) {
            run.emit(new Effect.CancelTimer(TimerKey.END_STEP));
            SessionState gone = noLink(state, ctx);
            return switch (step) {
                case FLUSHING -> {
                    run.notify(new LecternEvent.SessionEnding("flush", false, "the connection closed early ("
                            + closed.code() + " " + closed.reason() + "); the service told the listeners the session ended"));
                    yield mark(run, gone);
                }
                case MARKING -> gone; // the PATCH's answer moves on; the close is done
                default -> delete(run, gone, "closed");
            };
        }
        boolean stepTimedOut = input instanceof Input.TimerFired t && t.key() == TimerKey.END_STEP;
        switch (step) {
            case FLUSHING -> {
                if (stepTimedOut || input instanceof Input.End e && e.immediate()) {
                    run.emit(new Effect.CancelTimer(TimerKey.END_STEP));
                    return mark(run, state);
                }
            }
            case MARKING -> {
                Input.SessionApiAnswered answer = answer(input, Input.SessionApiCall.MARK_ENDED);
                if (answer != null || stepTimedOut) {
                    run.emit(new Effect.CancelTimer(TimerKey.END_STEP));
                    run.notify(outcome("mark", answer, ctx, "rejoins are refused from now on"));
                    return close(run, state);
                }
            }
            case CLOSING -> {
                ConnectionId closing = ctx.retiring();
                if (input instanceof Input.Closed closed && closed.id().equals(closing)) {
                    run.emit(new Effect.CancelTimer(TimerKey.END_STEP));
                    return delete(run, with(state, ctx.withRetiring(null)), "closed");
                }
                if (stepTimedOut) {
                    if (closing != null) {
                        run.emit(new Effect.Abort(closing));
                    }
                    return delete(run, with(state, ctx.withRetiring(null)), "no close handshake within " + timeout(ctx) + " ms; dropped");
                }
            }
            case SETTLING -> {
                if (stepTimedOut) {
                    return deleteNow(run, state);
                }
            }
            case DELETING -> {
                Input.SessionApiAnswered answer = answer(input, Input.SessionApiCall.DELETE);
                if (answer != null || stepTimedOut) {
                    run.emit(new Effect.CancelTimer(TimerKey.END_STEP));
                    run.notify(outcome("delete", answer, ctx, "the session is gone"));
                    if (link != null) {
                        run.emit(new Effect.Abort(link.id()));
                    }
                    return end(run, ctx.withDeployed(ctx.deployed().withEndStep(EndStep.NONE)), EndReason.ENDED_BY_USER);
                }
            }
            default -> { }
        }
        return state; // frames, heartbeats' answers, refresh requests: nothing to do while ending
    }

    private static SessionState mark(Run run, SessionState state) {
        Context ctx = state.context();
        run.emit(new Effect.MarkSessionEnded(ctx.sessionId()));
        run.emit(new Effect.StartTimer(TimerKey.END_STEP, ctx.settings().deployed().endStepTimeout()));
        return with(state, ctx.withDeployed(ctx.deployed().withEndStep(EndStep.MARKING)));
    }

    private static SessionState close(Run run, SessionState state) {
        Context ctx = state.context();
        Link link = current(state);
        if (link == null) {
            return delete(run, state, "already closed");
        }
        run.emit(new Effect.Close(link.id(), CLOSE_NORMAL, "Session ended by speaker"));
        run.emit(new Effect.StartTimer(TimerKey.END_STEP, ctx.settings().deployed().endStepTimeout()));
        // closing, no longer current: its Closed moves the end on
        Context closing = ctx.withRetiring(link.id()).withDeployed(ctx.deployed().withEndStep(EndStep.CLOSING));
        return noLink(state, closing);
    }

    /** The connection is closed (or given up): the DELETE waits for the service's disconnect handler first. */
    private static SessionState delete(Run run, SessionState state, String closeOutcome) {
        Context ctx = state.context();
        run.notify(new LecternEvent.SessionEnding("close", !closeOutcome.contains("dropped"),
                "connection " + closeOutcome + ": the service tells the listeners the session ended"));
        run.emit(new Effect.StartTimer(TimerKey.END_STEP, ctx.settings().deployed().disconnectGrace()));
        return with(state, ctx.withDeployed(ctx.deployed().withEndStep(EndStep.SETTLING)));
    }

    private static SessionState deleteNow(Run run, SessionState state) {
        Context ctx = state.context();
        run.emit(new Effect.DeleteSession(ctx.sessionId()));
        run.emit(new Effect.StartTimer(TimerKey.END_STEP, ctx.settings().deployed().endStepTimeout()));
        return with(state, ctx.withDeployed(ctx.deployed().withEndStep(EndStep.DELETING)));
    }

    /** The same end, with no connection left: a speaker without a socket is a {@code Connecting} that opens nothing. */
    private static SessionState noLink(SessionState state, Context ctx) {
        ConnectMode mode = state instanceof Connecting c ? c.mode() : ConnectMode.ATTACH;
        return new Connecting(ctx, mode, 0, Step.IDLE, null, false, null);
    }

    private static Input.SessionApiAnswered answer(Input input, Input.SessionApiCall call) {
        return input instanceof Input.SessionApiAnswered a && a.call() == call ? a : null;
    }

    private static LecternEvent outcome(String step, Input.SessionApiAnswered answer, Context ctx, String success) {
        if (answer == null) {
            return new LecternEvent.SessionEnding(step, false, "no answer within " + timeout(ctx) + " ms; going on");
        }
        if (answer.error() != null) {
            return new LecternEvent.SessionEnding(step, false, answer.error().code() + ": " + answer.error().message() + "; going on");
        }
        return new LecternEvent.SessionEnding(step, true, success);
    }

    private static long timeout(Context ctx) {
        return ctx.settings().deployed().endStepTimeout().toMillis();
    }
}
