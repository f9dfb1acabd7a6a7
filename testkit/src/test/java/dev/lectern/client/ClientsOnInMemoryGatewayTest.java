package dev.lectern.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lectern.domain.AudioChunk;
import dev.lectern.domain.SequenceNumber;
import dev.lectern.domain.SessionId;
import dev.lectern.domain.event.LecternEvent;
import dev.lectern.domain.session.ConnectFailure;
import dev.lectern.domain.session.EndReason;
import dev.lectern.domain.session.SessionSettings;
import dev.lectern.domain.session.SessionState;
import dev.lectern.port.AudioSink;
import dev.lectern.testing.FixedTokenProvider;
import dev.lectern.testing.InMemoryGateway;
import dev.lectern.testing.ManualScheduler;
import dev.lectern.testing.RecordingListener;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import org.junit.jupiter.api.Test;

/** The public clients end to end on the shipped test kit: virtual time, in-memory gateway. */
class ClientsOnInMemoryGatewayTest {
    final ManualScheduler clock = new ManualScheduler(1_700_000_000_000L);
    final InMemoryGateway gateway = new InMemoryGateway(clock, InMemoryGateway.Settings.ofDefaults()
            .withRefresh(Duration.ofSeconds(3), Duration.ofSeconds(5), Duration.ofSeconds(8)));
    final SessionSettings shrunk = SessionSettings.builder()
            .heartbeatInterval(Duration.ofSeconds(1)).heartbeatAckTimeout(Duration.ofMillis(500))
            .silenceTimeout(Duration.ofSeconds(3)).refreshAfter(Duration.ofSeconds(3))
            .selfRefreshGrace(Duration.ofSeconds(1)).maxConnectionAge(Duration.ofSeconds(8)).build();
    final RecordingListener speakerEvents = new RecordingListener();

    SpeakerClient speaker() {
        return SpeakerClient.builder(SpeakerConfig.builder().sourceLanguage("en").settings(shrunk).build())
                .transport(gateway.transport()).tokenProvider(FixedTokenProvider.of("alice"))
                .scheduler(clock).eventExecutor(Runnable::run).listener(speakerEvents).seed(1).build();
    }

    ListenerClient listener(SessionId id, String language, RecordingListener events, AudioSink sink) {
        return ListenerClient.builder(ListenerConfig.builder().sessionId(id.value()).targetLanguage(language)
                        .settings(shrunk).build())
                .transport(gateway.transport()).audioSink(sink).scheduler(clock).eventExecutor(Runnable::run)
                .listener(events).seed(2).build();
    }

    @Test
    void listenerHearsEveryChunkInOrderAcrossRefreshesAndTheSessionEndsCleanly() {
        SpeakerClient speaker = speaker();
        CompletionStage<SessionId> created = speaker.start();
        clock.advance(Duration.ofMillis(200));
        SessionId id = created.toCompletableFuture().join();

        RecordingListener events = new RecordingListener();
        List<Long> sunk = new ArrayList<>();
        ListenerClient listener = listener(id, "es", events, (seq, audio) -> sunk.add(seq.value()));
        listener.start();
        clock.advance(Duration.ofMillis(200));

        for (int i = 0; i < 300; i++) { // 30 s of audio, through several 3-second refreshes
            speaker.send(AudioChunk.silence(100));
            clock.advance(Duration.ofMillis(100));
        }
        clock.advance(Duration.ofSeconds(1));
        speaker.end("done");
        clock.advance(Duration.ofSeconds(1));

        assertThat(sunk).hasSize(300);
        for (int i = 0; i < sunk.size(); i++) {
            assertThat(sunk.get(i)).isEqualTo(i);
        }
        assertThat(events.events(LecternEvent.ConnectionRefreshed.class)).hasSizeGreaterThanOrEqualTo(5);
        assertThat(speakerEvents.events(LecternEvent.ConnectionRefreshed.class)).hasSizeGreaterThanOrEqualTo(5);
        assertThat(events.events(LecternEvent.AudioGap.class)).isEmpty();
        assertThat(events.events(LecternEvent.SessionEnded.class)).hasSize(1);
        assertThat(events.events()).last().isEqualTo(new LecternEvent.Closed(EndReason.SESSION_ENDED));
        assertThat(speaker.terminated().toCompletableFuture().join()).isEqualTo(EndReason.ENDED_BY_USER);
        assertThat(gateway.connections()).isEmpty();
        assertThat(clock.pending()).isZero();
    }

