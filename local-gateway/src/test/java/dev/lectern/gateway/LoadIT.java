package dev.lectern.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lectern.client.ListenerClient;
import dev.lectern.client.SpeakerClient;
import dev.lectern.domain.AudioChunk;
import dev.lectern.domain.SessionId;
import dev.lectern.domain.session.SessionSettings;
import dev.lectern.testing.RecordingListener;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Many listeners on one session, every one receiving every chunk. */
class LoadIT {
    static final int CHUNKS = 100;
    LocalGateway gateway;
    URI endpoint;

    @BeforeEach
    void start() throws Exception {
        gateway = LocalGateway.builder().settings(Fixtures.gateway().refreshAfter(Duration.ofMinutes(100))
                .warnAfter(Duration.ofMinutes(105)).maxConnectionAge(Duration.ofMinutes(120))
                .heartbeatTimeout(Duration.ofSeconds(90)).idleTimeout(Duration.ofMinutes(10)).build()).build();
        endpoint = gateway.start();
    }

    @AfterEach
    void stop() throws Exception {
        gateway.close();
    }

    @ParameterizedTest(name = "{0} listeners")
    @ValueSource(ints = {100, 500})
    void everyListenerReceivesEveryChunk(int count) throws Exception {
        long started = System.nanoTime();
        RecordingListener speakerEvents = new RecordingListener();
        // Protocol timings: this test is about delivery, not about refreshes.
        SpeakerClient speaker = Fixtures.speaker(endpoint, speakerEvents, SessionSettings.ofDefaults());
        SessionId id = speaker.start().toCompletableFuture().get(10, TimeUnit.SECONDS);
        CountDownLatch allHeard = new CountDownLatch(count);
        AtomicLong played = new AtomicLong();
        List<ListenerClient> listeners = new ArrayList<>();
        List<RecordingListener> recorders = new ArrayList<>();
        List<CompletableFuture<?>> joined = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            int[] heard = {0};
            RecordingListener recorder = new RecordingListener();
            recorders.add(recorder);
            ListenerClient l = Fixtures.listener(endpoint, id.value(), i % 2 == 0 ? "es" : "de", recorder,
                    (seq, audio) -> {
                        played.incrementAndGet();
                        if (++heard[0] == CHUNKS) {
                            allHeard.countDown();
                        }
                    }, SessionSettings.ofDefaults());
            listeners.add(l);
            joined.add(l.start().toCompletableFuture());
        }
        CompletableFuture.allOf(joined.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
        long joinedAt = System.nanoTime();
        assertThat(gateway.listenerCount(id)).isEqualTo(count);
        for (int i = 0; i < CHUNKS; i++) {
            speaker.send(AudioChunk.silence(100));
        }
        boolean everyoneHeard = allHeard.await(60, TimeUnit.SECONDS);
        if (!everyoneHeard) {
            // Seen once in CI (not reproduced in 12 local runs): say where delivery stood and what every thread did.
            System.out.printf("LOAD STALL: %d of %d listeners heard all %d chunks; played %d; gateway received %d, slow closes %d; states %s%n",
                    count - allHeard.getCount(), count, CHUNKS, played.get(), gateway.chunksReceived(id), gateway.slowConnectionsClosed(),
                    listeners.stream().collect(java.util.stream.Collectors.groupingBy(l -> l.state() + "/" + l.counters().played(),
                            java.util.stream.Collectors.counting())));
            Thread.getAllStackTraces().forEach((t, stack) -> {
                if (t.getName().startsWith("lectern") || t.getName().contains("jetty") || t.getName().startsWith("WebSocket")) {
                    System.out.println("LOAD STALL thread " + t.getName() + " " + t.getState());
                    for (int f = 0; f < Math.min(12, stack.length); f++) {
                        System.out.println("    at " + stack[f]);
                    }
                }
            });
        }
        assertThat(everyoneHeard).as("every listener heard all %d chunks", CHUNKS).isTrue();
        long done = System.nanoTime();
        assertThat(played.get()).isEqualTo((long) count * CHUNKS);
        assertThat(gateway.slowConnectionsClosed()).isZero();
        System.out.printf("LOAD listeners=%d chunks=%d deliveries=%d join-all=%d ms deliver-all=%d ms total=%d ms%n",
                count, CHUNKS, played.get(), (joinedAt - started) / 1_000_000, (done - joinedAt) / 1_000_000,
                (done - started) / 1_000_000);
        long closing = System.nanoTime();
        speaker.close();
        for (int i = 0; i < listeners.size(); i++) {
            ListenerClient l = listeners.get(i);
            try {
                l.terminated().toCompletableFuture().get(30, TimeUnit.SECONDS);
            } catch (java.util.concurrent.TimeoutException e) {
                throw new AssertionError("listener " + i + " did not end: " + l.state() + " " + l.counters()
                        + " events " + recorders.get(i).events().stream().filter(ev -> !(ev instanceof dev.lectern.domain.event.LecternEvent.AudioReceived)).toList());
            }
        }
        assertThat(speakerEvents.events(dev.lectern.domain.event.LecternEvent.Disconnected.class)).isEmpty();
        long disconnects = recorders.stream().mapToLong(r -> r.events(dev.lectern.domain.event.LecternEvent.Disconnected.class).size()).sum();
        assertThat(disconnects).isZero();
        System.out.printf("LOAD listeners=%d all ended %d ms after the speaker closed%n", count, (System.nanoTime() - closing) / 1_000_000);
    }
}
