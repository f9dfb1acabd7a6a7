package dev.lectern.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lectern.client.ListenerClient;
import dev.lectern.client.SpeakerClient;
import dev.lectern.domain.AudioChunk;
import dev.lectern.domain.SessionId;
import dev.lectern.domain.event.LecternEvent;
import dev.lectern.domain.message.ServerMessage.BroadcastChanged.Kind;
import dev.lectern.domain.session.EndReason;
import dev.lectern.port.AudioSink;
import dev.lectern.testing.RecordingListener;
import java.net.URI;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Pause, resume, mute, language change and the end, over real sockets. */
class ControlsIT {
    static final Duration WAIT = Duration.ofSeconds(10);
    LocalGateway gateway;
    URI endpoint;
    RecordingListener speakerEvents = new RecordingListener();
    SpeakerClient speaker;
    SessionId id;

    @BeforeEach
    void start() throws Exception {
        gateway = LocalGateway.builder().settings(Fixtures.gateway().refreshAfter(Duration.ofMinutes(100))
                .warnAfter(Duration.ofMinutes(105)).maxConnectionAge(Duration.ofMinutes(120)).build()).build();
        endpoint = gateway.start();
        speaker = Fixtures.speaker(endpoint, speakerEvents, Fixtures.steady());
        id = speaker.start().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    @AfterEach
    void stop() throws Exception {
        speaker.close();
        gateway.close();
    }

    @Test
    void pauseResumeAndMuteReachListenersAndTheSpeakerIsAcknowledged() throws Exception {
        RecordingListener events = new RecordingListener();
        Fixtures.listener(endpoint, id.value(), "es", events, AudioSink.NONE, Fixtures.steady()).start().toCompletableFuture().get(10, TimeUnit.SECONDS);
        speaker.pause();
        events.await(LecternEvent.SessionPaused.class, WAIT);
        speakerEvents.await(LecternEvent.SessionPaused.class, WAIT);
        speaker.resume();
        events.await(LecternEvent.SessionResumed.class, WAIT);
        speakerEvents.await(LecternEvent.SessionResumed.class, WAIT);
        speaker.mute();
        assertThat(events.await(LecternEvent.BroadcastChanged.class, WAIT).kind()).isEqualTo(Kind.BROADCAST_MUTED);
        speaker.setVolume(0.5);
        LecternEvent.BroadcastChanged volume = events.await(LecternEvent.BroadcastChanged.class, WAIT);
        assertThat(volume.kind()).isEqualTo(Kind.VOLUME_CHANGED);
        assertThat(volume.volume()).isEqualTo(0.5);
        speaker.requestStatus();
        assertThat(speakerEvents.await(LecternEvent.StatusReceived.class, WAIT).status().listenerCount()).isEqualTo(1);
    }

    @Test
    void languageChangeMovesTheListenerToTheOtherStream() throws Exception {
        RecordingListener events = new RecordingListener();
        ListenerClient listener = Fixtures.listener(endpoint, id.value(), "es", events, AudioSink.NONE, Fixtures.steady());
        listener.start().toCompletableFuture().get(10, TimeUnit.SECONDS);
        listener.changeLanguage("de");
        assertThat(events.await(LecternEvent.LanguageChanged.class, WAIT).language().value()).isEqualTo("de");
        speaker.send(AudioChunk.silence(100));
        events.await(LecternEvent.AudioReceived.class, WAIT);
        assertThat(listener.language().value()).isEqualTo("de");
        assertThat(listener.counters().played()).isEqualTo(1);
    }

    @Test
    void endingTheSessionEndsEveryListenerCleanly() throws Exception {
        RecordingListener events = new RecordingListener();
        ListenerClient listener = Fixtures.listener(endpoint, id.value(), "es", events, AudioSink.NONE, Fixtures.steady());
        listener.start().toCompletableFuture().get(10, TimeUnit.SECONDS);
        speaker.end("that's all");
        assertThat(events.await(LecternEvent.SessionEnded.class, WAIT).message()).isEqualTo("that's all");
        assertThat(events.await(LecternEvent.Closed.class, WAIT).reason()).isEqualTo(EndReason.SESSION_ENDED);
        assertThat(listener.terminated().toCompletableFuture().get(10, TimeUnit.SECONDS)).isEqualTo(EndReason.SESSION_ENDED);
        assertThat(events.events(LecternEvent.RetryScheduled.class)).isEmpty();
    }
}
