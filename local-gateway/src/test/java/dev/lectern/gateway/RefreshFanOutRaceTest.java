package dev.lectern.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lectern.domain.AudioChunk;
import dev.lectern.domain.message.ClientMessage;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A listener's refresh, with a chunk fanned out at the worst moment: after the new connection's first frame has
 * gone out and the client, switched over, has closed the old one, but before the new one took part in fan-out.
 * The chunk must reach the new connection. (Before the fix it reached neither, and a demo under CPU load lost it.)
 */
class RefreshFanOutRaceTest {
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
    private final GatewayCore core = new GatewayCore(GatewaySettings.builder().build(), token -> "speaker-1", Translator.RELAY,
            SessionIdGenerator.withBuiltInWords(new Random(7)), timer, Runnable::run, Clock.systemUTC(), GatewayObserver.NONE);

    @AfterEach
    void stop() {
        timer.shutdownNow();
    }

    @Test
    void aChunkFannedOutWhileTheNewConnectionOpensReachesIt() throws Exception {
        Recorder speakerPeer = new Recorder();
        GatewayConnection speaker = core.accept(Map.of("action", "createSession", "sourceLanguage", "en", "token", "t"),
                null, "127.0.0.1", speakerPeer);
        core.opened(speaker);
        String sessionId = speaker.session.id.value();
        GatewayConnection old = core.accept(Map.of("action", "joinSession", "sessionId", sessionId, "targetLanguage", "es"),
                null, "127.0.0.2", new Recorder());
        core.opened(old);
        String chunk = dev.lectern.jetty.ClientFrameWriter.write(new ClientMessage.SendAudio(speaker.session.id, AudioChunk.silence(100), 1L, 1L));

        Thread[] fanOut = new Thread[1];
        Recorder fresh = new Recorder() {
            @Override
            public void sendText(EncodedText text, Consumer<Throwable> done) {
                super.sendText(text, done);
                if (fanOut[0] == null) { // the first frame: the client switches over and closes the old connection,
                    core.closed(old, 1000, "Connection refresh");
                    fanOut[0] = new Thread(() -> core.received(speaker, chunk), "fan-out"); // and a chunk comes in
                    fanOut[0].start();
                    awaitBlockedOrDone(fanOut[0]); // it runs to its end unless opening keeps it out
                }
            }
        };
        GatewayConnection refreshed = core.accept(Map.of("action", "refreshConnection", "sessionId", sessionId, "role", "listener",
                "targetLanguage", "es"), null, "127.0.0.2", fresh);
        core.opened(refreshed);
        fanOut[0].join(Duration.ofSeconds(10).toMillis());

        assertThat(fanOut[0].isAlive()).isFalse();
        assertThat(fresh.texts).hasSize(2);
        assertThat(fresh.texts.get(0)).contains("connectionRefreshComplete");
        assertThat(fresh.texts.get(1)).as("the chunk, on the new connection").contains("\"sequenceNumber\":0");
    }

    private static void awaitBlockedOrDone(Thread thread) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (thread.getState() != Thread.State.BLOCKED && thread.getState() != Thread.State.TERMINATED
                && System.nanoTime() < deadline) {
            Thread.onSpinWait();
        }
    }

    /** A peer that keeps what was sent to it. */
    static class Recorder implements Peer {
        final List<String> texts = new CopyOnWriteArrayList<>();

        @Override
        public void sendText(EncodedText text, Consumer<Throwable> done) {
            texts.add(text.text());
            done.accept(null);
        }

        @Override
        public void close(int code, String reason) {}

        @Override
        public void disconnect() {}
    }
}
