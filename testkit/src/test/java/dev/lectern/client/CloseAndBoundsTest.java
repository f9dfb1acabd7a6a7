package dev.lectern.client;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lectern.domain.AudioChunk;
import dev.lectern.domain.SessionId;
import dev.lectern.domain.event.LecternEvent;
import dev.lectern.domain.session.ConnectFailure;
import dev.lectern.domain.session.SessionSettings;
import dev.lectern.domain.session.SessionState;
import dev.lectern.testing.FixedTokenProvider;
import dev.lectern.testing.InMemoryGateway;
import dev.lectern.testing.ManualScheduler;
import dev.lectern.testing.RecordingListener;
import java.time.Duration;
import java.util.concurrent.CompletionStage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** close() from every state, twice, and memory bounds through a long outage, on virtual time. */
class CloseAndBoundsTest {
    final ManualScheduler clock = new ManualScheduler(1_700_000_000_000L);
    final InMemoryGateway gateway = new InMemoryGateway(clock, InMemoryGateway.Settings.ofDefaults()
            .withRefresh(Duration.ofSeconds(30), Duration.ofSeconds(50), Duration.ofSeconds(80)).withSpeakerGrace(Duration.ofHours(1)));

    SpeakerClient speaker(RecordingListener events, SessionSettings settings) {
        return SpeakerClient.builder(SpeakerConfig.builder().sourceLanguage("en").settings(settings).build())
                .transport(gateway.transport()).tokenProvider(FixedTokenProvider.of("alice"))
                .scheduler(clock).eventExecutor(Runnable::run).listener(events).seed(3).build();
    }

    /** Brings a speaker into {@code kind}. */
    SpeakerClient speakerIn(SessionState.Kind kind, RecordingListener events) {
        SessionSettings settings = SessionSettings.builder().refreshAfter(Duration.ofSeconds(30))
                .selfRefreshGrace(Duration.ofSeconds(10)).maxConnectionAge(Duration.ofSeconds(80)).build();
        SpeakerClient speaker = speaker(events, settings);
        CompletionStage<SessionId> created = speaker.start();
        switch (kind) {
            case CONNECTING -> gateway.refuseNext(100, new ConnectFailure(503, "SERVICE_UNAVAILABLE", "down", null));
            case ENDED -> {
                clock.advance(Duration.ofSeconds(1));
                speaker.end("before the test");
            }
            default -> { }
        }
        clock.advance(Duration.ofMillis(500));
        if (kind == SessionState.Kind.PAUSED) {
            speaker.pause();
        } else if (kind == SessionState.Kind.REFRESHING) {
            gateway.refuseNext(100, new ConnectFailure(503, "SERVICE_UNAVAILABLE", "down", null));
            clock.advance(Duration.ofSeconds(30)); // the gateway asks; every candidate is refused, the old link serves on
        }
        clock.runDue();
        assertThat(speaker.state()).as("set up in " + kind).isEqualTo(kind);
        return speaker;
    }

    /** A host may ask for the end as often as it likes: each ask used to hang one more stage on the engine's future. */
    @org.junit.jupiter.api.Test
    void theEndIsOneStageHoweverOftenItIsAskedFor() {
        SpeakerClient speaker = speakerIn(SessionState.Kind.ACTIVE, new RecordingListener());
        java.util.concurrent.CompletionStage<?> first = speaker.terminated();
        for (int i = 0; i < 10_000; i++) {
            assertThat((Object) speaker.terminated()).isSameAs(first);
        }
        assertThat(first.toCompletableFuture().isDone()).isFalse();
        speaker.close();
        clock.advance(Duration.ofSeconds(5));
        assertThat(first.toCompletableFuture().isDone()).isTrue();
    }

    @ParameterizedTest(name = "from {0}")
    @EnumSource(SessionState.Kind.class)
    void closeFromAnyStateTwiceEndsCleanly(SessionState.Kind kind) {
        RecordingListener events = new RecordingListener();
        SpeakerClient speaker = speakerIn(kind, events);
        speaker.close();
        speaker.close();
        clock.advance(Duration.ofSeconds(5));
        assertThat(speaker.terminated().toCompletableFuture().isDone()).isTrue();
        assertThat(events.events(LecternEvent.Closed.class)).hasSize(1);
        assertThat(events.events()).last().isInstanceOf(LecternEvent.Closed.class);
        assertThat(gateway.connections()).isEmpty();
        clock.advance(Duration.ofMinutes(5));
        assertThat(clock.pending()).as("no timer outlives close()").isZero();
    }

    @Test
    void closeFromInsideACallbackEndsCleanly() {
        SpeakerClient[] self = new SpeakerClient[1];
        RecordingListener events = new RecordingListener();
        LecternListener closing = new LecternListener() {
            @Override
            public void onEvent(LecternEvent event) {
                events.onEvent(event);
                if (event instanceof LecternEvent.SessionCreated) {
                    self[0].close();
                    self[0].close();
                }
            }
        };
        self[0] = SpeakerClient.builder(SpeakerConfig.builder().sourceLanguage("en").build())
                .transport(gateway.transport()).tokenProvider(FixedTokenProvider.of("alice"))
                .scheduler(clock).eventExecutor(Runnable::run).listener(closing).build();
        self[0].start();
        clock.advance(Duration.ofSeconds(2));
        assertThat(self[0].terminated().toCompletableFuture().isDone()).isTrue();
        assertThat(events.events(LecternEvent.Closed.class)).hasSize(1);
        assertThat(gateway.connections()).isEmpty();
    }

    @Test
    void tenMinuteOutageKeepsTheQueueAtItsBoundAndReportsEveryDrop() {
        RecordingListener events = new RecordingListener();
        SpeakerClient speaker = speaker(events, SessionSettings.builder()
                .reconnectBackoff(dev.lectern.domain.retry.BackoffPolicy.DEFAULT.withMaxAttempts(0)).build());
        speaker.start();
        clock.advance(Duration.ofSeconds(1));
        gateway.refuseNext(1_000, new ConnectFailure(503, "SERVICE_UNAVAILABLE", "down", null));
        gateway.drop(gateway.connections().get(0));
        int maxQueued = 0;
        for (int i = 0; i < 6_000; i++) { // ten minutes of 100 ms chunks while every reconnect is refused
            speaker.send(AudioChunk.silence(100));
            clock.advance(Duration.ofMillis(100));
            var c = speaker.counters();
            maxQueued = (int) Math.max(maxQueued, c.captured() - c.sent() - c.dropped());
        }
        var c = speaker.counters();
        long reported = events.events(LecternEvent.AudioDropped.class).stream().mapToLong(LecternEvent.AudioDropped::chunks).sum();
        System.out.printf("OUTAGE 10 min virtual: captured %d, sent %d, dropped %d (reported %d), most queued %d chunks = %d s of audio%n",
                c.captured(), c.sent(), c.dropped(), reported, maxQueued, maxQueued / 10);
        assertThat(maxQueued).as("never more than the 30 s queue").isLessThanOrEqualTo(300);
        assertThat(reported).isEqualTo(c.dropped());
        assertThat(c.dropped()).isEqualTo(c.captured() - c.sent() - maxQueued);
        assertThat(speaker.state()).isEqualTo(SessionState.Kind.CONNECTING);
        speaker.close();
    }
}
