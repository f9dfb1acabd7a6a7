package dev.lectern.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lectern.client.ListenerClient;
import dev.lectern.client.SpeakerClient;
import dev.lectern.domain.Role;
import dev.lectern.domain.event.LecternEvent;
import dev.lectern.domain.session.SessionSettings;
import dev.lectern.port.AudioSink;
import dev.lectern.testing.RecordingListener;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** 200 listeners dropped at once come back spread over the backoff window, not in one burst. */
class StormIT {
    static final int LISTENERS = 200;

    @Test
    void reconnectsAreSpreadOverTheJitterWindow() throws Exception {
        SessionSettings protocol = SessionSettings.ofDefaults();
        List<Long> attempts = new java.util.concurrent.CopyOnWriteArrayList<>();
        try (LocalGateway gateway = LocalGateway.builder().settings(Fixtures.gateway().refreshAfter(Duration.ofMinutes(100))
                .warnAfter(Duration.ofMinutes(105)).maxConnectionAge(Duration.ofMinutes(120))
                .heartbeatTimeout(Duration.ofSeconds(60)).build()).observer(new GatewayObserver() {
                    @Override
                    public void connectAttempt(long epochMillis) {
                        attempts.add(epochMillis);
                    }
                }).build()) {
            URI endpoint = gateway.start();
            SpeakerClient speaker = Fixtures.speaker(endpoint, new RecordingListener(), protocol);
            String id = speaker.start().toCompletableFuture().get(10, TimeUnit.SECONDS).value();
            List<ListenerClient> listeners = new ArrayList<>();
            List<RecordingListener> events = new ArrayList<>();
            List<CompletableFuture<?>> joined = new ArrayList<>();
            for (int i = 0; i < LISTENERS; i++) {
                RecordingListener e = new RecordingListener();
                ListenerClient l = Fixtures.listener(endpoint, id, "es", e, AudioSink.NONE, protocol);
                events.add(e);
                listeners.add(l);
                joined.add(l.start().toCompletableFuture());
            }
            CompletableFuture.allOf(joined.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
            int before = attempts.size();
            long dropped = System.currentTimeMillis();
            assertThat(gateway.faults().drop(GatewayFaults.role(Role.LISTENER))).isEqualTo(LISTENERS);
            for (RecordingListener e : events) {
                e.await(LecternEvent.Reconnected.class, Duration.ofSeconds(20));
            }
            List<Long> rejoins = attempts.subList(before, attempts.size());
            int[] buckets = new int[12]; // 100 ms each, the last one for anything later
            for (long t : rejoins) {
                buckets[(int) Math.min(buckets.length - 1, Math.max(0, (t - dropped) / 100))]++;
            }
            int busiest = 0;
            int used = 0;
            for (int b : buckets) {
                busiest = Math.max(busiest, b);
                used += b > 0 ? 1 : 0;
            }
            StringBuilder histogram = new StringBuilder();
            for (int i = 0; i < buckets.length; i++) {
                histogram.append(String.format("%n  %4d-%4d ms %3d %s", i * 100, i == buckets.length - 1 ? 9999 : (i + 1) * 100,
                        buckets[i], "#".repeat(buckets[i] / 2)));
            }
            System.out.printf("STORM %d listeners dropped at once; first reconnect attempts reaching the gateway:%s%n"
                            + "STORM slots used %d of 11 in the first 1.1 s, busiest %d (%.1f %%), later %d%n",
                    LISTENERS, histogram, used - (buckets[buckets.length - 1] > 0 ? 1 : 0), busiest, 100.0 * busiest / LISTENERS,
                    buckets[buckets.length - 1]);
            assertThat(rejoins).as("each listener came back with one attempt").hasSize(LISTENERS);
            assertThat(used).as("spread over the 1 s jitter window").isGreaterThanOrEqualTo(8);
            assertThat(busiest).as("no burst: no 100 ms slot takes more than a quarter").isLessThanOrEqualTo(LISTENERS / 4);
            assertThat(buckets[buckets.length - 1]).as("all within the first attempt's window (plus connect time)").isLessThanOrEqualTo(LISTENERS / 20);
            speaker.close();
            for (ListenerClient l : listeners) {
                l.terminated().toCompletableFuture().get(30, TimeUnit.SECONDS);
            }
        }
    }
}
