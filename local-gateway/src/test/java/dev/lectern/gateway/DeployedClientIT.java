package dev.lectern.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.lectern.client.ListenerClient;
import dev.lectern.client.ListenerConfig;
import dev.lectern.client.SpeakerClient;
import dev.lectern.client.SpeakerConfig;
import dev.lectern.domain.AudioChunk;
import dev.lectern.domain.SessionId;
import dev.lectern.domain.event.LecternEvent;
import dev.lectern.domain.session.CreateParams;
import dev.lectern.domain.session.EndReason;
import dev.lectern.domain.session.SessionSettings;
import dev.lectern.jetty.JettySessionApi;
import dev.lectern.jetty.JettyTransport;
import dev.lectern.port.AudioSink;
import dev.lectern.port.SessionApi;
import dev.lectern.port.SessionResource;
import dev.lectern.testing.FixedTokenProvider;
import dev.lectern.testing.RecordingListener;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Lectern's clients against the gateway's {@code --flavor deployed} (protocol section 11) on real sockets
 * and real HTTP: sessions created over the HTTP API, joins and refreshes confirmed by heartbeat answers
 * with no first frame, {@code audioChunk}, the end by {@code DELETE} and by the speaker's close, a
 * {@code sessionEnded} before any confirmation, and a speaker session that ends with its connection.
 */
class DeployedClientIT {
    static final Duration WAIT = Duration.ofSeconds(10);

    LocalGateway gateway;
    URI endpoint;
    final List<AutoCloseable> open = new ArrayList<>();

    void start(GatewaySettings.Builder settings) throws Exception {
        // PCM audioData, not segments: these tests are about confirmation, refresh and the end (DeployedSegmentIT has segments)
        gateway = LocalGateway.builder().settings(settings.flavor(GatewaySettings.Flavor.DEPLOYED).segments(false).build()).build();
        endpoint = gateway.start();
    }

    @AfterEach
    void stop() throws Exception {
        for (AutoCloseable c : open) {
            c.close();
        }
        if (gateway != null) {
            gateway.close();
        }
    }

    /** Heartbeats every second, the client's own refresh clock at 3 s (+1 s), the cutoff at 20 s. */
    static SessionSettings clientSettings() {
        return Fixtures.clientSettings().toBuilder().heartbeatInterval(Duration.ofSeconds(1))
                .heartbeatAckTimeout(Duration.ofMillis(900)).silenceTimeout(Duration.ofSeconds(5))
                .maxConnectionAge(Duration.ofSeconds(20))
                .deployed(dev.lectern.domain.session.DeployedSettings.DEFAULTS.withEndFlush(Duration.ofSeconds(1))
                        .withRejoinSpread(Duration.ofMillis(500)).withRejoinAudioWait(Duration.ofSeconds(2)))
                .build();
    }

    /** The gateway asking for a refresh on heartbeats from 3 s to 6 s, warning from 12 s, cutting at 20 s. */
    static GatewaySettings.Builder refreshingGateway() {
        return Fixtures.gateway().refreshAfter(Duration.ofSeconds(3)).refreshWindow(Duration.ofSeconds(3))
                .warnAfter(Duration.ofSeconds(12)).maxConnectionAge(Duration.ofSeconds(20));
    }

    SpeakerClient speaker(RecordingListener events, SessionApi api, SessionSettings settings) {
        JettyTransport transport = JettyTransport.builder(endpoint).build();
        open.add(transport);
        return SpeakerClient.builder(SpeakerConfig.builder().sourceLanguage("en").sessionApi(gateway.sessionApiUri())
                        .settings(settings).build())
                .transport(transport).tokenProvider(FixedTokenProvider.of("alice")).sessionApi(api)
                .listener(events).build();
    }

    JettySessionApi sessionApi() {
        JettySessionApi api = JettySessionApi.builder(gateway.sessionApiUri()).tokenProvider(FixedTokenProvider.of("alice")).build();
        open.add(api);
        return api;
    }

