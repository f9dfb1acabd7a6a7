package dev.lectern.domain.session;

import dev.lectern.domain.LanguageCode;
import dev.lectern.domain.Role;
import dev.lectern.domain.SessionId;
import dev.lectern.domain.message.ServerMessage;
import dev.lectern.domain.retry.Entropy;
import dev.lectern.domain.session.SessionState.Active;
import dev.lectern.domain.session.SessionState.Connecting;
import dev.lectern.domain.session.SessionState.Ended;
import dev.lectern.domain.session.SessionState.Paused;
import dev.lectern.domain.session.SessionState.Refreshing;
import java.time.Duration;
import java.util.Objects;

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

    /** How often a listener looks at its audio while a decision about a silence waits on something else. */
    static final Duration AUDIO_WATCH_PERIOD = Duration.ofMillis(500);

    private SessionMachine() {}

    /**
     * In how many ms a listener's audio watch next has something to decide, or -1 if nothing until audio
     * arrives again. A silence asks for two decisions: a stall probe once it reaches the stall timeout (not
     * while paused; later, a period at a time, if the heartbeat window holds the probe back), and going back
     * to a heartbeat every interval once it reaches the heartbeat interval. While audio flows that is one
     * wake-up per stall timeout, not one per {@link #AUDIO_WATCH_PERIOD}, and a stall is seen at its deadline.
     * Before a link's first audio, and once both decisions are taken, nothing can be decided, so the watch is
     * not armed: listeners waiting for a speaker, or silent after the stream, cost no timer steps.
     */
    static long nextAudioWatch(Context ctx, Link link, long now) {
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

    /** The initial state of a listener that may read its session over the HTTP session API before a rejoin. */
    public static SessionState listener(SessionSettings settings, SessionId sessionId, LanguageCode language, boolean sessionApi,
                                        long seed) {
        return initial(new SessionPlan.Listen(sessionId, language, sessionApi), settings, seed);
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
        SessionState next = apply(run, state, input);
        Transition.between(state.kind(), next.kind());
        return new Decision(next, run.out);
    }

    /**
     * The transition table. First the inputs that mean the same in every live state, then one place per
     * state: {@link Ending} for {@code Ended} (and for a session that is ending), {@link WhileConnecting} for
     * {@code Connecting}, {@link WhileConnected} for {@code Active}, {@code Refreshing} and {@code Paused}.
     * Rows are tried in order; the first that matches decides.
     */
    private static SessionState apply(Run run, SessionState state, Input input) {
        // state or input                                   handled by
        if (state instanceof Ended ended) {                  // an ended session takes nothing more
            return Ending.whenEnded(run, ended, input);
        }
        if (state.context().deployed().endStep() != Deployed.EndStep.NONE) { // a speaker's end on the deployed service
            return DeployedEnd.step(run, state, input);
        }
        if (input instanceof Input.End end) {                // the host ends it, in any state
            return Ending.userEnd(run, state, end);
        }
        if (input instanceof Input.SinkFailed failed) {      // nothing can play any more
            return Ending.sinkFailed(run, state, failed);
        }
        if (input instanceof Input.SegmentReady ready) {     // a fetched segment, in any state
            return Streams.segmentReady(run, state, ready);
        }
        if (input instanceof Input.SegmentFailed failed) {   // a segment that could not be had
            return Streams.segmentFailed(run, state, failed);
        }
        if (input instanceof Input.TimerFired t && t.key() == TimerKey.REJOIN_AUDIO) { // a rejoin that heard nothing
            return Rejoin.noAudio(run, state);
        }
        if (input instanceof Input.SessionRead read) {              // the session's status, before a rejoin
            return Rejoin.sessionRead(run, state, read);
        }
        if (input instanceof Input.TimerFired t && t.key() == TimerKey.SESSION_READ) {
            return Rejoin.sessionRead(run, state, new Input.SessionRead(null, false,
                    LecternError.local("TIMEOUT", "no answer from the session API")));
        }
        if (state.context().ending()) {                      // after sessionEnded, waiting for the last segments
            return Ending.whileEnding(run, state, input);
        }
        if (input instanceof Input.Received received && received.message() instanceof ServerMessage.SessionEnded ended
                && States.concerns(state.context(), ended)) { // the server ends it, whichever connection says so
            return Ending.sessionEnded(run, state, ended);
        }
        if (input instanceof Input.Capture capture) {        // a speaker's audio, sent or queued
            return Streams.capture(run, state, capture);
        }
        if (input instanceof Input.Malformed malformed) {    // a frame that makes no sense: counted, skipped
            return Streams.malformed(run, state, malformed);
        }
        if (input instanceof Input.SendFailed failed) {      // a chunk the transport could not send
            return Streams.sendFailed(run, state, failed);
        }
        if (state instanceof Connecting connecting) {        // Connecting
            return WhileConnecting.connecting(run, connecting, input);
        }
        return WhileConnected.connected(run, state, input);  // Active, Refreshing, Paused
    }
}
