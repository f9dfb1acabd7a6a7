package dev.lectern.client;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lectern.domain.AudioChunk;
import dev.lectern.domain.SequenceNumber;
import dev.lectern.domain.SessionId;
import dev.lectern.domain.event.LecternEvent;
import dev.lectern.domain.session.EndReason;
import dev.lectern.port.AudioSink;
import dev.lectern.port.AudioSinkException;
import dev.lectern.testing.FixedTokenProvider;
import dev.lectern.testing.InMemoryGateway;
import dev.lectern.testing.ManualScheduler;
import dev.lectern.testing.RecordingListener;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** A sink that can no longer play (a full disk) ends the listener with SINK_FAILED and its reason, once, on virtual time. */
class FailingSinkEdgeTest {
    @Test
    void aSinkThatFailsEndsTheListenerWithItsReasonAndGetsNothingMore() {
        ManualScheduler clock = new ManualScheduler(1_700_000_000_000L);
        InMemoryGateway gateway = new InMemoryGateway(clock, InMemoryGateway.Settings.ofDefaults());
        SpeakerClient speaker = SpeakerClient.builder(SpeakerConfig.builder().sourceLanguage("en").build())
                .transport(gateway.transport()).tokenProvider(FixedTokenProvider.of("alice")).scheduler(clock).eventExecutor(Runnable::run).build();
        var created = speaker.start();
        clock.advance(Duration.ofSeconds(1));
        SessionId id = created.toCompletableFuture().join();

        AtomicInteger plays = new AtomicInteger();
        AudioSink diskFull = (SequenceNumber sequence, AudioChunk audio) -> {
            if (plays.incrementAndGet() > 3) {
                throw new AudioSinkException("cannot write heard.wav: No space left on device", null);
            }
        };
        RecordingListener events = new RecordingListener();
        ListenerClient listener = ListenerClient.builder(ListenerConfig.builder().sessionId(id.value()).targetLanguage("es").build())
                .transport(gateway.transport()).audioSink(diskFull).scheduler(clock).eventExecutor(Runnable::run).listener(events).build();
        listener.start();
        clock.advance(Duration.ofSeconds(1));
        for (int i = 0; i < 20; i++) {
            speaker.send(AudioChunk.silence(100));
            clock.advance(Duration.ofMillis(100));
        }

        assertThat(listener.terminated().toCompletableFuture().join()).isEqualTo(EndReason.SINK_FAILED);
        assertThat(events.events(LecternEvent.Error.class)).singleElement().satisfies(e -> {
            assertThat(e.error().code()).isEqualTo("SINK_FAILED");
            assertThat(e.error().message()).contains("heard.wav").contains("No space left on device");
        });
        assertThat(plays).as("the failing play, and nothing after it").hasValue(4);
        assertThat(speaker.state()).as("the session goes on for others").isNotEqualTo(dev.lectern.domain.session.SessionState.Kind.ENDED);
    }
}
