package dev.lectern.client;

import dev.lectern.client.internal.SessionEngine;
import dev.lectern.domain.LanguageCode;
import dev.lectern.domain.event.LecternEvent;
import dev.lectern.domain.session.Counters;
import dev.lectern.domain.session.EndReason;
import dev.lectern.domain.session.Input;
import dev.lectern.domain.session.SessionMachine;
import dev.lectern.domain.session.SessionState;
import dev.lectern.port.AudioSink;
import java.util.Objects;
import java.util.concurrent.CompletionStage;

/**
 * A listener: joins a session anonymously, plays the translated audio in order through its jitter
 * buffer into an {@link AudioSink}, follows pause, resume and end, and can change language.
 * Thread-safe: every method only enqueues work for the client's serial lane.
 */
public final class ListenerClient implements AutoCloseable {
    private final SessionEngine engine;
    /** One read-only view of the engine's end for every caller: a view made per call is a dependent per call. */
    private final CompletionStage<EndReason> terminated;
    private final StartOutcome<LecternEvent.SessionJoined> joined = new StartOutcome<>(
            e -> e instanceof LecternEvent.SessionJoined j ? j : null, "listener ended before joining");

    private ListenerClient(Builder b) {
        this.engine = b.engine(SessionMachine.listener(b.config.settings(), b.config.sessionId(), b.config.targetLanguage(),
                        b.sessionApi != null, b.seedOrRandom()), joined::onEvent)
                .sink(b.sink)
                .sessionApi(b.sessionApi)
                .segments(b.segments)
                .build();
        this.terminated = engine.terminated().minimalCompletionStage(); // the host reads it, never completes it
    }

    /** Audio events not delivered because the host's listener fell behind by more than a thousand events. */
    public long eventsDropped() {
        return engine.eventsDropped();
    }

    public static Builder builder(ListenerConfig config) {
        return new Builder(Objects.requireNonNull(config, "config is null"));
    }

    /** Joins; the stage completes on {@code sessionJoined} or fails if the client ends first. */
    public CompletionStage<LecternEvent.SessionJoined> start() {
        engine.submit(new Input.Start());
        return joined.future().minimalCompletionStage();
    }

    /**
     * Asks to hear another language. Nothing changes until the server confirms
     * ({@link LecternEvent.LanguageChanged}); a refusal arrives as an error event and the old language stays.
     */
    public void changeLanguage(String language) {
        engine.submit(new Input.ChangeLanguage(LanguageCode.of(language)));
    }

    public SessionState.Kind state() {
        return engine.state().kind();
    }

    /** Played, duplicate and gap counts so far. */
    public Counters counters() {
        return engine.state().context().counters();
    }

    /** Audio waiting in the jitter buffer behind a missing chunk. */
    public java.time.Duration bufferedAudio() {
        return engine.state().context().buffer().waitingAudio();
    }

    /** How long the current connection has been open (for the 2-hour limit), or empty while there is none. */
    public java.util.Optional<java.time.Duration> connectionAge() {
        return StartOutcome.connectionAge(engine.state());
    }

    /** The confirmed language. */
    public LanguageCode language() {
        return engine.state().context().language();
    }

    /** Completes with the end reason after the final event; the same read-only stage on every call. */
    public CompletionStage<EndReason> terminated() {
        return terminated;
    }

    /** Leaves the session and releases everything; idempotent, safe from a listener callback. */
    @Override
    public void close() {
        engine.close();
    }

    /** Builder; the transport is required. */
    public static final class Builder extends ClientBuilder<Builder> {
        private final ListenerConfig config;
        private AudioSink sink;
        private SegmentLoader segments;
        private dev.lectern.port.SessionApi sessionApi;

        private Builder(ListenerConfig config) {
            this.config = config;
        }

        /** Optional: where audio is played; by default it is only reported as events. */
        public Builder audioSink(AudioSink value) {
            sink = value;
            return this;
        }

        /**
         * Optional: fetches and decodes translated segments ({@code translatedAudio}, protocol section 11.3), for
         * a service that sends them; share one among a process's listeners. Without it, each segment is a gap
         * and a {@code SegmentFailed} event.
         */
        public Builder segmentLoader(SegmentLoader value) {
            segments = value;
            return this;
        }

        /**
         * Optional: the service's HTTP session API (protocol section 11.1). Before a rejoin the listener reads its
         * session there (the public {@code GET}, no token): a session gone or no longer {@code active} ends it
         * without a connect. No token provider is needed for that.
         */
        public Builder sessionApi(dev.lectern.port.SessionApi value) {
            sessionApi = value;
            return this;
        }

        public ListenerClient build() {
            return new ListenerClient(this);
        }
    }
}
