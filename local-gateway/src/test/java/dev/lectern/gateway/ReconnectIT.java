package dev.lectern.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.lectern.client.ListenerClient;
import dev.lectern.client.ListenerConfig;
import dev.lectern.client.SpeakerClient;
import dev.lectern.client.SpeakerConfig;
import dev.lectern.domain.AudioChunk;
import dev.lectern.domain.Role;
import dev.lectern.domain.event.DropReason;
import dev.lectern.domain.event.LecternEvent;
import dev.lectern.domain.retry.BackoffPolicy;
import dev.lectern.domain.session.EndReason;
import dev.lectern.domain.session.SessionSettings;
import dev.lectern.jetty.JettyTransport;
import dev.lectern.port.AudioSink;
import dev.lectern.testing.FixedTokenProvider;
import dev.lectern.testing.RecordingListener;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Drops, refusals and a restart of the gateway, on real sockets. */
class ReconnectIT {
    static final Duration WAIT = Duration.ofSeconds(15);
    LocalGateway gateway;
    URI endpoint;
    ScheduledExecutorService talk;

    @BeforeEach
    void start() throws Exception {
        gateway = LocalGateway.builder().settings(Fixtures.gateway().refreshAfter(Duration.ofMinutes(100))
                .warnAfter(Duration.ofMinutes(105)).maxConnectionAge(Duration.ofMinutes(120))
                .heartbeatTimeout(Duration.ofSeconds(30)).speakerGrace(Duration.ofSeconds(30)).build()).build();
        endpoint = gateway.start();
        talk = Executors.newSingleThreadScheduledExecutor();
    }

    @AfterEach
    void stop() {
        talk.shutdownNow();
        gateway.close();
    }

    @Test
    void droppedListenerRetriesWithinASecondAndReportsWhatItMissed() throws Exception {
        SpeakerClient speaker = Fixtures.speaker(endpoint, new RecordingListener(), Fixtures.steady());
        String id = speaker.start().toCompletableFuture().get(10, TimeUnit.SECONDS).value();
        RecordingListener events = new RecordingListener();
        List<Long> heard = Collections.synchronizedList(new ArrayList<>());
        ListenerClient listener = Fixtures.listener(endpoint, id, "es", events, (seq, audio) -> heard.add(seq.value()), Fixtures.steady());
        listener.start().toCompletableFuture().get(10, TimeUnit.SECONDS);
        talk.scheduleWithFixedDelay(() -> speaker.send(AudioChunk.silence(100)), 0, 100, TimeUnit.MILLISECONDS);
        events.await(LecternEvent.AudioReceived.class, WAIT);
        long dropped = System.nanoTime();
        gateway.faults().drop(GatewayFaults.role(Role.LISTENER));
        LecternEvent.Disconnected gone = events.await(LecternEvent.Disconnected.class, WAIT);
        LecternEvent.RetryScheduled retry = events.await(LecternEvent.RetryScheduled.class, WAIT);
        events.await(LecternEvent.Reconnected.class, WAIT);
        long backMs = (System.nanoTime() - dropped) / 1_000_000;
        // Let audio flow a second longer, then check the accounting: every sequence number from the first
        // one played on was either played once, in order, or reported in a gap (none if it was back between
        // two chunks).
        for (int i = 0; i < 10; i++) {
            events.await(LecternEvent.AudioReceived.class, WAIT);
        }
        long missed = Fixtures.assertPlayedInOrderOrReported(events);
        assertThat(gone.code()).isEqualTo(1006);
        assertThat(retry.attempt()).isEqualTo(1);
        assertThat(retry.delay()).as("first attempt within 1 s, jittered").isLessThan(Duration.ofSeconds(1));
        System.out.printf("RECONNECT listener dropped: first retry after %d ms, back after %d ms, %d chunks missed and reported%n",
                retry.delay().toMillis(), backMs, missed);
        speaker.close();
    }

