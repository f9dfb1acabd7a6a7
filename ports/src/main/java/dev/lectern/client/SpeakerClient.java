package dev.lectern.client;

import dev.lectern.client.internal.SessionEngine;
import dev.lectern.domain.AudioChunk;
import dev.lectern.domain.Checks;
import dev.lectern.domain.SessionId;
import dev.lectern.domain.event.LecternEvent;
import dev.lectern.domain.message.ClientMessage;
import dev.lectern.domain.session.Counters;
import dev.lectern.domain.session.EndReason;
import dev.lectern.domain.session.Input;
import dev.lectern.domain.session.SessionMachine;
import dev.lectern.domain.session.SessionPlan;
import dev.lectern.domain.session.SessionState;
import dev.lectern.port.AudioSource;
import dev.lectern.port.SessionApi;
import dev.lectern.port.TokenProvider;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletionStage;

/**
 * A speaker: signs in through its {@link TokenProvider}, creates a session, streams audio, pauses,
 * resumes and ends it. Connection refreshes, reconnects and token renewal happen by themselves; events
 * tell the host about each.
 *
 * <pre>{@code
 * try (SpeakerClient speaker = SpeakerClient.builder(SpeakerConfig.builder().sourceLanguage("en").build())
 *         .transport(transport).tokenProvider(tokens).listener(listener).build()) {
 *     SessionId id = speaker.start().toCompletableFuture().join();
 *     speaker.send(chunk);   // 100 ms of 16 kHz mono s16le
 * }
 * }</pre>
 *
 * <p>Thread-safe: every method only enqueues work for the client's serial lane and returns at once.
 */
public final class SpeakerClient implements AutoCloseable {
    /** The largest chunk {@link #send} takes: 500 ms (protocol section 3.4). */
    public static final int MAX_CHUNK_BYTES = 16_000;

    private final SessionEngine engine;
    /** One read-only view of the engine's end for every caller: a view made per call is a dependent per call. */
    private final CompletionStage<EndReason> terminated;
    private final AudioSource source;
    private final StartOutcome<SessionId> created = new StartOutcome<>(
            e -> e instanceof LecternEvent.SessionCreated c ? c.sessionId() : null,
            "speaker ended before the session was created");

    private SpeakerClient(Builder b) {
        this.source = b.source;
        boolean overHttp = b.config.sessionApi() != null;
        if (overHttp && b.sessionApi == null) {
            throw new IllegalStateException("config.sessionApi is " + b.config.sessionApi()
                    + " but no SessionApi adapter was given to the builder (sessionApi(...), e.g. JettySessionApi)");
        }
        this.engine = b.engine(SessionMachine.initial(new SessionPlan.Speak(b.config.createParams(), overHttp),
                        b.config.settings(), b.seedOrRandom()), this::onEvent)
                .tokens(Objects.requireNonNull(b.tokens, "tokenProvider is null"))
                .sessionApi(b.sessionApi)
                .build();
        this.terminated = engine.terminated().minimalCompletionStage(); // the host reads it, never completes it
    }

    public static Builder builder(SpeakerConfig config) {
        return new Builder(Objects.requireNonNull(config, "config is null"));
    }

    /**
     * Signs in and creates the session. The stage completes with the session id, or fails with a
     * {@link LecternException} if the client ends first (permanent error, retries exhausted, closed).
     * Starts the audio source, if one was given.
     */
    public CompletionStage<SessionId> start() {
        engine.submit(new Input.Start());
        if (source != null) {
            source.start(this::send);
        }
        return created.future().minimalCompletionStage();
    }

    /**
     * Streams one chunk (at most {@link #MAX_CHUNK_BYTES}). While offline the chunk waits in the bounded
     * queue; while paused it is dropped and reported on resume.
     *
     * @return false if the client has ended and the chunk was not taken
     */
    public boolean send(AudioChunk chunk) {
        Objects.requireNonNull(chunk, "chunk is null");
        Checks.require(chunk.sizeInBytes() <= MAX_CHUNK_BYTES, "chunk.size", chunk.sizeInBytes(),
                "must be at most " + MAX_CHUNK_BYTES + " bytes (500 ms)");
        if (engine.terminated().isDone()) {
            return false;
        }
        engine.submit(new Input.Capture(chunk));
        return true;
    }

