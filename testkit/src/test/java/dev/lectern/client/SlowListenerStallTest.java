package dev.lectern.client;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lectern.domain.AudioChunk;
import dev.lectern.domain.SessionId;
import dev.lectern.domain.event.LecternEvent;
import dev.lectern.testing.FixedTokenProvider;
import dev.lectern.testing.InMemoryGateway;
import dev.lectern.testing.RealTimeGateway;
import dev.lectern.testing.RecordingListener;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Host listeners that block, on the threads clients share: as many blocked as there are event threads,
 * and another client's events still arrive; a blocked listener's waiting events stay bounded, its audio
 * events dropped and counted first; once released, everyone ends.
 */
class SlowListenerStallTest {
    @Test
    void blockedListenersDelayOnlyTheirOwnClientsAndTheirQueuesStayBounded() throws Exception {
        try (RealTimeGateway kit = RealTimeGateway.start(InMemoryGateway.Settings.ofDefaults())) {
            SpeakerClient speaker = SpeakerClient.builder(SpeakerConfig.builder().sourceLanguage("en").build())
                    .transport(kit.transport()).tokenProvider(FixedTokenProvider.of("alice")).build();
            SessionId id = speaker.start().toCompletableFuture().get(10, TimeUnit.SECONDS);
            CountDownLatch release = new CountDownLatch(1);
            int blocked = Math.max(2, Runtime.getRuntime().availableProcessors()) + 1; // every base event thread, and one more
            CountDownLatch allBlocked = new CountDownLatch(blocked);
            List<ListenerClient> stuck = new ArrayList<>();
            for (int i = 0; i < blocked; i++) {
                LecternListener blocking = new LecternListener() {
                    boolean first = true;

                    @Override
                    public void onEvent(LecternEvent event) {
                        if (first) {
                            first = false;
                            allBlocked.countDown();
                            try {
                                release.await(60, TimeUnit.SECONDS); // a host that blocks in its callback
                            } catch (InterruptedException e) {
                                Thread.currentThread().interrupt();
                            }
                        }
                    }
                };
                ListenerClient l = ListenerClient.builder(ListenerConfig.builder().sessionId(id.value()).targetLanguage("es").build())
                        .transport(kit.transport()).listener(blocking).build();
                l.start();
                stuck.add(l);
            }
            assertThat(allBlocked.await(20, TimeUnit.SECONDS)).as("every blocking listener got its first event").isTrue();

            RecordingListener free = new RecordingListener();
            ListenerClient other = ListenerClient.builder(ListenerConfig.builder().sessionId(id.value()).targetLanguage("de").build())
                    .transport(kit.transport()).listener(free).build();
            other.start();
            free.await(LecternEvent.SessionJoined.class, Duration.ofSeconds(10));
            for (int i = 0; i < 1_500; i++) {
                speaker.send(AudioChunk.silence(100));
            }
            free.await(LecternEvent.AudioReceived.class, Duration.ofSeconds(10));

            org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> stuck.get(0).counters().played() >= 1_500);
            assertThat(stuck.get(0).eventsDropped()).as("over the bound, audio events dropped and counted").isPositive();

            release.countDown();
            speaker.close();
            for (ListenerClient l : stuck) {
                l.terminated().toCompletableFuture().get(20, TimeUnit.SECONDS);
            }
            other.terminated().toCompletableFuture().get(20, TimeUnit.SECONDS);
        }
    }
}
