package dev.lectern.micrometer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.lectern.client.LecternListener;
import dev.lectern.client.ListenerClient;
import dev.lectern.client.ListenerConfig;
import dev.lectern.client.SpeakerClient;
import dev.lectern.client.SpeakerConfig;
import dev.lectern.domain.AudioChunk;
import dev.lectern.domain.Role;
import dev.lectern.domain.event.LecternEvent;
import dev.lectern.domain.retry.BackoffPolicy;
import dev.lectern.domain.session.SessionSettings;
import dev.lectern.gateway.GatewayFaults;
import dev.lectern.gateway.GatewaySettings;
import dev.lectern.gateway.LocalGateway;
import dev.lectern.jetty.JettyTransport;
import dev.lectern.testing.FixedTokenProvider;
import dev.lectern.testing.RecordingListener;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.URI;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The meters after a real session on loopback with refreshes, a dropped listener that reconnects and
 * reports a gap: each meter equals what the client itself counted or told in its events.
 */
class MetricsIT {

    @Test
    void metersMatchTheClientsAfterARefreshAReconnectAndAGap() throws Exception {
        SessionSettings settings = SessionSettings.builder().heartbeatInterval(Duration.ofSeconds(2)).heartbeatAckTimeout(Duration.ofMillis(1500))
                .silenceTimeout(Duration.ofSeconds(6)).refreshAfter(Duration.ofSeconds(2)).selfRefreshGrace(Duration.ofSeconds(1))
                .maxConnectionAge(Duration.ofSeconds(8)).build();
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        try (LocalGateway gateway = LocalGateway.builder().settings(GatewaySettings.builder().port(0).refreshAfter(Duration.ofSeconds(2))
                .warnAfter(Duration.ofSeconds(4)).maxConnectionAge(Duration.ofSeconds(8)).build()).build();
             JettyTransport transport = JettyTransport.builder(gateway.start()).build()) {
            RecordingListener speakerEvents = new RecordingListener();
            LecternMetrics speakerMetrics = LecternMetrics.forSpeaker(registry, Tags.of("app", "test"));
            SpeakerClient speaker = SpeakerClient.builder(SpeakerConfig.builder().sourceLanguage("en").settings(settings).build())
                    .transport(transport).tokenProvider(FixedTokenProvider.of("alice"))
                    .listener(LecternListener.all(speakerEvents, speakerMetrics.listener())).build();
            speakerMetrics.bind(speaker);
            String id = speaker.start().toCompletableFuture().get(10, TimeUnit.SECONDS).value();

            RecordingListener events = new RecordingListener();
            LecternMetrics listenerMetrics = LecternMetrics.forListener(registry, "es", Tags.of("app", "test"));
            // No jitter: the listener's first retry comes 500 ms after the drop, so chunks are surely missed (a gap).
            SessionSettings listenerSettings = settings.toBuilder().reconnectBackoff(new BackoffPolicy(Duration.ofMillis(500), 2.0,
                    Duration.ofSeconds(2), BackoffPolicy.Jitter.NONE, 0)).build();
            ListenerClient listener = ListenerClient.builder(ListenerConfig.builder().sessionId(id).targetLanguage("es").settings(listenerSettings).build())
                    .transport(transport).listener(LecternListener.all(events, listenerMetrics.listener())).build();
            listenerMetrics.bind(listener);
            listener.start().toCompletableFuture().get(10, TimeUnit.SECONDS);

            ScheduledExecutorService talk = Executors.newSingleThreadScheduledExecutor();
            talk.scheduleAtFixedRate(() -> speaker.send(AudioChunk.silence(100)), 0, 100, TimeUnit.MILLISECONDS);
            events.await(LecternEvent.ConnectionRefreshed.class, Duration.ofSeconds(10));
            gateway.faults().drop(GatewayFaults.role(Role.LISTENER)); // while audio flows: a reconnect and a gap
            events.await(LecternEvent.Reconnected.class, Duration.ofSeconds(10));
            events.await(LecternEvent.AudioGap.class, Duration.ofSeconds(10));
            await().atMost(Duration.ofSeconds(10)).until(() -> listener.counters().played() >= 40);
            talk.shutdownNow();
            talk.awaitTermination(5, TimeUnit.SECONDS);
            // read while both live (an ended client's meters are removed), once the last chunk is in
            await().atMost(Duration.ofSeconds(10)).until(() -> speaker.queuedChunks() == 0);
            long[] lastPlayed = {-1};
            await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(300)).until(() -> {
                long now = listener.counters().played();
                boolean settled = now == lastPlayed[0];
                lastPlayed[0] = now;
                return settled;
            });

            var s = speaker.counters();
            var l = listener.counters();
            assertThat(count(registry, LecternMeters.AUDIO_CHUNKS, "role", "speaker", "kind", "captured")).isEqualTo(s.captured());
            assertThat(count(registry, LecternMeters.AUDIO_CHUNKS, "role", "speaker", "kind", "sent")).isEqualTo(s.sent());
            assertThat(count(registry, LecternMeters.AUDIO_CHUNKS, "role", "listener", "kind", "played")).isEqualTo(l.played()).isPositive();
            assertThat(count(registry, LecternMeters.AUDIO_GAP_CHUNKS, "role", "listener", "language", "es")).isEqualTo(l.gapChunks()).isPositive();
            assertThat(count(registry, LecternMeters.AUDIO_DUPLICATES, "role", "listener")).isEqualTo(l.duplicates());
            long listenerRefreshes = events.events(LecternEvent.ConnectionRefreshed.class).size();
            long speakerRefreshes = speakerEvents.events(LecternEvent.ConnectionRefreshed.class).size();
            assertThat(registry.get(LecternMeters.REFRESHES).tags("role", "listener").counter().count()).isEqualTo(listenerRefreshes).isPositive();
            assertThat(registry.get(LecternMeters.REFRESHES).tags("role", "speaker").counter().count()).isEqualTo(speakerRefreshes).isPositive();
            assertThat(registry.get(LecternMeters.REFRESH_DURATION).tags("role", "listener").timer().count()).isEqualTo(listenerRefreshes);
            assertThat(registry.get(LecternMeters.REFRESH_AUDIO_GAP).tags("role", "listener").timer().count()).isPositive();
            assertThat(registry.get(LecternMeters.RECONNECTS).tags("role", "listener").counter().count()).isEqualTo(1);
            assertThat(registry.get(LecternMeters.RECONNECT_DURATION).tags("role", "listener").timer().count()).isEqualTo(1);
            assertThat(registry.get(LecternMeters.RECONNECT_DURATION).tags("role", "listener").timer().totalTime(TimeUnit.MILLISECONDS))
                    .as("the first retry waits at least the backoff's half-second floor").isGreaterThanOrEqualTo(500.0);
            assertThat(registry.get(LecternMeters.STATE).tags("role", "listener", "state", "active").gauge().value()).isEqualTo(1);
            assertThat(registry.get(LecternMeters.STATE).tags("role", "listener", "state", "ended").gauge().value()).isZero();
            assertThat(registry.get(LecternMeters.SEND_QUEUE).tags("role", "speaker").gauge().value()).isZero();
            assertThat(registry.get(LecternMeters.FRAMES).tags("role", "listener", "outcome", "rejected").functionCounter().count()).isZero();
            Timer latency = registry.get(LecternMeters.AUDIO_LATENCY).tags("role", "listener").timer();
            assertThat(latency.count()).as("chunks played as they arrived carry the speaker's send time").isPositive()
                    .isLessThanOrEqualTo(l.played());
            assertThat(latency.max(TimeUnit.MILLISECONDS)).as("a chunk played is never older than the listener's 5 s buffer")
                    .isLessThan(dev.lectern.domain.session.SessionSettings.DEFAULT_JITTER_BUFFER_CAPACITY.toMillis());
            System.out.printf("METRICS speaker captured %d sent %d refreshes %d; listener played %d gap chunks %d duplicates %d refreshes %d "
                            + "reconnects 1 (%.0f ms), refresh mean %.1f ms, audio gap around refresh max %.1f ms; latency mean %.1f ms over %d chunks; %d meters%n",
                    s.captured(), s.sent(), speakerRefreshes, l.played(), l.gapChunks(), l.duplicates(), listenerRefreshes,
                    registry.get(LecternMeters.RECONNECT_DURATION).timer().totalTime(TimeUnit.MILLISECONDS),
                    registry.get(LecternMeters.REFRESH_DURATION).tags("role", "listener").timer().mean(TimeUnit.MILLISECONDS),
                    registry.get(LecternMeters.REFRESH_AUDIO_GAP).timer().max(TimeUnit.MILLISECONDS), latency.mean(TimeUnit.MILLISECONDS),
                    latency.count(), registry.getMeters().size());

            speaker.close();
            speaker.terminated().toCompletableFuture().get(10, TimeUnit.SECONDS);
            listener.terminated().toCompletableFuture().get(10, TimeUnit.SECONDS);
            assertThat(registry.getMeters()).as("ended clients leave no meters behind").isEmpty();
        }
    }

    static double count(SimpleMeterRegistry registry, String name, String... tags) {
        return registry.get(name).tags(tags).functionCounter().count();
    }
}
