package dev.lectern.app;

import dev.lectern.client.LecternListener;
import dev.lectern.client.ListenerClient;
import dev.lectern.client.ListenerConfig;
import dev.lectern.client.SpeakerClient;
import dev.lectern.client.SpeakerConfig;
import dev.lectern.domain.AudioChunk;
import dev.lectern.domain.SessionId;
import dev.lectern.domain.event.LecternEvent;
import dev.lectern.testing.FixedTokenProvider;
import dev.lectern.testing.InMemoryGateway;
import dev.lectern.testing.ManualScheduler;
import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code demo --virtual}: a speaker and listeners on the test kit's in-memory gateway under virtual time:
 * hours of session, with the service's refresh every 100 minutes and a dropped connection now and then,
 * in a moment.
 */
final class VirtualDemo {
    private final PrintWriter out;
    private final int hours;
    private final int listeners;
    private final Duration dropEvery;

    VirtualDemo(PrintWriter out, int hours, int listeners, Duration dropEvery) {
        this.out = out;
        this.hours = hours;
        this.listeners = listeners;
        this.dropEvery = dropEvery;
    }

    int run() {
        ManualScheduler clock = new ManualScheduler(Instant.parse("2026-01-01T09:00:00Z").toEpochMilli());
        InMemoryGateway gateway = new InMemoryGateway(clock, InMemoryGateway.Settings.ofDefaults());
        LecternListener narrator = new LecternListener() {
            @Override
            public void onEvent(LecternEvent event) {
                if (!(event instanceof LecternEvent.AudioReceived)) {
                    out.printf("%s  speaker    %s%n", Instant.ofEpochMilli(clock.now()), EventText.describe(event));
                }
            }
        };
        SpeakerClient speaker = SpeakerClient.builder(SpeakerConfig.builder().sourceLanguage("en").build())
                .transport(gateway.transport()).tokenProvider(FixedTokenProvider.of("demo-speaker"))
                .scheduler(clock).eventExecutor(Runnable::run).listener(narrator).build();
        var created = speaker.start();
        clock.advance(Duration.ofSeconds(1));
        SessionId sessionId = created.toCompletableFuture().join();

        String[] languages = {"es", "de", "fr", "it", "pt"};
        List<ListenerClient> audience = new ArrayList<>();
        for (int i = 0; i < listeners; i++) {
            String name = "listener-" + i;
            LecternListener tell = new LecternListener() {
                @Override
                public void onEvent(LecternEvent event) {
                    if (!(event instanceof LecternEvent.AudioReceived)) {
                        out.printf("%s  %-10s %s%n", Instant.ofEpochMilli(clock.now()), name, EventText.describe(event));
                    }
                }
            };
            ListenerClient listener = ListenerClient.builder(ListenerConfig.builder().sessionId(sessionId.value())
                            .targetLanguage(languages[i % languages.length]).build())
                    .transport(gateway.transport()).scheduler(clock).eventExecutor(Runnable::run).listener(tell).build();
            listener.start();
            audience.add(listener);
        }
        long end = clock.now() + Duration.ofHours(hours).toMillis();
        long nextDrop = dropEvery.isZero() ? Long.MAX_VALUE : clock.now() + dropEvery.toMillis();
        java.util.SplittableRandom random = new java.util.SplittableRandom(42);
        while (clock.now() < end) {
            speaker.send(AudioChunk.silence(100));
            clock.advance(Duration.ofMillis(100));
            if (clock.now() >= nextDrop) {
                List<InMemoryGateway.Conn> live = gateway.connections();
                if (!live.isEmpty()) {
                    InMemoryGateway.Conn victim = live.get(random.nextInt(live.size()));
                    out.printf("%s  (gateway)  dropping %s%n", Instant.ofEpochMilli(clock.now()), victim);
                    gateway.drop(victim);
                }
                nextDrop += dropEvery.toMillis();
            }
        }
        speaker.close();
        clock.advance(Duration.ofSeconds(5));
        out.printf("%nspeaker: %s%n", speaker.counters());
        for (int i = 0; i < audience.size(); i++) {
            out.printf("listener-%d: %s%n", i, audience.get(i).counters());
        }
        out.flush();
        return 0;
    }
}