    @Test
    void speakerPauseAndResumeReachListeners() {
        SpeakerClient speaker = speaker();
        CompletionStage<SessionId> created = speaker.start();
        clock.advance(Duration.ofMillis(200));
        RecordingListener events = new RecordingListener();
        listener(created.toCompletableFuture().join(), "de", events, AudioSink.NONE).start();
        clock.advance(Duration.ofMillis(200));
        speaker.pause();
        clock.advance(Duration.ofMillis(200));
        speaker.send(AudioChunk.silence(100));
        speaker.resume();
        clock.advance(Duration.ofMillis(200));
        assertThat(events.events(LecternEvent.SessionPaused.class)).hasSize(1);
        assertThat(events.events(LecternEvent.SessionResumed.class)).hasSize(1);
        assertThat(speakerEvents.events(LecternEvent.SessionPaused.class)).hasSize(1);
        assertThat(speakerEvents.events(LecternEvent.AudioDropped.class)).singleElement()
                .satisfies(d -> assertThat(d.chunks()).isEqualTo(1));
    }

    @Test
    void languageChangeIsConfirmedBeforeItCounts() {
        SpeakerClient speaker = speaker();
        CompletionStage<SessionId> created = speaker.start();
        clock.advance(Duration.ofMillis(200));
        RecordingListener events = new RecordingListener();
        ListenerClient listener = listener(created.toCompletableFuture().join(), "es", events, AudioSink.NONE);
        listener.start();
        clock.advance(Duration.ofMillis(200));
        listener.changeLanguage("FR");
        assertThat(listener.language().value()).isEqualTo("es");
        clock.advance(Duration.ofMillis(200));
        assertThat(listener.language().value()).isEqualTo("fr");
        assertThat(events.events(LecternEvent.LanguageChanged.class)).hasSize(1);
    }

    @Test
    void unknownSessionFailsTheJoinWithItsStatusAndCode() {
        RecordingListener events = new RecordingListener();
        ListenerClient listener = listener(SessionId.of("silent-owl-123"), "es", events, AudioSink.NONE);
        CompletionStage<LecternEvent.SessionJoined> joined = listener.start();
        clock.advance(Duration.ofSeconds(1));
        assertThatThrownBy(() -> joined.toCompletableFuture().join()).isInstanceOf(CompletionException.class)
                .cause().isInstanceOfSatisfying(LecternException.class, e -> {
                    assertThat(e.error().status()).isEqualTo(404);
                    assertThat(e.error().code()).isEqualTo("SESSION_NOT_FOUND");
                    assertThat(e.endReason()).isEqualTo(EndReason.PERMANENT_ERROR);
                });
        assertThat(events.events(LecternEvent.RetryScheduled.class)).isEmpty();
    }

    @Test
    void refusedConnectsAreRetriedWithBackoffThenTheClientGetsIn() {
        gateway.refuseNext(2, new ConnectFailure(503, "SERVICE_UNAVAILABLE", "busy", null));
        SpeakerClient speaker = speaker();
        CompletionStage<SessionId> created = speaker.start();
        clock.advance(Duration.ofSeconds(5));
        assertThat(created.toCompletableFuture().join()).isNotNull();
        assertThat(speakerEvents.events(LecternEvent.RetryScheduled.class)).extracting(LecternEvent.RetryScheduled::attempt)
                .containsExactly(1, 2);
    }

