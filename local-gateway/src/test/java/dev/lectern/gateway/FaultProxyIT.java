package dev.lectern.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.lectern.client.ListenerClient;
import dev.lectern.client.SpeakerClient;
import dev.lectern.domain.AudioChunk;
import dev.lectern.domain.event.LecternEvent;
import dev.lectern.domain.session.SessionSettings;
import dev.lectern.port.AudioSink;
import dev.lectern.testing.FaultProxy;
import dev.lectern.testing.RecordingListener;
import java.net.URI;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** What only the network can do: a blackhole, a thin pipe, a reset in the middle of a frame. */
class FaultProxyIT {
    LocalGateway gateway;
    URI endpoint;
    FaultProxy proxy;
    SpeakerClient speaker;
    String id;
    ScheduledExecutorService talk;
    final SessionSettings protocol = SessionSettings.ofDefaults();

    @BeforeEach
    void start() throws Exception {
        gateway = LocalGateway.builder().settings(Fixtures.gateway().refreshAfter(Duration.ofMinutes(100))
                .warnAfter(Duration.ofMinutes(105)).maxConnectionAge(Duration.ofMinutes(120))
                .heartbeatTimeout(Duration.ofSeconds(90)).idleTimeout(Duration.ofMinutes(10)).maxOutboundBytes(256 * 1024).build()).build();
        endpoint = gateway.start();
        proxy = FaultProxy.to(endpoint.getHost(), endpoint.getPort());
        speaker = Fixtures.speaker(endpoint, new RecordingListener(), protocol);
        id = speaker.start().toCompletableFuture().get(10, TimeUnit.SECONDS).value();
        talk = Executors.newSingleThreadScheduledExecutor();
        talk.scheduleWithFixedDelay(() -> speaker.send(AudioChunk.silence(100)), 0, 100, TimeUnit.MILLISECONDS);
    }

    @AfterEach
    void stop() {
        talk.shutdownNow();
        speaker.close();
        proxy.close();
        gateway.close();
    }

    ListenerClient listenerThroughProxy(RecordingListener events) throws Exception {
        ListenerClient l = Fixtures.listener(proxy.uri("ws"), id, "es", events, AudioSink.NONE, protocol);
        l.start().toCompletableFuture().get(10, TimeUnit.SECONDS);
        events.await(LecternEvent.AudioReceived.class, Duration.ofSeconds(5));
        return l;
    }

    @Test
    void blackholeIsNoticedWithinFiveSecondsWhileAudioFlows() throws Exception {
        RecordingListener events = new RecordingListener();
        ListenerClient listener = listenerThroughProxy(events);
        long cut = System.nanoTime();
        proxy.blackhole(true);
        LecternEvent.Disconnected gone = events.await(LecternEvent.Disconnected.class, Duration.ofSeconds(10));
        long ms = (System.nanoTime() - cut) / 1_000_000;
        proxy.blackhole(false);
        events.await(LecternEvent.Reconnected.class, Duration.ofSeconds(10));
        System.out.printf("PROXY blackhole noticed after %d ms (%s)%n", ms, gone.reason());
        assertThat(ms).isLessThanOrEqualTo(5_000);
        listener.close();
    }

    @Test
    void resetInTheMiddleOfAFrameIsADropAndTheListenerComesBack() throws Exception {
        RecordingListener events = new RecordingListener();
        ListenerClient listener = listenerThroughProxy(events);
        proxy.resetMidFrame();
        LecternEvent.Disconnected gone = events.await(LecternEvent.Disconnected.class, Duration.ofSeconds(10));
        long playedBefore = listener.counters().played();
        events.await(LecternEvent.Reconnected.class, Duration.ofSeconds(10));
        LecternEvent.AudioGap gap = events.await(LecternEvent.AudioGap.class, Duration.ofSeconds(10));
        await().atMost(Duration.ofSeconds(5)).until(() -> listener.counters().played() >= playedBefore + 5);
        long missed = Fixtures.assertPlayedInOrderOrReported(events);
        System.out.printf("PROXY reset mid-frame: closed %d (%s), back, gap of %d chunks%n", gone.code(), gone.reason(), gap.chunks());
        assertThat(gone.code()).as("no close frame: abnormal closure").isEqualTo(1006);
        // The frame cut in half is lost; the rest of the hole is the time to reconnect (jitter under 1 s).
        assertThat(gap.chunks()).as("chunks reported missing").isBetween(1L, 20L);
        assertThat(missed).isEqualTo(gap.chunks());
        listener.close();
    }

    @Test
    void aListenerOnAThinPipeFallsBehindWithoutHoldingUpTheOthers() throws Exception {
        RecordingListener thinEvents = new RecordingListener();
        ListenerClient thin = listenerThroughProxy(thinEvents);
        RecordingListener directEvents = new RecordingListener();
        ListenerClient direct = Fixtures.listener(endpoint, id, "es", directEvents, AudioSink.NONE, protocol);
        direct.start().toCompletableFuture().get(10, TimeUnit.SECONDS);
        proxy.limitBandwidth(8_000); // audio needs about 44 000 bytes a second as JSON
        long thinBefore = thin.counters().played();
        long directBefore = direct.counters().played();
        // 15 s of audio through the thin pipe: until the direct listener has played 150 more chunks.
        await().atMost(Duration.ofSeconds(25)).until(() -> direct.counters().played() - directBefore >= 150);
        long thinPlayed = thin.counters().played() - thinBefore;
        long directPlayed = direct.counters().played() - directBefore;
        System.out.printf("PROXY 8 kB/s pipe for 15 s: the thin listener played %d chunks, the direct one %d, with %d gaps and %d disconnects%n",
                thinPlayed, directPlayed, directEvents.events(LecternEvent.AudioGap.class).size(),
                directEvents.events(LecternEvent.Disconnected.class).size());
        assertThat(thinPlayed).as("the thin one falls behind").isLessThan(directPlayed / 2);
        assertThat(directEvents.events(LecternEvent.AudioGap.class)).isEmpty();
        assertThat(directEvents.events(LecternEvent.Disconnected.class)).isEmpty();
        thin.close();
        direct.close();
    }
}
