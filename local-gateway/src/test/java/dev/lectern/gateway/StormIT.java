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
            // What each client drew (the behaviour under test) and when its attempt reached the gateway (which
            // adds connect time on a loaded machine).
            int[] drawn = histogram(events.stream().map(e -> e.events(LecternEvent.RetryScheduled.class).get(0).delay().toMillis()).toList(), 0);
            int[] arrived = histogram(rejoins, dropped);
            System.out.printf("STORM %d listeners dropped at once; per 100 ms slot: delays drawn / first attempts reaching the gateway:%s%n",
                    LISTENERS, table(drawn, arrived));
            for (RecordingListener e : events) {
                LecternEvent.RetryScheduled first = e.events(LecternEvent.RetryScheduled.class).get(0);
                assertThat(first.attempt()).isEqualTo(1);
                assertThat(first.delay()).as("full jitter under 1 s").isLessThan(Duration.ofSeconds(1));
            }
            int used = 0;
            int busiest = 0;
            for (int i = 0; i < 10; i++) {
                used += drawn[i] > 0 ? 1 : 0;
                busiest = Math.max(busiest, drawn[i]);
            }
            System.out.printf("STORM drawn delays: %d of ten 100 ms slots used, busiest %d (%.1f %%); attempts reaching the gateway after 3 s: %d%n",
                    used, busiest, 100.0 * busiest / LISTENERS, arrived[arrived.length - 1]);
            assertThat(rejoins).as("each listener came back with one attempt").hasSize(LISTENERS);
            assertThat(used).as("spread over the 1 s jitter window").isGreaterThanOrEqualTo(8);
            assertThat(busiest).as("no burst: no 100 ms slot takes more than a quarter").isLessThanOrEqualTo(LISTENERS / 4);
            assertThat(arrived[arrived.length - 1]).as("every attempt reached the gateway within 3 s").isZero();
            speaker.close();
            for (ListenerClient l : listeners) {
                l.terminated().toCompletableFuture().get(30, TimeUnit.SECONDS);
            }
        }
    }

    /** Counts per 100 ms slot of {@code times - origin}, 30 slots, the last for anything later. */
    static int[] histogram(List<Long> times, long origin) {
        int[] slots = new int[31];
        for (long t : times) {
            slots[(int) Math.min(slots.length - 1, Math.max(0, (t - origin) / 100))]++;
        }
        return slots;
    }

    static String table(int[] drawn, int[] arrived) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < arrived.length; i++) {
            if (drawn[i] > 0 || arrived[i] > 0) {
                b.append(String.format("%n  %4d-%s ms %3d / %3d", i * 100, i == arrived.length - 1 ? "    " : String.format("%4d", (i + 1) * 100),
                        drawn[i], arrived[i]));
            }
        }
        return b.toString();
    }
}
