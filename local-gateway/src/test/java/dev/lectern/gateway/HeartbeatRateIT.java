package dev.lectern.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lectern.client.SpeakerClient;
import dev.lectern.domain.AudioChunk;
import dev.lectern.domain.session.SessionSettings;
import dev.lectern.port.AudioSink;
import dev.lectern.testing.RecordingListener;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The service allows two heartbeats a minute per connection (one every 30 s). Shrunk to a 1 s interval,
 * the same rule is two per 2 s: checked at the gateway on every connection of a streaming speaker, a
 * listener hearing audio and a listener whose audio keeps stopping (each stop sends a probe).
 */
class HeartbeatRateIT {

    @Test
    void noConnectionSendsThreeHeartbeatsWithinOneWindow() throws Exception {
        SessionSettings fast = SessionSettings.builder().heartbeatInterval(Duration.ofSeconds(1))
                .heartbeatAckTimeout(Duration.ofMillis(900)).silenceTimeout(Duration.ofSeconds(5))
                .audioStallTimeout(Duration.ofMillis(400)).probeAckTimeout(Duration.ofMillis(900)).build();
        try (LocalGateway gateway = LocalGateway.builder().settings(Fixtures.gateway().refreshAfter(Duration.ofMinutes(100))
                .warnAfter(Duration.ofMinutes(105)).maxConnectionAge(Duration.ofMinutes(120)).build()).build()) {
            URI endpoint = gateway.start();
            SpeakerClient speaker = Fixtures.speaker(endpoint, new RecordingListener(), fast);
            String id = speaker.start().toCompletableFuture().get(10, TimeUnit.SECONDS).value();
            Fixtures.listener(endpoint, id, "es", new RecordingListener(), AudioSink.NONE, fast).start()
                    .toCompletableFuture().get(10, TimeUnit.SECONDS);
            ScheduledExecutorService talk = Executors.newSingleThreadScheduledExecutor();
            // Bursts of speech with silences between: every silence makes the listener probe.
            long started = System.currentTimeMillis();
            talk.scheduleWithFixedDelay(() -> {
                long t = (System.currentTimeMillis() - started) % 1500;
                if (t < 900) {
                    speaker.send(AudioChunk.silence(100));
                }
            }, 0, 100, TimeUnit.MILLISECONDS);
            Object monitor = new Object();
            long until = started + 12_000;
            synchronized (monitor) {
                while (System.currentTimeMillis() < until) {
                    monitor.wait(until - System.currentTimeMillis());
                }
            }
            talk.shutdownNow();
            List<List<Long>> times = gateway.faults().heartbeatTimes();
            long window = 2 * fast.heartbeatInterval().toMillis();
            long tightest = Long.MAX_VALUE;
            int total = 0;
            for (List<Long> t : times) {
                total += t.size();
                for (int i = 2; i < t.size(); i++) {
                    tightest = Math.min(tightest, t.get(i) - t.get(i - 2));
                }
            }
            System.out.printf("HEARTBEATS %d over %d connections in 12 s; tightest span of three consecutive: %d ms (window %d ms)%n",
                    total, times.size(), tightest, window);
            assertThat(total).as("enough heartbeats to mean something").isGreaterThanOrEqualTo(10);
            // Measured where the heartbeats arrive: allow a quarter second of delivery jitter on a loaded machine.
            assertThat(tightest).isNotEqualTo(Long.MAX_VALUE).isGreaterThanOrEqualTo(window - 250);
            speaker.close();
        }
    }
}
