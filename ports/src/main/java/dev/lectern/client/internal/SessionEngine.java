package dev.lectern.client.internal;

import dev.lectern.client.LecternListener;
import dev.lectern.domain.ConnectionId;
import dev.lectern.domain.event.LecternEvent;
import dev.lectern.domain.message.ClientMessage;
import dev.lectern.domain.message.ServerMessage;
import dev.lectern.domain.session.ConnectFailure;
import dev.lectern.domain.session.Decision;
import dev.lectern.domain.session.Effect;
import dev.lectern.domain.session.EndReason;
import dev.lectern.domain.session.Input;
import dev.lectern.domain.session.LecternError;
import dev.lectern.domain.session.SessionMachine;
import dev.lectern.domain.session.SessionState;
import dev.lectern.domain.session.TimerKey;
import dev.lectern.port.AudioSink;
import dev.lectern.port.AuthenticationException;
import dev.lectern.port.Scheduler;
import dev.lectern.port.SessionApi;
import dev.lectern.port.TokenProvider;
import dev.lectern.port.Transport;
import dev.lectern.port.TransportConnection;
import dev.lectern.port.TransportListener;
import java.time.Duration;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one client: feeds inputs, one at a time on the scheduler's serial lane, to
 * {@link SessionMachine#decide}, and carries out the effects through the ports. The state is confined to
 * the lane; adapters' threads only enqueue inputs. {@link #close()} is idempotent and leaves no timer,
 * connection or thread of its own behind.
 */
public final class SessionEngine implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(SessionEngine.class);
    private static final Duration CLOSE_WAIT = Duration.ofSeconds(5);

    private final Transport transport;
    private final TokenProvider tokens;
    /** Session-API calls and segment loads, each answered back to the machine. */
    private final ServiceCalls service;
    private final AudioSink sink;
    /** Length of the last chunk played: a reported gap of n chunks is about n of these. */
    private long lastChunkMillis = 100;
    /** The sink threw AudioSinkException: the client is ending, and the sink gets nothing more. */
    private boolean sinkFailed;
    private final Scheduler scheduler;
    private final boolean ownsScheduler;
    private final SharedThreads shared;
    private final EventDispatcher events;
    private final Consumer<LecternEvent> tap;
    private final TransportListener transportListener = new Callbacks();

    // lane-confined
    private SessionState state;
    private final Map<TimerKey, Scheduler.Cancellable> timers = new EnumMap<>(TimerKey.class);
    private final Map<TimerKey, Long> timerGenerations = new EnumMap<>(TimerKey.class);
    private long timerGeneration;
    private volatile EndReason endReason;

    // read from any thread
    private final Map<ConnectionId, TransportConnection> connections = new ConcurrentHashMap<>();
    private final java.util.Set<ConnectionId> closing = ConcurrentHashMap.newKeySet();
    private volatile SessionState snapshot;
    private final CompletableFuture<EndReason> terminated = new CompletableFuture<>();

    private SessionEngine(Builder b) {
        this.transport = Objects.requireNonNull(b.transport, "transport is null");
        this.tokens = b.tokens;
        this.service = new ServiceCalls(b.sessionApi, b.segments, this::submit);
        this.sink = b.sink == null ? AudioSink.NONE : b.sink;
        this.ownsScheduler = b.scheduler == null;
        // Clients the host gives no threads share the process's lane and event pools (SharedThreads).
        this.shared = b.scheduler == null || b.eventExecutor == null ? SharedThreads.acquire() : null;
        this.scheduler = ownsScheduler ? new LaneScheduler(shared.lanes) : b.scheduler;
        java.util.concurrent.Executor eventExecutor = b.eventExecutor != null ? b.eventExecutor : shared.events;
        this.events = new EventDispatcher(eventExecutor, b.listener == null ? LecternListener.NONE : b.listener);
        this.tap = b.tap == null ? e -> {} : b.tap;
        this.events.afterFinal(() -> {
            if (shared != null) {
                shared.release();
            }
            terminated.complete(endReason);
        });
        this.state = Objects.requireNonNull(b.initial, "initial state is null");
        this.snapshot = state;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Enqueues {@code input} on the lane. Ignored once the client has ended and its lane is gone. */
    public void submit(Input input) {
        enqueue(input, false);
    }

    /**
     * Enqueues an input from the transport: on the shared lanes, the transport's thread runs the step itself
     * when the lane is idle (see {@link LaneScheduler#executeHere}), saving a hand-off per received frame.
     */
    private void submitFromTransport(Input input) {
        enqueue(input, true);
    }

    private void enqueue(Input input, boolean runHereIfIdle) {
        try {
            if (runHereIfIdle && scheduler instanceof LaneScheduler lane) {
                lane.executeHere(() -> step(input));
            } else {
                scheduler.execute(() -> step(input));
            }
        } catch (RejectedExecutionException gone) {
            log.debug("Input {} after shutdown ignored", input.getClass().getSimpleName());
        }
    }

    /** Audio events not delivered because the host's listener fell too far behind. */
    public long eventsDropped() {
        return events.dropped();
    }

    /** The latest state, from any thread. */
    public SessionState state() {
        return snapshot;
    }

    /** Completes with the end reason once the client ended, released its resources and delivered its final event. */
    public CompletableFuture<EndReason> terminated() {
        return terminated;
    }

    /**
     * Ends the client (a speaker ends its session, a listener leaves) and waits briefly for it to finish,
     * unless called from the lane or from an event callback, where waiting could not end.
     */
    @Override
    public void close() {
        if (endReason == null) {
            submit(new Input.End(null));
        }
        boolean canWait = !(scheduler instanceof LaneScheduler lane && lane.isLaneThread())
                && !events.isDeliveringThread() && ownsScheduler;
        if (canWait) {
            // a speaker's end on the deployed service takes its steps first, each bounded (DeployedEnd)
            Duration wait = state().context().sessionApi()
                    ? CLOSE_WAIT.plus(state().context().settings().deployed().endBound()) : CLOSE_WAIT;
            try {
                terminated.get(wait.toMillis(), TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (TimeoutException | java.util.concurrent.ExecutionException e) {
                log.warn("Client did not finish within {} ms; releasing anyway", wait.toMillis());
                release();
            }
        }
    }

    // ---------------------------------------------------------------------- the lane

    private void step(Input input) {
        Decision decision;
        try {
            decision = SessionMachine.decide(state, input, scheduler.now());
        } catch (RuntimeException bug) {
            log.error("State machine rejected {} in {}; input dropped", input.getClass().getSimpleName(),
                    state.kind(), bug);
            return;
        }
        state = decision.next();
        snapshot = state;
        boolean ending = state instanceof SessionState.Ended && endReason == null;
        if (ending) {
            endReason = ((SessionState.Ended) state).reason(); // before the final event goes out
        }
        List<Effect> effects = decision.effects();
        for (int i = 0; i < effects.size(); i++) {
            Effect effect = effects.get(i);
            try {
                run(effect);
            } catch (RuntimeException e) {
                failed(effect, e);
            }
        }
        if (ending) {
            release();
            // terminated() completes once the final event has reached the host (EventDispatcher.afterFinal)
        }
    }

    /**
     * An effect that threw: the machine hears of it as the input its success or failure would have been, so
     * that nothing waits for an answer that cannot come. Only what has no answer to wait for is just logged.
     */
    private void failed(Effect effect, RuntimeException e) {
        String why = describe(e);
        if (effect instanceof Effect.Open open) {
            log.warn("Opening {} failed: {}", open.id(), why);
            connections.remove(open.id());
            submit(new Input.Refused(open.id(), ConnectFailure.network(why)));
        } else if (effect instanceof Effect.Transmit t) {
            submit(new Input.SendFailed(t.id(), t.message(), why));
        } else if (effect instanceof Effect.FetchToken) {
            submit(new Input.TokenFailed(LecternError.local("AUTH_FAILED", "Authentication failed: " + why)));
        } else if (effect instanceof Effect.CreateSession) {
            submit(new Input.SessionApiFailed(LecternError.local("SESSION_API_FAILED", "the session API failed: " + why)));
        } else if (effect instanceof Effect.MarkSessionEnded) {
            submit(new Input.SessionApiAnswered(Input.SessionApiCall.MARK_ENDED, LecternError.local("SESSION_API_FAILED", why)));
        } else if (effect instanceof Effect.ReadSession) {
            submit(new Input.SessionRead(null, false, LecternError.local("SESSION_API_FAILED", why)));
        } else if (effect instanceof Effect.DeleteSession) {
            submit(new Input.SessionApiAnswered(Input.SessionApiCall.DELETE, LecternError.local("SESSION_API_FAILED", why)));
        } else if (effect instanceof Effect.FetchSegment f) {
            submit(new Input.SegmentFailed(f.segment().sequence(), "failed: " + why));
        } else if (effect instanceof Effect.Close || effect instanceof Effect.Abort) {
            // a connection that cannot even be closed is gone as far as the machine is concerned
            ConnectionId id = effect instanceof Effect.Close c ? c.id() : ((Effect.Abort) effect).id();
            if (connections.remove(id) != null) {
                closing.remove(id);
                submit(new Input.Closed(id, SessionMachine.CLOSE_ABNORMAL, "close failed: " + why));
            }
        } else if ((effect instanceof Effect.Play || effect instanceof Effect.Silence) && !sinkFailed) {
            sinkFailed = true;
            submit(new Input.SinkFailed("the audio sink failed: " + why));
        } else {
            log.error("Effect {} failed", effect.getClass().getSimpleName(), e);
        }
    }

    /**
     * Carries out one effect through its kind's handler. A table rather than an {@code instanceof} chain, so
     * that the JIT compiles each handler on its own: a path first taken late (the first heartbeat, a branch in
     * the sink) recompiles only its own small handler, not every kind's path inlined into one method.
     */
    private void run(Effect effect) {
        Handler handler = HANDLERS.get(effect.getClass());
        if (handler == null) {
            throw new IllegalArgumentException("No handler for effect " + effect.getClass().getName());
        }
        handler.run(this, effect);
    }

    /** Whether effects of {@code kind} have a handler: every kind {@link Effect} permits must have one. */
    static boolean handles(Class<?> kind) {
        return HANDLERS.containsKey(kind);
    }

    /** Carries out one kind of effect. */
    @FunctionalInterface
    private interface Handler {
        void run(SessionEngine engine, Effect effect);
    }

    private static final Map<Class<? extends Effect>, Handler> HANDLERS = Map.ofEntries(
            Map.entry(Effect.Play.class, (engine, effect) -> engine.play((Effect.Play) effect)),
            Map.entry(Effect.Transmit.class, (engine, effect) -> engine.transmit((Effect.Transmit) effect)),
            Map.entry(Effect.Notify.class, (engine, effect) -> engine.notify((Effect.Notify) effect)),
            Map.entry(Effect.StartTimer.class, (engine, effect) -> engine.startTimer((Effect.StartTimer) effect)),
            Map.entry(Effect.CancelTimer.class, (engine, effect) -> engine.cancelTimer(((Effect.CancelTimer) effect).key())),
            Map.entry(Effect.CancelAllTimers.class, (engine, effect) -> engine.cancelAllTimers()),
            Map.entry(Effect.Open.class, (engine, effect) -> engine.open((Effect.Open) effect)),
            Map.entry(Effect.Close.class, (engine, effect) -> engine.close((Effect.Close) effect)),
            Map.entry(Effect.Abort.class, (engine, effect) -> engine.abort((Effect.Abort) effect)),
            Map.entry(Effect.FetchToken.class, (engine, effect) -> engine.fetchToken(((Effect.FetchToken) effect).forceRenew())),
            Map.entry(Effect.CreateSession.class, (engine, effect) -> engine.service.createSession((Effect.CreateSession) effect)),
            Map.entry(Effect.FetchSegment.class, (engine, effect) -> engine.service.fetchSegment((Effect.FetchSegment) effect)),
            Map.entry(Effect.Silence.class, (engine, effect) -> engine.silence(((Effect.Silence) effect).length())),
            Map.entry(Effect.MarkSessionEnded.class, (engine, effect) -> engine.service.markSessionEnded((Effect.MarkSessionEnded) effect)),
            Map.entry(Effect.ReadSession.class, (engine, effect) -> engine.service.readSession((Effect.ReadSession) effect)),
            Map.entry(Effect.DeleteSession.class, (engine, effect) -> engine.service.deleteSession((Effect.DeleteSession) effect)));

    private void play(Effect.Play play) {
        lastChunkMillis = Math.max(1, play.audio().duration().toMillis());
        if (sinkFailed) {
            return;
        }
        try {
            sink.play(play.sequence(), play.audio());
        } catch (dev.lectern.port.AudioSinkException e) {
            sinkFailed(e);
        }
    }

    private void silence(java.time.Duration length) {
        if (sinkFailed) {
            return;
        }
        try {
            sink.gap(length);
        } catch (dev.lectern.port.AudioSinkException e) {
            sinkFailed(e);
        }
    }

    /** Once: the machine ends the client, and nothing more goes to the sink. Lane-confined. */
    private void sinkFailed(dev.lectern.port.AudioSinkException e) {
        sinkFailed = true;
        submit(new Input.SinkFailed(describe(e)));
    }

    private void notify(Effect.Notify notify) {
        if (notify.event() instanceof LecternEvent.AudioGap gap) {
            silence(Duration.ofMillis(gap.chunks() * lastChunkMillis));
        }
        tap.accept(notify.event());
        events.dispatch(notify.event());
    }

    private void cancelAllTimers() {
        for (TimerKey key : List.copyOf(timers.keySet())) {
            cancelTimer(key);
        }
    }

    private void open(Effect.Open open) {
        connections.put(open.id(), transport.open(open.id(), open.request(), transportListener));
    }

    private void close(Effect.Close close) {
        TransportConnection connection = connections.get(close.id());
        if (connection != null) {
            closing.add(close.id());
            connection.close(close.code(), close.reason());
        }
    }

    private void abort(Effect.Abort abort) {
        TransportConnection connection = connections.remove(abort.id());
        closing.remove(abort.id());
        if (connection != null) {
            connection.abort();
        }
    }

    private void transmit(Effect.Transmit transmit) {
        TransportConnection connection = connections.get(transmit.id());
        ClientMessage message = transmit.message();
        if (connection == null) {
            submit(new Input.SendFailed(transmit.id(), message, "connection is gone"));
            return;
        }
        connection.send(message).whenComplete((ok, failure) -> {
            if (failure != null) {
                submit(new Input.SendFailed(transmit.id(), message, describe(failure)));
            }
        });
    }

    private void fetchToken(boolean forceRenew) {
        if (tokens == null) {
            submit(new Input.TokenFailed(new LecternError("NO_TOKEN_PROVIDER", "no token provider configured", 0, null, true)));
            return;
        }
        tokens.idToken(forceRenew).whenComplete((token, failure) -> {
            if (failure == null && token != null) {
                submit(new Input.TokenReady(token));
            } else {
                Throwable cause = failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
                LecternError error = cause instanceof AuthenticationException auth ? auth.error()
                        : LecternError.local("AUTH_FAILED", "Authentication failed: " + describe(cause));
                submit(new Input.TokenFailed(error));
            }
        });
    }

    private void startTimer(Effect.StartTimer start) {
        TimerKey key = start.key();
        cancelTimer(key);
        long generation = ++timerGeneration;
        timerGenerations.put(key, generation);
        timers.put(key, scheduler.schedule(start.delay(), () -> {
            Long current = timerGenerations.get(key);
            if (current != null && current == generation) {
                timerGenerations.remove(key);
                timers.remove(key);
                step(new Input.TimerFired(key));
            }
        }));
    }

    private void cancelTimer(TimerKey key) {
        timerGenerations.remove(key);
        Scheduler.Cancellable running = timers.remove(key);
        if (running != null) {
            running.cancel();
        }
    }

    /**
     * Aborts what is still open and stops the lane this engine owns. Runs once, at the end. Connections
     * already closing gracefully (a speaker's last {@code endSession}) are left to finish their close
     * handshake; the transport bounds that with its own close timeout.
     */
    private void release() {
        cancelAllTimers();
        for (Map.Entry<ConnectionId, TransportConnection> entry : List.copyOf(connections.entrySet())) {
            if (!closing.contains(entry.getKey())) {
                connections.remove(entry.getKey());
                entry.getValue().abort();
            }
        }
        if (ownsScheduler) {
            scheduler.shutdown();
        }
    }

    private static String describe(Throwable failure) {
        if (failure == null) {
            return "unknown failure";
        }
        return failure.getMessage() != null ? failure.getMessage() : failure.getClass().getSimpleName();
    }

    /** Transport callbacks: each only enqueues an input (or runs it at once on an idle lane). */
    private final class Callbacks implements TransportListener {
        @Override
        public void onOpen(ConnectionId id) {
            if (endReason != null) {
                TransportConnection late = connections.remove(id);
                if (late != null) {
                    late.abort();
                }
                return;
            }
            submitFromTransport(new Input.Opened(id));
        }

        @Override
        public void onMessage(ConnectionId id, ServerMessage message) {
            submitFromTransport(new Input.Received(id, message));
        }

        @Override
        public void onMalformed(ConnectionId id, String reason) {
            submitFromTransport(new Input.Malformed(id, reason));
        }

        @Override
        public void onRefused(ConnectionId id, ConnectFailure failure) {
            connections.remove(id);
            closing.remove(id);
            submitFromTransport(new Input.Refused(id, failure));
        }

        @Override
        public void onClosed(ConnectionId id, int code, String reason) {
            connections.remove(id);
            closing.remove(id);
            submitFromTransport(new Input.Closed(id, code, reason));
        }
    }

    /** Builder for an engine; a client builds one. */
    public static final class Builder {
        private SessionState initial;
        private Transport transport;
        private TokenProvider tokens;
        private SessionApi sessionApi;
        private dev.lectern.client.SegmentLoader segments;
        private AudioSink sink;
        private Scheduler scheduler;
        private java.util.concurrent.Executor eventExecutor;
        private LecternListener listener;
        private Consumer<LecternEvent> tap;

        private Builder() {}

        public Builder initial(SessionState value) {
            initial = value;
            return this;
        }

        public Builder transport(Transport value) {
            transport = value;
            return this;
        }

        public Builder tokens(TokenProvider value) {
            tokens = value;
            return this;
        }

        public Builder sessionApi(SessionApi value) {
            sessionApi = value;
            return this;
        }

        public Builder segments(dev.lectern.client.SegmentLoader value) {
            segments = value;
            return this;
        }

        public Builder sink(AudioSink value) {
            sink = value;
            return this;
        }

        /** A scheduler the host owns (not shut down by the engine); by default the engine makes its own. */
        public Builder scheduler(Scheduler value) {
            scheduler = value;
            return this;
        }

        public Builder eventExecutor(java.util.concurrent.Executor value) {
            eventExecutor = value;
            return this;
        }

        public Builder listener(LecternListener value) {
            listener = value;
            return this;
        }

        /** Sees every event on the lane, before the host does; for the client's own futures. */
        public Builder tap(Consumer<LecternEvent> value) {
            tap = value;
            return this;
        }


        public SessionEngine build() {
            return new SessionEngine(this);
        }
    }
}
