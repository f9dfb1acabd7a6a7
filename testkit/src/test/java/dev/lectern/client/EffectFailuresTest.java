package dev.lectern.client;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lectern.domain.AudioChunk;
import dev.lectern.domain.ConnectionId;
import dev.lectern.domain.LanguageCode;
import dev.lectern.domain.SequenceNumber;
import dev.lectern.domain.SessionId;
import dev.lectern.domain.event.LecternEvent;
import dev.lectern.domain.message.ClientMessage;
import dev.lectern.domain.message.ServerMessage;
import dev.lectern.domain.session.ConnectRequest;
import dev.lectern.domain.session.CreateParams;
import dev.lectern.domain.session.EndReason;
import dev.lectern.domain.session.SessionSettings;
import dev.lectern.port.SessionApi;
import dev.lectern.port.SessionResource;
import dev.lectern.port.Transport;
import dev.lectern.port.TransportConnection;
import dev.lectern.port.TransportListener;
import dev.lectern.testing.FixedTokenProvider;
import dev.lectern.testing.ManualScheduler;
import dev.lectern.testing.RecordingListener;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.junit.jupiter.api.Test;

/**
 * Every effect the engine carries out comes back to the state machine, even when its adapter throws instead
 * of answering: a connect, a token, a session-API call, a sink. Each test plants a throwing adapter for one
 * port and asserts that the client decides on it (a retry, a reported step, the end) rather than wait for
 * ever with only a log line.
 */
class EffectFailuresTest {
    static final SessionId SESSION = SessionId.of("golden-eagle-427");
    final ManualScheduler clock = new ManualScheduler(1_000_000L);
    final RecordingListener events = new RecordingListener();

    /** A transport whose connections the test answers by hand; {@code throwOnOpen} opens throw. */
    static final class ScriptedTransport implements Transport {
        final List<ConnectionId> opened = new ArrayList<>();
        final List<ClientMessage> sent = new ArrayList<>();
        TransportListener listener;
        int throwOnOpen;

        @Override
        public TransportConnection open(ConnectionId id, ConnectRequest request, TransportListener l) {
            listener = l;
            if (throwOnOpen > 0) {
                throwOnOpen--;
                throw new IllegalStateException("transport is closed");
            }
            opened.add(id);
            return new TransportConnection() {
                public ConnectionId id() {
                    return id;
                }

                public CompletionStage<Void> send(ClientMessage message) {
                    sent.add(message);
                    return CompletableFuture.completedFuture(null);
                }

                public void close(int code, String reason) {
                    l.onClosed(id, code, reason);
                }

                public void abort() {}
            };
        }

        /** Upgrades the last connection and answers its first heartbeat: confirmed, as the deployed service does. */
        void confirmLast() {
            ConnectionId id = opened.get(opened.size() - 1);
            listener.onOpen(id);
            listener.onMessage(id, new ServerMessage.HeartbeatAck(0L, 0L));
        }
    }

    /** A session API whose {@code failing} calls throw at once instead of answering. */
    static SessionApi throwing(boolean create, boolean update, boolean delete) {
        return new SessionApi() {
            public CompletionStage<SessionResource> create(CreateParams params) {
                if (create) {
                    throw new IllegalStateException("session API at http://127.0.0.1:9 is closed");
                }
                return CompletableFuture.completedFuture(new SessionResource(SESSION, "alice", LanguageCode.of("en"), "standard",
                        "active", 0, null, null));
            }

            public CompletionStage<SessionResource> get(SessionId id) {
                throw new IllegalStateException("closed");
            }

            public CompletionStage<SessionResource> updateStatus(SessionId id, String status) {
                if (update) {
                    throw new IllegalStateException("closed");
                }
                return create(null);
            }

            public CompletionStage<Void> delete(SessionId id) {
                if (delete) {
                    throw new IllegalStateException("closed");
                }
                return CompletableFuture.completedFuture(null);
            }
        };
    }