    @Test
    void speakerKeepsCapturingOfflineResumesItsSessionAndListenersMissNothing() throws Exception {
        RecordingListener speakerEvents = new RecordingListener();
        SpeakerClient speaker = Fixtures.speaker(endpoint, speakerEvents, Fixtures.steady());
        String id = speaker.start().toCompletableFuture().get(10, TimeUnit.SECONDS).value();
        RecordingListener events = new RecordingListener();
        List<Long> heard = Collections.synchronizedList(new ArrayList<>());
        Fixtures.listener(endpoint, id, "es", events, (seq, audio) -> heard.add(seq.value()), Fixtures.steady()).start()
                .toCompletableFuture().get(10, TimeUnit.SECONDS);
        gateway.faults().refuseNext(0, 503, Duration.ZERO);
        talk.scheduleWithFixedDelay(() -> speaker.send(AudioChunk.silence(100)), 0, 100, TimeUnit.MILLISECONDS);
        events.await(LecternEvent.AudioReceived.class, WAIT);
        gateway.faults().refuseNext(3, 503, Duration.ZERO); // the speaker stays offline through three refusals
        gateway.faults().drop(GatewayFaults.role(Role.SPEAKER));
        speakerEvents.await(LecternEvent.Disconnected.class, WAIT);
        LecternEvent.Reconnected back = speakerEvents.await(LecternEvent.Reconnected.class, Duration.ofSeconds(30));
        talk.shutdownNow();
        talk.awaitTermination(5, TimeUnit.SECONDS);
        // Every captured chunk reaches the listener, which joined before the first one: queued while offline,
        // flushed in order on resume, so it hears sequence numbers 0 .. captured-1, each once, in order.
        await().atMost(Duration.ofSeconds(10)).until(() -> heard.size() >= speaker.counters().captured());
        long captured = speaker.counters().captured();
        assertThat(List.copyOf(heard)).as("every captured chunk heard once, in order")
                .containsExactlyElementsOf(LongStream.range(0, captured).boxed().toList());
        assertThat(speaker.counters().dropped()).isZero();
        assertThat(events.events(LecternEvent.AudioGap.class)).isEmpty();
        assertThat(back.attempts()).as(events.events().stream().filter(e -> !(e instanceof LecternEvent.AudioReceived)).toList().toString())
                .isEqualTo(4);
        System.out.printf("RECONNECT speaker dropped + 3 refusals: back after %d attempts; captured %d, sent %d, dropped 0, listener heard %d with no gap%n",
                back.attempts(), speaker.counters().captured(), speaker.counters().sent(), heard.size());
        speaker.close();
    }

    @Test
    void speakerWhoseSessionWasLostCreatesANewOneAndListenersOfTheOldOneEnd() throws Exception {
        RecordingListener speakerEvents = new RecordingListener();
        SpeakerClient speaker = Fixtures.speaker(endpoint, speakerEvents, Fixtures.steady());
        String id = speaker.start().toCompletableFuture().get(10, TimeUnit.SECONDS).value();
        RecordingListener events = new RecordingListener();
        ListenerClient listener = Fixtures.listener(endpoint, id, "es", events, AudioSink.NONE, Fixtures.steady());
        listener.start().toCompletableFuture().get(10, TimeUnit.SECONDS);
        gateway.faults().restart();
        LecternEvent.SessionReplaced replaced = speakerEvents.await(LecternEvent.SessionReplaced.class, WAIT);
        assertThat(replaced.previous().value()).isEqualTo(id);
        assertThat(replaced.current().value()).isNotEqualTo(id);
        assertThat(listener.terminated().toCompletableFuture().get(15, TimeUnit.SECONDS))
                .as("the old session is gone (404): for a listener that had joined, that is the session's end")
                .isEqualTo(EndReason.SESSION_ENDED);
        assertThat(events.events(LecternEvent.SessionEnded.class)).singleElement()
                .satisfies(e -> assertThat(e.message()).contains("SESSION_NOT_FOUND"));
        System.out.printf("RECONNECT gateway restart: speaker moved %s -> %s; the listener of the lost session ended %s%n",
                replaced.previous(), replaced.current(), listener.terminated().toCompletableFuture().get());
        speaker.close();
    }

