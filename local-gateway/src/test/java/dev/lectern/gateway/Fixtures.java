package dev.lectern.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lectern.client.LecternListener;
import dev.lectern.client.ListenerClient;
import dev.lectern.client.ListenerConfig;
import dev.lectern.client.SpeakerClient;
import dev.lectern.client.SpeakerConfig;
import dev.lectern.domain.session.SessionSettings;
import dev.lectern.jetty.JettyTransport;
import dev.lectern.port.AudioSink;
import dev.lectern.testing.FixedTokenProvider;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;

/** Shrunk timings, client builders and a certificate shared by the end-to-end tests. */
final class Fixtures {
    private Fixtures() {}

    /** The gateway with the refresh every 3 s and limits out of the way. */
    static GatewaySettings.Builder gateway() {
        return GatewaySettings.builder().port(0)
                .refreshAfter(Duration.ofSeconds(3)).warnAfter(Duration.ofSeconds(5)).maxConnectionAge(Duration.ofSeconds(8))
                .heartbeatTimeout(Duration.ofSeconds(10)).idleTimeout(Duration.ofSeconds(20))
                .connectsPerMinute(10_000).joinsPerMinute(10_000).sessionsPerHour(1_000);
    }

    /**
     * Client timings to match: heartbeat every 2 s (answer due within 1.5 s, which leaves room for a loaded
     * CI machine), refresh at 3 s (+1 s of grace), cutoff at 8 s.
     */
    static SessionSettings clientSettings() {
        return SessionSettings.builder()
                .heartbeatInterval(Duration.ofSeconds(2)).heartbeatAckTimeout(Duration.ofMillis(1500))
                .silenceTimeout(Duration.ofSeconds(6)).refreshAfter(Duration.ofSeconds(3))
                .selfRefreshGrace(Duration.ofSeconds(1)).maxConnectionAge(Duration.ofSeconds(8))
                .confirmTimeout(Duration.ofSeconds(5)).refreshConfirmTimeout(Duration.ofSeconds(3))
                .build();
    }

    /** The shrunk heartbeat timings without the shrunk refresh: for tests where a refresh would only get in the way. */
    static SessionSettings steady() {
        return clientSettings().toBuilder().refreshAfter(Duration.ofMinutes(100)).selfRefreshGrace(Duration.ofMinutes(1))
                .maxConnectionAge(Duration.ofMinutes(120)).build();
    }

    static SpeakerClient speaker(URI endpoint, LecternListener events) {
        return speaker(endpoint, events, clientSettings());
    }

    static SpeakerClient speaker(URI endpoint, LecternListener events, SessionSettings settings) {
        return SpeakerClient.builder(SpeakerConfig.builder().sourceLanguage("en").settings(settings).build())
                .transport(JettyTransport.builder(endpoint).build())
                .tokenProvider(FixedTokenProvider.of("alice"))
                .listener(events).build();
    }

    static ListenerClient listener(URI endpoint, String sessionId, String language, LecternListener events, AudioSink sink) {
        return listener(endpoint, sessionId, language, events, sink, clientSettings());
    }

    static ListenerClient listener(URI endpoint, String sessionId, String language, LecternListener events, AudioSink sink,
                                   SessionSettings settings) {
        return ListenerClient.builder(ListenerConfig.builder().sessionId(sessionId).targetLanguage(language)
                        .settings(settings).build())
                .transport(JettyTransport.builder(endpoint).build())
                .audioSink(sink).listener(events).build();
    }

    /**
     * Checks a listener's event stream: from the first chunk played on, every sequence number was played once,
     * in order, or reported in a gap that starts right after the last one accounted for. Returns the chunks
     * reported in gaps.
     */
    static long assertPlayedInOrderOrReported(dev.lectern.testing.RecordingListener events) {
        long expected = -1;
        long missed = 0;
        for (dev.lectern.domain.event.LecternEvent e : events.events()) {
            if (e instanceof dev.lectern.domain.event.LecternEvent.AudioReceived r) {
                if (expected >= 0) {
                    assertThat(r.sequence().value())
                            .as("played once, in order, no unreported hole").isEqualTo(expected);
                }
                expected = r.sequence().value() + 1;
            } else if (e instanceof dev.lectern.domain.event.LecternEvent.AudioGap g) {
                assertThat(g.from().value()).as("gap follows what was played").isEqualTo(expected);
                expected = g.to().value() + 1;
                missed += g.chunks();
            }
        }
        return missed;
    }

    /** A PKCS12 key store at {@code file} (password {@code changeit}) with a self-signed certificate for localhost and 127.0.0.1. */
    static Path selfSignedKeyStore(Path file) throws Exception {
        return TestCertificates.selfSigned(file);
    }
}
