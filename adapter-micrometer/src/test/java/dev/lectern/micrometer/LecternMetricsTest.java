package dev.lectern.micrometer;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lectern.client.ListenerClient;
import dev.lectern.client.ListenerConfig;
import dev.lectern.domain.event.LecternEvent;
import dev.lectern.domain.session.EndReason;
import dev.lectern.domain.session.LecternError;
import dev.lectern.testing.InMemoryGateway;
import dev.lectern.testing.ManualScheduler;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * The meters of one client: tagged with its role, an error code from a service tagged as itself only when
 * it is a known code (else {@code other}, so a service cannot grow the series without bound), and removed
 * when the client ends, so that the next client with the same tags starts from zero.
 */
class LecternMetricsTest {
    @Test
    void aListenersMetersCarryItsRoleAndGoWhenItEnds() {
        ManualScheduler clock = new ManualScheduler(1_000_000);
        InMemoryGateway gateway = new InMemoryGateway(clock, InMemoryGateway.Settings.ofDefaults());
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        LecternMetrics metrics = LecternMetrics.forListener(registry, "es", Tags.of("host", "a"));
        ListenerClient listener = ListenerClient.builder(ListenerConfig.builder().sessionId("quiet-river-123").targetLanguage("es").build())
                .transport(gateway.transport()).scheduler(clock).eventExecutor(Runnable::run)
                .listener(metrics.listener()).build();
        metrics.bind(listener);
        assertThat(registry.getMeters()).isNotEmpty().allSatisfy(m -> assertThat(m.getId().getTag("role")).isEqualTo("listener"));

        listener.start();
        clock.advance(Duration.ofSeconds(1)); // no such session: the listener ends
        assertThat(listener.terminated().toCompletableFuture().join()).isEqualTo(EndReason.PERMANENT_ERROR);

        assertThat(registry.getMeters()).as("nothing left of an ended client").isEmpty();
    }

    @Test
    void aClientThatEndsLeavesTheMetersALiveClientWithTheSameTagsStillCountsOn() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        LecternMetrics first = LecternMetrics.forListener(registry, "es", Tags.of("host", "a"));
        LecternMetrics second = LecternMetrics.forListener(registry, "es", Tags.of("host", "a"));

        first.remove();
        second.listener().onEvent(new LecternEvent.Reconnected(1));
        assertThat(registry.find(LecternMeters.RECONNECTS).counter()).as("still registered, still counting").isNotNull()
                .satisfies(c -> assertThat(c.count()).isEqualTo(1.0));

        second.remove();
        assertThat(registry.getMeters()).as("the last one gone: nothing left").isEmpty();
    }

    @Test
    void anErrorCodeOutsideTheKnownSetIsTaggedOther() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        LecternMetrics metrics = LecternMetrics.forSpeaker(registry, Tags.empty());
        metrics.listener().onEvent(new LecternEvent.Error(new LecternError("SESSION_FULL", "full", 503, null, false)));
        for (int i = 0; i < 100; i++) {
            metrics.listener().onEvent(new LecternEvent.Error(new LecternError("MADE_UP_" + i, "from a hostile service", 400, null, true)));
        }
        assertThat(registry.find(LecternMeters.ERRORS).counters()).extracting(c -> c.getId().getTag("code"))
                .containsExactlyInAnyOrder("SESSION_FULL", "other");
        assertThat(registry.get(LecternMeters.ERRORS).tag("code", "other").counter().count()).isEqualTo(100);
    }
}