    ListenerClient listener(SessionId id, String language, RecordingListener events, SessionSettings settings) {
        JettyTransport transport = JettyTransport.builder(endpoint).build();
        open.add(transport);
        return ListenerClient.builder(ListenerConfig.builder().sessionId(id.value()).targetLanguage(language)
                        .settings(settings).build())
                .transport(transport).audioSink(AudioSink.NONE).listener(events).build();
    }

    /** Streams {@code chunks} of 100 ms, one every 100 ms as a microphone would, and returns when all are given. */
    static void stream(SpeakerClient speaker, int chunks) throws InterruptedException {
        java.util.concurrent.ScheduledExecutorService ticker = java.util.concurrent.Executors.newSingleThreadScheduledExecutor();
        java.util.concurrent.CountDownLatch done = new java.util.concurrent.CountDownLatch(chunks);
        try {
            ticker.scheduleAtFixedRate(() -> {
                if (done.getCount() > 0) {
                    speaker.send(AudioChunk.silence(100));
                    done.countDown();
                }
            }, 0, 100, TimeUnit.MILLISECONDS);
            assertThat(done.await(chunks / 10 + 10, TimeUnit.SECONDS)).as("all chunks given").isTrue();
        } finally {
            ticker.shutdownNow();
        }
    }

    @Test
    void whenTheDeleteFailsTheEndStillReachesTheListenersAndTheSpeakerSaysSo() throws Exception {
        start(Fixtures.gateway());
        SessionApi failingDelete = new SessionApi() {
            final JettySessionApi real = sessionApi();

            public CompletionStage<SessionResource> create(CreateParams params) {
                return real.create(params);
            }

            public CompletionStage<SessionResource> get(SessionId id) {
                return real.get(id);
            }

            public CompletionStage<SessionResource> updateStatus(SessionId id, String status) {
                return real.updateStatus(id, status);
            }

            public CompletionStage<Void> delete(SessionId id) {
                return CompletableFuture.failedFuture(new IllegalStateException("session API unreachable"));
            }
        };
        RecordingListener speakerEvents = new RecordingListener();
        SpeakerClient speaker = speaker(speakerEvents, failingDelete, Fixtures.steady().toBuilder()
                .deployed(dev.lectern.domain.session.DeployedSettings.DEFAULTS.withEndFlush(Duration.ofSeconds(1))).build());
        SessionId id = speaker.start().toCompletableFuture().get(10, TimeUnit.SECONDS);
        RecordingListener events = new RecordingListener();
        ListenerClient listener = listener(id, "es", events, Fixtures.steady());
        listener.start().toCompletableFuture().get(10, TimeUnit.SECONDS);
        await().atMost(WAIT).until(() -> speaker.state() == dev.lectern.domain.session.SessionState.Kind.ACTIVE);

        speaker.close();

        assertThat(speaker.terminated().toCompletableFuture().get(10, TimeUnit.SECONDS)).isEqualTo(EndReason.ENDED_BY_USER);
        assertThat(speakerEvents.events(LecternEvent.SessionEnding.class)).filteredOn(e -> e.step().equals("delete"))
                .singleElement().satisfies(e -> {
                    assertThat(e.ok()).isFalse();
                    assertThat(e.outcome()).contains("session API unreachable");
                });
        assertThat(listener.terminated().toCompletableFuture().get(10, TimeUnit.SECONDS)).isEqualTo(EndReason.SESSION_ENDED);
        assertThat(events.events(LecternEvent.RejoinRefused.class)).as("marked ended before the close: the rejoin is refused")
                .singleElement().satisfies(e -> assertThat(e.error().status()).isEqualTo(403));
    }