    @Test
    void afterTheRetryBudgetReconnectFailedAndTheClientEndsCleanly() throws Exception {
        SpeakerClient speaker = Fixtures.speaker(endpoint, new RecordingListener(), Fixtures.steady());
        String id = speaker.start().toCompletableFuture().get(10, TimeUnit.SECONDS).value();
        SessionSettings budget = Fixtures.steady().toBuilder()
                .reconnectBackoff(new BackoffPolicy(Duration.ofMillis(100), 2.0, Duration.ofMillis(400), BackoffPolicy.Jitter.FULL, 3)).build();
        RecordingListener events = new RecordingListener();
        ListenerClient listener = ListenerClient.builder(ListenerConfig.builder().sessionId(id).targetLanguage("es").settings(budget).build())
                .transport(JettyTransport.builder(endpoint).build()).listener(events).build();
        listener.start().toCompletableFuture().get(10, TimeUnit.SECONDS);
        gateway.faults().refuseNext(10, 500, Duration.ZERO);
        gateway.faults().drop(GatewayFaults.role(Role.LISTENER));
        LecternEvent.ReconnectFailed failed = events.await(LecternEvent.ReconnectFailed.class, WAIT);
        assertThat(failed.attempts()).isEqualTo(3);
        assertThat(failed.lastError().status()).isEqualTo(500);
        assertThat(events.await(LecternEvent.Closed.class, WAIT).reason()).isEqualTo(EndReason.RETRIES_EXHAUSTED);
        assertThat(events.events(LecternEvent.RetryScheduled.class)).extracting(LecternEvent.RetryScheduled::attempt).containsExactly(1, 2, 3);
        speaker.close();
    }

    @Test
    void queueOverflowWhileOfflineIsReportedAndNothingElseIsLost() throws Exception {
        SessionSettings small = Fixtures.steady().toBuilder().sendQueueCapacity(Duration.ofMillis(500))
                .reconnectBackoff(new BackoffPolicy(Duration.ofSeconds(2), 1.0, Duration.ofSeconds(2), BackoffPolicy.Jitter.NONE, 0)).build();
        RecordingListener speakerEvents = new RecordingListener();
        SpeakerClient speaker = SpeakerClient.builder(SpeakerConfig.builder().sourceLanguage("en").settings(small).build())
                .transport(JettyTransport.builder(endpoint).build()).tokenProvider(FixedTokenProvider.of("alice"))
                .listener(speakerEvents).build();
        speaker.start().toCompletableFuture().get(10, TimeUnit.SECONDS);
        talk.scheduleWithFixedDelay(() -> speaker.send(AudioChunk.silence(100)), 0, 100, TimeUnit.MILLISECONDS);
        gateway.faults().drop(GatewayFaults.role(Role.SPEAKER));
        speakerEvents.await(LecternEvent.Reconnected.class, WAIT); // two seconds offline: 20 chunks, 5 fit the queue
        talk.shutdownNow();
        talk.awaitTermination(5, TimeUnit.SECONDS);
        speaker.close();
        speaker.terminated().toCompletableFuture().get(10, TimeUnit.SECONDS); // every event delivered by now
        long queueFull = speakerEvents.events(LecternEvent.AudioDropped.class).stream()
                .filter(d -> d.reason() == DropReason.QUEUE_FULL).mapToLong(LecternEvent.AudioDropped::chunks).sum();
        long reported = speakerEvents.events(LecternEvent.AudioDropped.class).stream().mapToLong(LecternEvent.AudioDropped::chunks).sum();
        var c = speaker.counters();
        System.out.printf("RECONNECT speaker offline 2 s with a 0.5 s queue: captured %d, sent %d, dropped %d (reported %d, %d of them QUEUE_FULL)%n",
                c.captured(), c.sent(), c.dropped(), reported, queueFull);
        assertThat(queueFull).isPositive();
        assertThat(reported).isEqualTo(c.dropped());
        assertThat(c.captured()).isEqualTo(c.sent() + c.dropped());
    }
}
