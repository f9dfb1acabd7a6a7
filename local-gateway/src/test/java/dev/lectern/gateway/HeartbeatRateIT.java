package dev.lectern.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.lectern.client.ListenerClient;
import dev.lectern.client.ListenerConfig;
import dev.lectern.client.SpeakerClient;
import dev.lectern.client.SpeakerConfig;
import dev.lectern.domain.AudioChunk;
import dev.lectern.domain.ConnectionId;
import dev.lectern.domain.message.ClientMessage;
import dev.lectern.domain.session.ConnectRequest;
import dev.lectern.domain.session.SessionSettings;
import dev.lectern.jetty.JettyTransport;
import dev.lectern.port.ForwardingConnection;
import dev.lectern.port.Transport;
import dev.lectern.port.TransportConnection;
import dev.lectern.port.TransportListener;
import dev.lectern.testing.FixedTokenProvider;
import dev.lectern.testing.RecordingListener;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The service allows two heartbeats a minute per connection (one every 30 s). Shrunk to a 1 s interval,
 * the same rule is two per 2 s. Measured where the rule applies, at the client: every heartbeat each
 * connection writes, with the time the client stamped it with (its clock when it decided to send), on a
 * streaming speaker, a listener whose audio keeps stopping (each stop sends a probe), over 12 s.
 */
class HeartbeatRateIT {

    /** Records, per connection, the timestamp of every heartbeat the client writes. */
    static final class HeartbeatTap implements Transport {
        final Transport delegate;
        final Map<ConnectionId, List<Long>> sent = new ConcurrentHashMap<>();

        HeartbeatTap(Transport delegate) {
            this.delegate = delegate;
        }

        @Override
        public TransportConnection open(ConnectionId id, ConnectRequest request, TransportListener listener) {
            TransportConnection connection = delegate.open(id, request, listener);
            List<Long> times = sent.computeIfAbsent(id, k -> new CopyOnWriteArrayList<>());
            return new ForwardingConnection(connection) {
                @Override
                public CompletionStage<Void> send(ClientMessage message) {
                    if (message instanceof ClientMessage.Heartbeat heartbeat) {
                        times.add(heartbeat.timestamp());
                    }
                    return super.send(message);
                }
            };
        }
    }

    @Test
    void noConnectionSendsThreeHeartbeatsWithinOneWindow() throws Exception {
        SessionSettings fast = SessionSettings.builder().heartbeatInterval(Duration.ofSeconds(1))
                .heartbeatAckTimeout(Duration.ofMillis(900)).silenceTimeout(Duration.ofSeconds(5))
                .audioStallTimeout(Duration.ofMillis(400)).probeAckTimeout(Duration.ofMillis(900)).build();
        try (LocalGateway gateway = LocalGateway.builder().settings(Fixtures.gateway().refreshAfter(Duration.ofMinutes(100))
                .warnAfter(Duration.ofMinutes(105)).maxConnectionAge(Duration.ofMinutes(120)).build()).build();
             JettyTransport jetty = JettyTransport.builder(gateway.start()).build()) {
            HeartbeatTap speakerTap = new HeartbeatTap(jetty);
            HeartbeatTap listenerTap = new HeartbeatTap(jetty);
            SpeakerClient speaker = SpeakerClient.builder(SpeakerConfig.builder().sourceLanguage("en").settings(fast).build())
                    .transport(speakerTap).tokenProvider(FixedTokenProvider.of("alice")).listener(new RecordingListener()).build();
            String id = speaker.start().toCompletableFuture().get(10, TimeUnit.SECONDS).value();
            ListenerClient listener = ListenerClient.builder(ListenerConfig.builder().sessionId(id).targetLanguage("es")
                    .settings(fast).build()).transport(listenerTap).listener(new RecordingListener()).build();
            listener.start().toCompletableFuture().get(10, TimeUnit.SECONDS);
            ScheduledExecutorService talk = Executors.newSingleThreadScheduledExecutor();
            // Bursts of speech with silences between: every silence makes the listener probe.
            long started = System.currentTimeMillis();
            talk.scheduleWithFixedDelay(() -> {
                long t = (System.currentTimeMillis() - started) % 1500;
                if (t < 900) {
                    speaker.send(AudioChunk.silence(100));
                }
            }, 0, 100, TimeUnit.MILLISECONDS);
            // Twelve seconds of it: until the speaker's connection has written its twelfth heartbeat.
            await().atMost(Duration.ofSeconds(30)).until(() -> speakerTap.sent.values().stream().mapToInt(List::size).sum() >= 12);
            talk.shutdownNow();
            listener.close();
            speaker.close();
            speaker.terminated().toCompletableFuture().get(10, TimeUnit.SECONDS);
            listener.terminated().toCompletableFuture().get(10, TimeUnit.SECONDS);

            long window = 2 * fast.heartbeatInterval().toMillis();
            long tightest = Long.MAX_VALUE;
            int total = 0;
            List<List<Long>> connections = new ArrayList<>(speakerTap.sent.values());
            connections.addAll(listenerTap.sent.values());
            for (List<Long> t : connections) {
                total += t.size();
                for (int i = 2; i < t.size(); i++) {
                    tightest = Math.min(tightest, t.get(i) - t.get(i - 2));
                }
            }
            int listenerHeartbeats = listenerTap.sent.values().stream().mapToInt(List::size).sum();
            System.out.printf("HEARTBEATS %d written on %d connections (listener %d); tightest span of three consecutive: %d ms (window %d ms)%n",
                    total, connections.size(), listenerHeartbeats, tightest, window);
            assertThat(listenerHeartbeats).as("the probing listener sent enough to test the rule").isGreaterThanOrEqualTo(6);
            assertThat(tightest).as("never a third heartbeat within one window, at the client's own clock")
                    .isNotEqualTo(Long.MAX_VALUE).isGreaterThanOrEqualTo(window);
        }
    }
}