    @Test
    void aListenerNeverConfirmedStopsAtSessionEndedAndNeverReconnects() throws Exception {
        start(Fixtures.gateway());
        SessionId id = sessionApi().create(CreateParams.of(dev.lectern.domain.LanguageCode.of("en")))
                .toCompletableFuture().get(10, TimeUnit.SECONDS).sessionId();
        gateway.faults().withholdHeartbeatAcks(true); // nothing will confirm the join
        RecordingListener events = new RecordingListener();
        ListenerClient listener = listener(id, "es", events, Fixtures.steady().toBuilder().confirmTimeout(Duration.ofSeconds(30)).build());
        listener.start();
        await().atMost(WAIT).until(() -> gateway.listenerCount(id) == 1);
        assertThat(listener.state()).isEqualTo(dev.lectern.domain.session.SessionState.Kind.CONNECTING);

        try (RawPeer speaker = RawPeer.connect(endpoint, "sessionId=" + id.value() + "&token=alice-1")) {
            speaker.socket.sendClose(1000, "gone").get(5, TimeUnit.SECONDS); // the service tells its listeners
        }

        assertThat(listener.terminated().toCompletableFuture().get(10, TimeUnit.SECONDS)).isEqualTo(EndReason.SESSION_ENDED);
        assertThat(events.events(LecternEvent.SessionJoined.class)).isEmpty();
        assertThat(events.events(LecternEvent.RetryScheduled.class)).as("no reconnect").isEmpty();
        await().atMost(WAIT).until(() -> gateway.liveConnections() == 0);
    }

    @Test
    void withTheHandoverOffASpeakerWhoseConnectionTheServiceCutsIsToldWhyTheSessionEnded() throws Exception {
        start(Fixtures.gateway().refreshAfter(Duration.ofSeconds(2)).refreshWindow(Duration.ofSeconds(2))
                .warnAfter(Duration.ofSeconds(3)).maxConnectionAge(Duration.ofSeconds(5)));
        RecordingListener speakerEvents = new RecordingListener();
        // the client's own cutoff later than the service's: the service cuts first, as API Gateway does; no hand-over
        SpeakerClient speaker = speaker(speakerEvents, sessionApi(), clientSettings().toBuilder()
                .refreshAfter(Duration.ofSeconds(2)).maxConnectionAge(Duration.ofSeconds(30))
                .deployed(dev.lectern.domain.session.DeployedSettings.DEFAULTS.withSpeakerHandover(false)).build());
        SessionId id = speaker.start().toCompletableFuture().get(10, TimeUnit.SECONDS);
        RecordingListener listenerEvents = new RecordingListener();
        ListenerClient listener = listener(id, "es", listenerEvents, clientSettings());
        listener.start().toCompletableFuture().get(10, TimeUnit.SECONDS);

        assertThat(speaker.terminated().toCompletableFuture().get(15, TimeUnit.SECONDS)).isEqualTo(EndReason.SESSION_ENDED);
        List<LecternEvent> told = speakerEvents.events();
        int warned = indexOf(told, LecternEvent.ConnectionWarning.class);
        int why = indexOf(told, LecternEvent.Error.class);
        assertThat(warned).as("warned before the end").isGreaterThanOrEqualTo(0).isLessThan(why);
        assertThat(((LecternEvent.Error) told.get(why)).error().code()).isEqualTo("SPEAKER_CONNECTION_CLOSED");
        assertThat(((LecternEvent.Error) told.get(why)).error().message()).contains("ends a speaker's session when its connection closes");
        assertThat(speakerEvents.events(LecternEvent.RefreshStarted.class)).isEmpty();
        assertThat(listener.terminated().toCompletableFuture().get(10, TimeUnit.SECONDS)).isEqualTo(EndReason.SESSION_ENDED);
    }

    private static int indexOf(List<LecternEvent> events, Class<? extends LecternEvent> type) {
        for (int i = 0; i < events.size(); i++) {
            if (type.isInstance(events.get(i))) {
                return i;
            }
        }
        return -1;
    }
}
