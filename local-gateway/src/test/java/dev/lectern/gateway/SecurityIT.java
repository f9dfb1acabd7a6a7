package dev.lectern.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lectern.client.LecternException;
import dev.lectern.client.ListenerClient;
import dev.lectern.client.ListenerConfig;
import dev.lectern.client.SpeakerClient;
import dev.lectern.client.SpeakerConfig;
import dev.lectern.domain.event.LecternEvent;
import dev.lectern.jetty.JettyTransport;
import dev.lectern.port.AudioSink;
import dev.lectern.testing.FixedTokenProvider;
import dev.lectern.testing.RecordingListener;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** wss with a self-signed certificate, and oversized frames in both directions. */
class SecurityIT {
    @TempDir
    static Path dir;
    static Path keyStore;

    @BeforeAll
    static void selfSignedCertificate() throws Exception {
        keyStore = Fixtures.selfSignedKeyStore(dir.resolve("gateway.p12"));
    }

    @Test
    void selfSignedCertificateIsRefusedByDefaultAndAcceptedWithATrustStore() throws Exception {
        try (LocalGateway gateway = LocalGateway.builder().settings(Fixtures.gateway().tls(keyStore, "changeit").build()).build()) {
            URI endpoint = gateway.start();
            assertThat(endpoint.getScheme()).isEqualTo("wss");
            RecordingListener refusedEvents = new RecordingListener();
            SpeakerClient untrusting = SpeakerClient.builder(SpeakerConfig.builder().sourceLanguage("en").settings(Fixtures.clientSettings()).build())
                    .transport(JettyTransport.builder(endpoint).build()).tokenProvider(FixedTokenProvider.of("alice"))
                    .listener(refusedEvents).build();
            assertThatThrownBy(() -> untrusting.start().toCompletableFuture().get(15, TimeUnit.SECONDS)).cause()
                    .isInstanceOfSatisfying(LecternException.class, e -> {
                        assertThat(e.error().code()).isEqualTo("TLS_CERTIFICATE_REJECTED");
                        assertThat(e.error().permanent()).isTrue();
                    });
            assertThat(refusedEvents.events(LecternEvent.RetryScheduled.class)).as("an untrusted certificate is not retried").isEmpty();

            SpeakerClient trusting = SpeakerClient.builder(SpeakerConfig.builder().sourceLanguage("en").settings(Fixtures.clientSettings()).build())
                    .transport(JettyTransport.builder(endpoint).trustStore(keyStore, "changeit").build())
                    .tokenProvider(FixedTokenProvider.of("alice")).build();
            assertThat(trusting.start().toCompletableFuture().get(15, TimeUnit.SECONDS).value()).isNotBlank();
            trusting.close();
        }
    }

    @Test
    void gatewayClosesAFrameOverThirtyTwoKilobytesWith1009() throws Exception {
        try (LocalGateway gateway = LocalGateway.builder().settings(Fixtures.gateway().build()).build();
             RawPeer speaker = RawPeer.connect(gateway.start(), "action=createSession&sourceLanguage=en&token=alice")) {
            speaker.await("sessionCreated", Duration.ofSeconds(5));
            speaker.socket.sendText("{\"action\":\"heartbeat\",\"pad\":\"" + "x".repeat(40_000) + "\"}", true);
            assertThat(speaker.closedWith.get(5, TimeUnit.SECONDS)).isEqualTo(1009);
        }
    }

    @Test
    void clientReportsAnOversizedFrameFromTheServerAsADisconnectAndComesBack() throws Exception {
        try (LocalGateway gateway = LocalGateway.builder().settings(Fixtures.gateway().refreshAfter(Duration.ofMinutes(100))
                .warnAfter(Duration.ofMinutes(105)).maxConnectionAge(Duration.ofMinutes(120)).build()).build()) {
            URI endpoint = gateway.start();
            SpeakerClient speaker = Fixtures.speaker(endpoint, new RecordingListener());
            String id = speaker.start().toCompletableFuture().get(10, TimeUnit.SECONDS).value();
            RecordingListener events = new RecordingListener();
            ListenerClient listener = ListenerClient.builder(ListenerConfig.builder().sessionId(id).targetLanguage("es")
                            .settings(Fixtures.clientSettings()).build())
                    .transport(JettyTransport.builder(endpoint).maxInboundMessageBytes(16 * 1024).build())
                    .audioSink(AudioSink.NONE).listener(events).build();
            listener.start().toCompletableFuture().get(10, TimeUnit.SECONDS);
            speaker.send(dev.lectern.domain.AudioChunk.of(new byte[16_000])); // ~21 KB of JSON, over this listener's 16 KB
            LecternEvent.Disconnected gone = events.await(LecternEvent.Disconnected.class, Duration.ofSeconds(10));
            assertThat(gone.code()).isEqualTo(1009);
            events.await(LecternEvent.Reconnected.class, Duration.ofSeconds(10));
            speaker.close();
        }
    }
}