    @Test
    void droppedListenerRejoinsAndReportsWhatItMissed() {
        SpeakerClient speaker = speaker();
        CompletionStage<SessionId> created = speaker.start();
        clock.advance(Duration.ofMillis(200));
        RecordingListener events = new RecordingListener();
        ListenerClient listener = listener(created.toCompletableFuture().join(), "es", events, AudioSink.NONE);
        listener.start();
        clock.advance(Duration.ofMillis(200));
        for (int i = 0; i < 10; i++) {
            speaker.send(AudioChunk.silence(100));
            clock.advance(Duration.ofMillis(100));
        }
        gateway.connections().stream().filter(c -> c.role() == dev.lectern.domain.Role.LISTENER).forEach(gateway::drop);
        for (int i = 0; i < 30; i++) {
            speaker.send(AudioChunk.silence(100));
            clock.advance(Duration.ofMillis(100));
        }
        clock.advance(Duration.ofSeconds(2));
        List<LecternEvent.AudioGap> gaps = events.events(LecternEvent.AudioGap.class);
        assertThat(events.events(LecternEvent.Reconnected.class)).hasSize(1);
        assertThat(gaps).isNotEmpty();
        assertThat(gaps.get(0).from()).isEqualTo(SequenceNumber.of(10));
        long played = listener.counters().played();
        long missed = gaps.stream().mapToLong(LecternEvent.AudioGap::chunks).sum();
        assertThat(played + missed).isEqualTo(40);
        assertThat(listener.state()).isEqualTo(SessionState.Kind.ACTIVE);
    }

    @Test
    void aThrowingListenerIsIsolated() {
        LecternListener throwing = new LecternListener() {
            @Override
            public void onSessionCreated(LecternEvent.SessionCreated event) {
                throw new IllegalStateException("host bug");
            }
        };
        SpeakerClient speaker = SpeakerClient.builder(SpeakerConfig.builder().sourceLanguage("en").settings(shrunk).build())
                .transport(gateway.transport()).tokenProvider(FixedTokenProvider.of("alice"))
                .scheduler(clock).eventExecutor(Runnable::run).listener(throwing).seed(1).build();
        CompletionStage<SessionId> created = speaker.start();
        clock.advance(Duration.ofMillis(200));
        speaker.send(AudioChunk.silence(100));
        clock.advance(Duration.ofMillis(200));
        assertThat(created.toCompletableFuture().join()).isNotNull();
        assertThat(speaker.counters().sent()).isEqualTo(1);
    }

    @Test
    void closeIsIdempotentAndAfterItNothingIsTakenOrTold() {
        SpeakerClient speaker = speaker();
        speaker.start();
        clock.advance(Duration.ofMillis(200));
        speaker.close();
        speaker.close();
        clock.advance(Duration.ofSeconds(1));
        int told = speakerEvents.events().size();
        assertThat(speaker.send(AudioChunk.silence(100))).isFalse();
        speaker.close();
        clock.advance(Duration.ofSeconds(30));
        assertThat(speakerEvents.events()).hasSize(told);
        assertThat(speakerEvents.events(LecternEvent.Closed.class)).hasSize(1);
        assertThat(gateway.connections()).isEmpty();
        assertThat(clock.pending()).isZero();
    }

    @Test
    void oversizedChunkIsRefusedBeforeAnythingIsSent() {
        SpeakerClient speaker = speaker();
        assertThatThrownBy(() -> speaker.send(AudioChunk.of(new byte[16_002])))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("chunk.size").hasMessageContaining("16002");
    }

    @Test
    void configValidationNamesFieldAndValue() {
        assertThatThrownBy(() -> ListenerConfig.builder().sessionId("not an id").targetLanguage("es").build())
                .hasMessageContaining("sessionId").hasMessageContaining("'not an id'");
        assertThatThrownBy(() -> SpeakerConfig.builder().build()).hasMessageContaining("sourceLanguage");
        assertThatThrownBy(() -> SpeakerConfig.builder().sourceLanguage("en").minStability(0.99).build())
                .hasMessageContaining("minStability").hasMessageContaining("0.99");
    }

    @Test
    void aHostCannotCompleteTheClientsFuturesForIt() {
        SpeakerClient speaker = speaker();
        CompletionStage<SessionId> created = speaker.start();
        created.toCompletableFuture().complete(SessionId.of("forged-name-123"));
        speaker.terminated().toCompletableFuture().complete(EndReason.PERMANENT_ERROR);
        clock.advance(Duration.ofMillis(200));
        SessionId id = created.toCompletableFuture().join();
        assertThat(id.value()).isNotEqualTo("forged-name-123");
        assertThat(speaker.terminated().toCompletableFuture().isDone()).isFalse();
        assertThat(speaker.send(AudioChunk.silence(100))).as("still taking audio").isTrue();
        speaker.close();
        clock.advance(Duration.ofSeconds(1));
        assertThat(speaker.terminated().toCompletableFuture().join()).isEqualTo(EndReason.ENDED_BY_USER);
    }
}
