package dev.lectern.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lectern.client.ListenerClient;
import dev.lectern.client.SpeakerClient;
import dev.lectern.domain.AudioChunk;
import dev.lectern.domain.Role;
import dev.lectern.domain.event.LecternEvent;
import dev.lectern.domain.session.SessionSettings;
import dev.lectern.port.AudioSink;
import dev.lectern.testing.RecordingListener;
import java.net.URI;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Half-open links (TCP up, nothing through) are noticed in time, at the protocol's heartbeat rate. */
class DeadLinkIT {
    LocalGateway gateway;
    URI endpoint;

    @BeforeEach
    void start() throws Exception {
        gateway = LocalGateway.builder().settings(GatewaySettings.builder().port(0).connectsPerMinute(10_000)
                .joinsPerMinute(10_000).speakerGrace(Duration.ofMinutes(2)).build()).build();
        endpoint = gateway.start();
    }

    @AfterEach
    void stop() {
        gateway.close();
    }

    @Test
    void listenerReceivingAudioNoticesWithinFiveSecondsIdleAndPausedOnesWithinForty() throws Exception {
        // Protocol timings throughout: heartbeat every 30 s, answer due within 10 s.
        SessionSettings protocol = SessionSettings.ofDefaults();
        RecordingListener speakerEvents = new RecordingListener();
        SpeakerClient speaker = Fixtures.speaker(endpoint, speakerEvents, protocol);
        String id = speaker.start().toCompletableFuture().get(10, TimeUnit.SECONDS).value();
        RecordingListener streaming = new RecordingListener();
        ListenerClient hearing = Fixtures.listener(endpoint, id, "es", streaming, AudioSink.NONE, protocol);
        hearing.start().toCompletableFuture().get(10, TimeUnit.SECONDS);

        ScheduledExecutorService talk = Executors.newSingleThreadScheduledExecutor();
        talk.scheduleWithFixedDelay(() -> speaker.send(AudioChunk.silence(100)), 0, 100, TimeUnit.MILLISECONDS);
        streaming.await(LecternEvent.AudioReceived.class, Duration.ofSeconds(5));

        long cut = System.nanoTime();
        assertThat(gateway.faults().halfOpen(GatewayFaults.role(Role.LISTENER))).isEqualTo(1);
        LecternEvent.Disconnected noticed = streaming.await(LecternEvent.Disconnected.class, Duration.ofSeconds(10));
        long streamingMs = (System.nanoTime() - cut) / 1_000_000;
        assertThat(noticed.reason()).contains("audio stopped");
        assertThat(streamingMs).as("a listener receiving audio notices within 5 s").isLessThanOrEqualTo(5_000);
        streaming.await(LecternEvent.Reconnected.class, Duration.ofSeconds(10));
        LecternEvent.AudioGap gap = streaming.await(LecternEvent.AudioGap.class, Duration.ofSeconds(10));

        // Now an idle speaker (no audio) and a listener of a paused broadcast.
        talk.shutdownNow();
        speaker.pause();
        streaming.await(LecternEvent.SessionPaused.class, Duration.ofSeconds(10));
        cut = System.nanoTime();
        assertThat(gateway.faults().halfOpen(GatewayFaults.ALL)).isEqualTo(2);
        LecternEvent.Disconnected speakerNoticed = speakerEvents.await(LecternEvent.Disconnected.class, Duration.ofSeconds(45));
        long speakerMs = (System.nanoTime() - cut) / 1_000_000;
        LecternEvent.Disconnected pausedNoticed = streaming.await(LecternEvent.Disconnected.class, Duration.ofSeconds(45));
        long pausedMs = (System.nanoTime() - cut) / 1_000_000;
        assertThat(speakerMs).as("an idle speaker notices within 40 s").isLessThanOrEqualTo(40_000);
        assertThat(pausedMs).as("a paused listener notices within 40 s").isLessThanOrEqualTo(40_000);
        System.out.printf("DEADLINK streaming-listener=%d ms (limit 5000, gap %s) idle-speaker=%d ms paused-listener=%d ms (limit 40000) reasons: %s / %s%n",
                streamingMs, gap, speakerMs, pausedMs, speakerNoticed.reason(), pausedNoticed.reason());
        hearing.close();
        speaker.close();
    }
}