    SpeakerClient speaker(ScriptedTransport transport, SessionApi api, dev.lectern.port.TokenProvider tokens) {
        return SpeakerClient.builder(SpeakerConfig.builder().sourceLanguage("en").sessionApi(java.net.URI.create("http://127.0.0.1:9"))
                        .settings(SessionSettings.ofDefaults()).build())
                .transport(transport).tokenProvider(tokens).sessionApi(api)
                .scheduler(clock).eventExecutor(Runnable::run).listener(events).build();
    }

    @Test
    void aTransportThatThrowsOnOpenIsARefusedConnectThatIsRetried() {
        ScriptedTransport transport = new ScriptedTransport();
        transport.throwOnOpen = 1;
        SpeakerClient speaker = speaker(transport, throwing(false, false, false), FixedTokenProvider.of("alice"));
        speaker.start();
        clock.advance(Duration.ofMillis(1));

        assertThat(events.events(LecternEvent.RetryScheduled.class)).singleElement()
                .satisfies(r -> assertThat(r.cause().message()).contains("transport is closed"));
        clock.advance(Duration.ofSeconds(2));
        assertThat(transport.opened).as("the retry opened a connection").hasSize(1);
    }

    @Test
    void aTokenProviderThatThrowsIsAFailedTokenThatIsRetried() {
        ScriptedTransport transport = new ScriptedTransport();
        dev.lectern.port.TokenProvider broken = forceRenew -> {
            throw new IllegalStateException("no credentials");
        };
        SpeakerClient speaker = speaker(transport, throwing(false, false, false), broken);
        speaker.start();
        clock.advance(Duration.ofMillis(1));

        assertThat(events.events(LecternEvent.RetryScheduled.class)).as("the connect waits no more for a token")
                .singleElement().satisfies(r -> assertThat(r.cause().message()).contains("no credentials"));
    }

    @Test
    void aSessionApiThatThrowsOnCreateIsAFailedCreation() {
        SpeakerClient speaker = speaker(new ScriptedTransport(), throwing(true, false, false), FixedTokenProvider.of("alice"));
        speaker.start();
        clock.advance(Duration.ofMillis(1));

        assertThat(events.events(LecternEvent.RetryScheduled.class)).singleElement()
                .satisfies(r -> assertThat(r.cause().message()).contains("is closed"));
    }

    @Test
    void aSessionApiThatThrowsAtTheEndIsReportedAndTheEndStillComes() {
        ScriptedTransport transport = new ScriptedTransport();
        SpeakerClient speaker = speaker(transport, throwing(false, true, true), FixedTokenProvider.of("alice"));
        speaker.start();
        clock.advance(Duration.ofMillis(1));
        transport.confirmLast();
        speaker.endNow("done");
        clock.advance(Duration.ofSeconds(30));

        assertThat(speaker.terminated().toCompletableFuture()).isCompletedWithValue(EndReason.ENDED_BY_USER);
        assertThat(events.events(LecternEvent.SessionEnding.class)).filteredOn(e -> !e.ok())
                .extracting(LecternEvent.SessionEnding::step).containsExactly("mark", "delete");
    }

    @Test
    void aSinkThatThrowsEndsTheListenerAndSaysWhy() {
        ScriptedTransport transport = new ScriptedTransport();
        ListenerClient listener = ListenerClient.builder(ListenerConfig.builder().sessionId(SESSION.value()).targetLanguage("es").build())
                .transport(transport).audioSink((sequence, audio) -> {
                    throw new IllegalStateException("device unplugged");
                })
                .scheduler(clock).eventExecutor(Runnable::run).listener(events).build();
        listener.start();
        clock.advance(Duration.ofMillis(1));
        transport.confirmLast();
        transport.listener.onMessage(transport.opened.get(0), new ServerMessage.AudioData(SESSION, LanguageCode.of("es"),
                AudioChunk.silence(100), SequenceNumber.of(0), 0L));
        clock.advance(Duration.ofSeconds(1));

        assertThat(listener.terminated().toCompletableFuture()).isCompletedWithValue(EndReason.SINK_FAILED);
        assertThat(events.events(LecternEvent.Error.class)).anySatisfy(e -> assertThat(e.error().message()).contains("device unplugged"));
    }
}