    /**
     * Pauses the broadcast; {@code SessionPaused} follows when the server confirms. With a session API (a
     * service that carries no broadcast control) the pause is kept here, captured audio withheld until
     * {@link #resume()}, and {@code ControlNotDelivered} then {@code SessionPaused} follow at once.
     */
    public void pause() {
        engine.submit(new Input.Pause());
    }

    /** Resumes the broadcast; {@code SessionResumed} follows when the server confirms (at once with a session API). */
    public void resume() {
        engine.submit(new Input.Resume());
    }

    public void mute() {
        engine.submit(new Input.SendControl(new ClientMessage.MuteBroadcast()));
    }

    public void unmute() {
        engine.submit(new Input.SendControl(new ClientMessage.UnmuteBroadcast()));
    }

    /** 0.0 (silent) to 1.0. */
    public void setVolume(double level) {
        engine.submit(new Input.SendControl(new ClientMessage.SetVolume(level)));
    }

    /** Asks for a {@code sessionStatus}; it arrives as {@link LecternEvent.StatusReceived}. */
    public void requestStatus() {
        engine.submit(new Input.SendControl(new ClientMessage.GetSessionStatus()));
    }

    /**
     * Ends the session for everyone (listeners get {@code sessionEnded}); same as {@link #close()}. With a
     * session API (the service as deployed, protocol section 11.5): the connection stays open
     * {@code DeployedSettings.endFlush} after the last chunk so that its batch reaches the listeners, then
     * {@code PATCH status:"ended"}, the close, and {@code DELETE}, each bounded by
     * {@code DeployedSettings.endStepTimeout}; {@link #terminated()} completes after the last, and
     * {@code SessionEnding} events tell each step.
     */
    public void end(String reason) {
        if (source != null) {
            source.stop();
        }
        engine.submit(new Input.End(reason));
    }

    /**
     * As {@link #end(String)}, without the wait that lets the deployed service's last batch reach the listeners
     * (protocol section 11.5); called while an end waits, it cuts the wait short (a second Ctrl-C).
     */
    public void endNow(String reason) {
        if (source != null) {
            source.stop();
        }
        engine.submit(new Input.End(reason, true));
    }

    /** The session id, once created. */
    public Optional<SessionId> sessionId() {
        return Optional.ofNullable(engine.state().context().sessionId());
    }

    public SessionState.Kind state() {
        return engine.state().kind();
    }

    /** Captured, sent and dropped chunks so far. */
    public Counters counters() {
        return engine.state().context().counters();
    }

    /** Captured chunks waiting to be sent (offline, or during a switch of connection). */
    public long queuedChunks() {
        Counters c = counters();
        return c.captured() - c.sent() - c.dropped();
    }

    /** How long the current connection has been open (for the 2-hour limit), or empty while there is none. */
    public java.util.Optional<java.time.Duration> connectionAge() {
        return StartOutcome.connectionAge(engine.state());
    }

    /** Completes with the end reason after the final event; the same read-only stage on every call. */
    public CompletionStage<EndReason> terminated() {
        return terminated;
    }

    /** Ends the session and releases everything; idempotent, safe from a listener callback. */
    @Override
    public void close() {
        if (source != null) {
            source.stop();
        }
        engine.close();
    }

    private void onEvent(LecternEvent event) {
        created.onEvent(event);
        if (event instanceof LecternEvent.Closed && source != null) {
            source.stop();
        }
    }

    /** Builder; transport and token provider are required. */
    public static final class Builder extends ClientBuilder<Builder> {
        private final SpeakerConfig config;
        private TokenProvider tokens;
        private SessionApi sessionApi;
        private AudioSource source;

        private Builder(SpeakerConfig config) {
            this.config = config;
        }

        /** Required: where the speaker's ID tokens come from ({@code CognitoTokenProvider}). */
        public Builder tokenProvider(TokenProvider value) {
            tokens = value;
            return this;
        }

        /**
         * Required when the config names a session API ({@link SpeakerConfig#sessionApi()}): the adapter that
         * calls it ({@code JettySessionApi}).
         */
        public Builder sessionApi(SessionApi value) {
            sessionApi = value;
            return this;
        }

        /** Optional: a source the client starts on {@link #start()} and stops at the end. */
        public Builder audioSource(AudioSource value) {
            source = value;
            return this;
        }

        public SpeakerClient build() {
            return new SpeakerClient(this);
        }
    }
}
