package dev.lectern.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.lectern.client.ListenerClient;
import dev.lectern.client.SpeakerClient;
import dev.lectern.domain.AudioChunk;
import dev.lectern.domain.SessionId;
import dev.lectern.domain.event.LecternEvent;
import dev.lectern.domain.session.EndReason;
import dev.lectern.testing.RecordingListener;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** A speaker and three listeners over real WebSockets on loopback, refreshing every 3 seconds. */
class EndToEndIT {
    static final int CHUNKS = 600; // 60 s of audio at 10 chunks a second
    static final long INTERVAL_MS = 100;
    /** The most a refresh may add between two chunks: well under the 1 s refresh grace and the 5 s listener buffer. */
    static final long MAX_EXTRA_GAP_MS = 1_000;

    LocalGateway gateway;
    URI endpoint;

    @BeforeEach
    void start() throws Exception {
        gateway = LocalGateway.builder().settings(Fixtures.gateway().build()).build();
        endpoint = gateway.start();
    }

    @AfterEach
    void stop() throws Exception {
        gateway.close();
    }

    /** What one listener heard: sequence number and arrival time of each chunk. */
    static final class Ear implements dev.lectern.port.AudioSink {
        final List<long[]> heard = Collections.synchronizedList(new ArrayList<>());

        @Override
        public void play(dev.lectern.domain.SequenceNumber sequence, AudioChunk audio) {
            heard.add(new long[] {sequence.value(), System.nanoTime()});
        }
    }

    @Test
    void everyListenerHearsEveryChunkOnceInOrderAcrossRefreshes() throws Exception {
        RecordingListener speakerEvents = new RecordingListener();
        SpeakerClient speaker = Fixtures.speaker(endpoint, speakerEvents);
        SessionId id = speaker.start().toCompletableFuture().get(10, TimeUnit.SECONDS);

        String[] languages = {"es", "es", "de"};
        List<ListenerClient> listeners = new ArrayList<>();
        List<RecordingListener> events = new ArrayList<>();
        List<Ear> ears = new ArrayList<>();
        for (String language : languages) {
            RecordingListener e = new RecordingListener();
            Ear ear = new Ear();
            ListenerClient l = Fixtures.listener(endpoint, id.value(), language, e, ear);
            l.start().toCompletableFuture().get(10, TimeUnit.SECONDS);
            listeners.add(l);
            events.add(e);
            ears.add(ear);
        }

        long[] sentAt = new long[CHUNKS];
        List<Integer> countSamples = Collections.synchronizedList(new ArrayList<>());
        CountDownLatch done = new CountDownLatch(1);
        AtomicInteger next = new AtomicInteger();
        ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor();
        long started = System.nanoTime();
        ScheduledFuture<?> ticks = ticker.scheduleAtFixedRate(() -> {
            int i = next.getAndIncrement();
            if (i < CHUNKS) {
                sentAt[i] = System.nanoTime();
                speaker.send(AudioChunk.silence(100));
                countSamples.add(gateway.listenerCount(id));
            } else {
                done.countDown();
            }
        }, 0, INTERVAL_MS, TimeUnit.MILLISECONDS);
        assertThat(done.await(CHUNKS * INTERVAL_MS + 10_000, TimeUnit.MILLISECONDS)).isTrue();
        ticks.cancel(false);
        ticker.shutdown();

        // Everything sent has arrived once the last chunk has been played by all three.
        for (Ear ear : ears) {
            awaitSize(ear, CHUNKS, Duration.ofSeconds(10));
        }
        long wall = (System.nanoTime() - started) / 1_000_000;

        long worstExtraGapMs = 0;
        for (int l = 0; l < ears.size(); l++) {
            List<long[]> heard = List.copyOf(ears.get(l).heard);
            assertThat(heard).as("listener %d hears every chunk exactly once", l).hasSize(CHUNKS);
            for (int i = 0; i < heard.size(); i++) {
                assertThat(heard.get(i)[0]).as("listener %d chunk %d in order", l, i).isEqualTo(heard.get(0)[0] + i);
            }
            for (int i = 1; i < heard.size(); i++) {
                long arrivalGap = heard.get(i)[1] - heard.get(i - 1)[1];
                long sendGap = sentAt[i] - sentAt[i - 1];
                worstExtraGapMs = Math.max(worstExtraGapMs, (arrivalGap - sendGap) / 1_000_000);
            }
            assertThat(events.get(l).events(LecternEvent.ConnectionRefreshed.class)).as("listener %d refreshed", l)
                    .hasSizeGreaterThanOrEqualTo(10);
            assertThat(events.get(l).events(LecternEvent.AudioGap.class)).isEmpty();
            assertThat(events.get(l).events(LecternEvent.Disconnected.class)).isEmpty();
        }
        int speakerRefreshes = speakerEvents.events(LecternEvent.ConnectionRefreshed.class).size();
        assertThat(speakerRefreshes).isGreaterThanOrEqualTo(10);
        assertThat(speaker.counters().sent()).isEqualTo(CHUNKS);
        assertThat(gateway.chunksReceived(id)).isEqualTo(CHUNKS);
        // The count never drops below the three listeners; during an overlap both connections count.
        assertThat(countSamples).allSatisfy(c -> assertThat(c).isBetween(3, 6));
        awaitCount(id, 3, Duration.ofSeconds(5));
        System.out.printf("E2E refresh: chunks=%d listeners=3 wall=%d ms speaker-refreshes=%d listener-refreshes=%s "
                        + "worst-extra-gap=%d ms (limit %d ms) count-samples=%d min=%d max=%d%n",
                CHUNKS, wall, speakerRefreshes,
                events.stream().map(e -> e.events(LecternEvent.ConnectionRefreshed.class).size()).toList(),
                worstExtraGapMs, MAX_EXTRA_GAP_MS, countSamples.size(),
                countSamples.stream().mapToInt(Integer::intValue).min().orElse(-1),
                countSamples.stream().mapToInt(Integer::intValue).max().orElse(-1));
        // A refresh that waited on a timeout or lost the overlap would show as seconds of silence; a scheduling
        // hiccup on a shared machine is far less. The measured figure is in docs/reliability.md.
        assertThat(worstExtraGapMs).as("longest extra gap between chunks, refreshes included").isLessThanOrEqualTo(MAX_EXTRA_GAP_MS);
        speaker.close();
        for (int l = 0; l < listeners.size(); l++) {
            assertThat(listeners.get(l).terminated().toCompletableFuture().get(10, TimeUnit.SECONDS)).isEqualTo(EndReason.SESSION_ENDED);
            assertThat(events.get(l).events(LecternEvent.SessionEnded.class)).hasSize(1);
        }
        assertThat(speaker.terminated().toCompletableFuture().get(10, TimeUnit.SECONDS)).isEqualTo(EndReason.ENDED_BY_USER);
    }

    static void awaitSize(Ear ear, int size, Duration timeout) {
        await().atMost(timeout).until(() -> ear.heard.size() >= size);
    }

    void awaitCount(SessionId id, int expected, Duration timeout) {
        await().atMost(timeout).until(() -> gateway.listenerCount(id) == expected);
    }
}
