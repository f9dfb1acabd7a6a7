package dev.lectern.gateway;

import static dev.lectern.gateway.DeployedClientIT.stream;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.lectern.client.ListenerClient;
import dev.lectern.client.ListenerConfig;
import dev.lectern.client.SpeakerClient;
import dev.lectern.client.SpeakerConfig;
import dev.lectern.domain.SessionId;
import dev.lectern.domain.event.LecternEvent;
import dev.lectern.domain.session.DeployedSettings;
import dev.lectern.domain.session.EndReason;
import dev.lectern.domain.session.SessionSettings;
import dev.lectern.jetty.JettySessionApi;
import dev.lectern.jetty.JettyTransport;
import dev.lectern.port.AudioSink;
import dev.lectern.testing.FixedTokenProvider;
import dev.lectern.testing.RecordingListener;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A talk longer than any one connection on the stand-in's deployed flavor, with Lectern's clients on real
 * sockets: the service cuts every connection at 8 s, so the speaker hands over to a second connection
 * (protocol section 11.4) twice or more; each hand-over's close tells the listeners {@code sessionEnded}, and
 * they rejoin and hear the rest. The end then refuses their rejoin.
 */
class HandoverRejoinIT {
    static final Duration WAIT = Duration.ofSeconds(15);

    LocalGateway gateway;
    URI endpoint;
    final List<AutoCloseable> open = new ArrayList<>();

    @AfterEach
    void stop() throws Exception {
        for (AutoCloseable c : open) {
            c.close();
        }
        if (gateway != null) {
            gateway.close();
        }
    }

    static SessionSettings clientSettings() {
        return DeployedClientIT.clientSettings().toBuilder().refreshAfter(Duration.ofSeconds(3)).maxConnectionAge(Duration.ofSeconds(8))
                .deployed(DeployedSettings.DEFAULTS.withEndFlush(Duration.ofSeconds(1)).withRejoinSpread(Duration.ofMillis(300))
                        .withRejoinAudioWait(Duration.ofSeconds(3)))
                .build();
    }

    @Test
    void aTalkOutlivesEveryConnectionBySpeakerHandoversAndListenerRejoins() throws Exception {
        // PCM audioData, so that every chunk can be counted; the service asks for a refresh from 3 s, cuts at 8 s
        gateway = LocalGateway.builder().settings(Fixtures.gateway().flavor(GatewaySettings.Flavor.DEPLOYED).segments(false)
                .refreshAfter(Duration.ofSeconds(3)).refreshWindow(Duration.ofSeconds(3)).warnAfter(Duration.ofSeconds(6))
                .maxConnectionAge(Duration.ofSeconds(8)).build()).build();
        endpoint = gateway.start();
        JettySessionApi api = JettySessionApi.builder(gateway.sessionApiUri()).tokenProvider(FixedTokenProvider.of("alice")).build();
        open.add(api);
        JettyTransport speakerTransport = JettyTransport.builder(endpoint).build();
        open.add(speakerTransport);
        RecordingListener speakerEvents = new RecordingListener();
        SpeakerClient speaker = SpeakerClient.builder(SpeakerConfig.builder().sourceLanguage("en").sessionApi(gateway.sessionApiUri())
                        .settings(clientSettings()).build())
                .transport(speakerTransport).tokenProvider(FixedTokenProvider.of("alice")).sessionApi(api).listener(speakerEvents).build();
        SessionId id = speaker.start().toCompletableFuture().get(10, TimeUnit.SECONDS);

        List<ListenerClient> listeners = new ArrayList<>();
        List<RecordingListener> listenerEvents = new ArrayList<>();
        for (String language : new String[] {"es", "de"}) {
            JettyTransport transport = JettyTransport.builder(endpoint).build();
            open.add(transport);
            RecordingListener events = new RecordingListener();
            ListenerClient l = ListenerClient.builder(ListenerConfig.builder().sessionId(id.value()).targetLanguage(language)
                            .settings(clientSettings()).build())
                    .transport(transport).audioSink(AudioSink.NONE).listener(events).build();
            l.start().toCompletableFuture().get(10, TimeUnit.SECONDS);
            listeners.add(l);
            listenerEvents.add(events);
        }
        await().atMost(WAIT).until(() -> speaker.state() == dev.lectern.domain.session.SessionState.Kind.ACTIVE);

        stream(speaker, 200); // 20 s: two and a half times the service's cut

        List<LecternEvent.SpeakerHandedOver> handovers = speakerEvents.events(LecternEvent.SpeakerHandedOver.class);
        assertThat(handovers).as("the speaker handed over before each cut").hasSizeGreaterThanOrEqualTo(2);
        assertThat(speaker.counters().sent()).as("no chunk lost").isEqualTo(200);
        assertThat(gateway.chunksReceived(id)).as("each chunk reached the service once").isEqualTo(200);
        assertThat(speaker.state()).isEqualTo(dev.lectern.domain.session.SessionState.Kind.ACTIVE);

        speaker.end("done");
        assertThat(speaker.terminated().toCompletableFuture().get(WAIT.toSeconds(), TimeUnit.SECONDS)).isEqualTo(EndReason.ENDED_BY_USER);
        for (int i = 0; i < listeners.size(); i++) {
            RecordingListener events = listenerEvents.get(i);
            assertThat(listeners.get(i).terminated().toCompletableFuture().get(WAIT.toSeconds(), TimeUnit.SECONDS))
                    .isEqualTo(EndReason.SESSION_ENDED);
            assertThat(events.events(LecternEvent.RejoinResumed.class)).as("rejoined after each hand-over and heard more")
                    .hasSizeGreaterThanOrEqualTo(2);
            // the end: marked ended, so the rejoin after the close is refused (or a reconnect under way then is)
            assertThat(events.events(LecternEvent.SessionEnded.class)).singleElement()
                    .satisfies(e -> assertThat(e.message()).containsAnyOf("rejoin refused", "ended meanwhile"));
            long played = events.events(LecternEvent.AudioReceived.class).size();
            assertThat(played).as("heard most of the talk").isGreaterThanOrEqualTo(170);
            Fixtures.assertPlayedInOrderOrReported(events);
        }
    }
}
