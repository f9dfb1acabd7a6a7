package example;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lectern.client.ListenerClient;
import dev.lectern.client.ListenerConfig;
import dev.lectern.client.SpeakerClient;
import dev.lectern.client.SpeakerConfig;
import dev.lectern.domain.AudioChunk;
import dev.lectern.domain.SessionId;
import dev.lectern.gateway.LocalGateway;
import dev.lectern.jetty.JettyTransport;
import dev.lectern.testing.FixedTokenProvider;
import dev.lectern.testing.InMemoryGateway;
import dev.lectern.testing.ManualScheduler;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** A host outside Lectern's build: the README's example, and a listener on JettyTransport to a local gateway. */
class ConsumerTest {

    @Test
    void theReadmeSnippetRunsAsPrinted() {
        List<Long> heard = new ArrayList<>();
        ManualScheduler clock = new ManualScheduler(System.currentTimeMillis());
        InMemoryGateway gateway = new InMemoryGateway(clock, InMemoryGateway.Settings.ofDefaults());

        SpeakerClient speaker = SpeakerClient.builder(SpeakerConfig.builder().sourceLanguage("en").build())
                .transport(gateway.transport())
                .tokenProvider(FixedTokenProvider.of("alice"))
                .scheduler(clock).eventExecutor(Runnable::run)
                .build();
        var created = speaker.start();
        clock.advance(Duration.ofSeconds(1));
        SessionId sessionId = created.toCompletableFuture().join();   // e.g. golden-eagle-427

        ListenerClient listener = ListenerClient.builder(ListenerConfig.builder()
                        .sessionId(sessionId.value()).targetLanguage("es").build())
                .transport(gateway.transport())
                .audioSink((sequence, audio) -> heard.add(sequence.value()))
                .scheduler(clock).eventExecutor(Runnable::run)
                .build();
        listener.start();
        clock.advance(Duration.ofSeconds(1));

        for (int i = 0; i < 50; i++) {                    // five seconds of 100 ms chunks
            speaker.send(AudioChunk.silence(100));
            clock.advance(Duration.ofMillis(100));
        }
        speaker.close();                                  // ends the session for every listener
        clock.advance(Duration.ofSeconds(1));
        assertEquals(50, heard.size());
    }

    @Test
    void aListenerOnJettyTransportHearsASpeakerThroughAnEmbeddedLocalGateway() throws Exception {
        try (LocalGateway gateway = LocalGateway.builder().build()) {
            URI endpoint = gateway.start();
            try (JettyTransport transport = JettyTransport.builder(endpoint).build()) {
                SpeakerClient speaker = SpeakerClient.builder(SpeakerConfig.builder().sourceLanguage("en").build())
                        .transport(transport).tokenProvider(FixedTokenProvider.of("host")).build();
                SessionId id = speaker.start().toCompletableFuture().get(10, TimeUnit.SECONDS);
                List<Long> heard = Collections.synchronizedList(new ArrayList<>());
                ListenerClient listener = ListenerClient.builder(ListenerConfig.builder().sessionId(id.value()).targetLanguage("es").build())
                        .transport(transport).audioSink((seq, audio) -> heard.add(seq.value())).build();
                listener.start().toCompletableFuture().get(10, TimeUnit.SECONDS);
                for (int i = 0; i < 20; i++) {
                    speaker.send(AudioChunk.silence(100));
                }
                speaker.close(); // ends the session: the listener hears the rest, then the end
                listener.terminated().toCompletableFuture().get(10, TimeUnit.SECONDS);
                assertEquals(20, heard.size(), "every chunk heard");
                for (int i = 0; i < heard.size(); i++) {
                    assertEquals(i, heard.get(i));
                }
                assertTrue(speaker.terminated().toCompletableFuture().isDone());
            }
        }
    }
}
