package dev.lectern.client;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lectern.domain.event.LecternEvent;
import dev.lectern.domain.session.ConnectFailure;
import dev.lectern.domain.session.EndReason;
import dev.lectern.port.Transport;
import dev.lectern.port.TransportConnection;
import dev.lectern.testing.RecordingListener;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The engine on its own threads: close() from anywhere releases every thread it started. */
class RealThreadsTest {

    /** A transport whose every connect fails at once, from another thread, as a refused TCP connect would. */
    static final Transport UNREACHABLE = (id, request, listener) -> {
        CompletableFuture.runAsync(() -> listener.onRefused(id, ConnectFailure.network("connection refused")));
        return new TransportConnection() {
            @Override
            public dev.lectern.domain.ConnectionId id() {
                return id;
            }

            @Override
            public CompletionStage<Void> send(dev.lectern.domain.message.ClientMessage message) {
                return CompletableFuture.failedFuture(new IllegalStateException("not open"));
            }

            @Override
            public void close(int code, String reason) {}

            @Override
            public void abort() {}
        };
    };

    static List<Thread> lecternThreads() {
        List<Thread> out = new ArrayList<>();
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            if (t.getName().startsWith("lectern-") && t.isAlive()) {
                out.add(t);
            }
        }
        return out;
    }

    static void assertAllEnd(List<Thread> threads) throws InterruptedException {
        for (Thread t : threads) {
            t.join(TimeUnit.SECONDS.toMillis(5));
            assertThat(t.isAlive()).as(t.getName() + " still alive").isFalse();
        }
    }

    @Test
    void closeFromTheHostThreadReleasesTheSharedThreadsWithTheLastClient() throws Exception {
        List<Thread> before = lecternThreads();
        RecordingListener events = new RecordingListener();
        ListenerClient client = ListenerClient.builder(ListenerConfig.builder().sessionId("golden-eagle-427")
                .targetLanguage("es").build()).transport(UNREACHABLE).listener(events).build();
        client.start();
        events.await(LecternEvent.RetryScheduled.class, Duration.ofSeconds(5));
        List<Thread> started = lecternThreads();
        started.removeAll(before);
        // A client the host gives no threads runs on the shared lane and event pools, not threads of its own.
        assertThat(started).isNotEmpty().allMatch(t -> t.getName().startsWith("lectern-lane-") || t.getName().startsWith("lectern-events-"));
        client.close();
        client.close();
        assertThat(client.terminated().toCompletableFuture().get(5, TimeUnit.SECONDS)).isEqualTo(EndReason.ENDED_BY_USER);
        events.await(LecternEvent.Closed.class, Duration.ofSeconds(5));
        assertAllEnd(started);
    }

    @Test
    void closeFromInsideAListenerCallbackDoesNotDeadlock() throws Exception {
        List<Thread> before = lecternThreads();
        RecordingListener events = new RecordingListener();
        ListenerClient[] self = new ListenerClient[1];
        LecternListener closing = new LecternListener() {
            @Override
            public void onEvent(LecternEvent event) {
                events.onEvent(event);
                if (event instanceof LecternEvent.RetryScheduled) {
                    self[0].close();
                }
            }
        };
        self[0] = ListenerClient.builder(ListenerConfig.builder().sessionId("golden-eagle-427").targetLanguage("es").build())
                .transport(UNREACHABLE).listener(closing).build();
        self[0].start();
        assertThat(self[0].terminated().toCompletableFuture().get(5, TimeUnit.SECONDS)).isEqualTo(EndReason.ENDED_BY_USER);
        events.await(LecternEvent.Closed.class, Duration.ofSeconds(5));
        List<Thread> started = lecternThreads();
        started.removeAll(before);
        assertAllEnd(started);
    }
}
