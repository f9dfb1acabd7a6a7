package dev.lectern.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.lectern.client.ListenerClient;
import dev.lectern.client.ListenerConfig;
import dev.lectern.client.SpeakerClient;
import dev.lectern.client.SpeakerConfig;
import dev.lectern.domain.AudioChunk;
import dev.lectern.domain.ConnectionId;
import dev.lectern.domain.LanguageCode;
import dev.lectern.domain.SessionId;
import dev.lectern.domain.event.LecternEvent;
import dev.lectern.domain.session.ConnectRequest;
import dev.lectern.domain.session.EndReason;
import dev.lectern.jetty.JettyTransport;
import dev.lectern.testing.FixedTokenProvider;
import dev.lectern.testing.RecordingListener;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * Guarantee 4 for a host that redeploys: once its clients have ended and it has closed its transports, no
 * thread of Lectern or Jetty is left. Failsafe runs each IT class in a JVM of its own, so what this sees
 * is only what this test started.
 */
class TransportCloseIT {

    static Set<String> lecternOrJettyThreads() {
        return Thread.getAllStackTraces().keySet().stream().filter(Thread::isAlive).map(Thread::getName)
                .filter(n -> n.startsWith("lectern") || n.toLowerCase(java.util.Locale.ROOT).contains("jetty")
                        || n.contains("HttpClient") || n.contains("WebSocket") || n.startsWith("Scheduler-"))
                .collect(Collectors.toSet());
    }

    @Test
    void afterTheLastTransportClosesNoLecternOrJettyThreadRemains() throws Exception {
        assertThat(lecternOrJettyThreads()).as("a JVM of its own").isEmpty();
        LocalGateway gateway = LocalGateway.builder().settings(Fixtures.gateway().build()).build();
        URI endpoint = gateway.start();
        // Two transports on one shared Jetty client, a speaker and a listener streaming through a refresh.
        JettyTransport speakerTransport = JettyTransport.builder(endpoint).build();
        JettyTransport listenerTransport = JettyTransport.builder(endpoint).build();
        RecordingListener speakerEvents = new RecordingListener();
        SpeakerClient speaker = SpeakerClient.builder(SpeakerConfig.builder().sourceLanguage("en").settings(Fixtures.clientSettings()).build())
                .transport(speakerTransport).tokenProvider(FixedTokenProvider.of("alice")).listener(speakerEvents).build();
        SessionId id = speaker.start().toCompletableFuture().get(10, TimeUnit.SECONDS);
        RecordingListener events = new RecordingListener();
        ListenerClient listener = ListenerClient.builder(ListenerConfig.builder().sessionId(id.value()).targetLanguage("es")
                .settings(Fixtures.clientSettings()).build()).transport(listenerTransport).listener(events).build();
        listener.start().toCompletableFuture().get(10, TimeUnit.SECONDS);
        for (int i = 0; i < 5; i++) {
            speaker.send(AudioChunk.silence(100));
        }
        events.await(LecternEvent.AudioReceived.class, Duration.ofSeconds(10));
        events.await(LecternEvent.ConnectionRefreshed.class, Duration.ofSeconds(10));
        Set<String> running = lecternOrJettyThreads();

        speaker.close();
        assertThat(listener.terminated().toCompletableFuture().get(10, TimeUnit.SECONDS)).isEqualTo(EndReason.SESSION_ENDED);
        speaker.terminated().toCompletableFuture().get(10, TimeUnit.SECONDS);
        speakerTransport.close();
        assertThat(lecternOrJettyThreads()).as("the listener's transport still holds the shared client")
                .anyMatch(n -> n.startsWith("lectern-jetty-client"));
        listenerTransport.close();
        listenerTransport.close(); // idempotent
        assertThatThrownBy(() -> listenerTransport.open(new ConnectionId(1),
                new ConnectRequest.JoinSession(id, LanguageCode.of("es")), null))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("closed");
        gateway.close();

        await().atMost(Duration.ofSeconds(10)).until(() -> lecternOrJettyThreads().isEmpty());
        System.out.printf("THREADS while streaming: %d Lectern/Jetty threads %s; after the clients ended, the last "
                + "JettyTransport.close() and the gateway's close: %d%n", running.size(), List.copyOf(running).stream().sorted().toList(),
                lecternOrJettyThreads().size());
    }
}
