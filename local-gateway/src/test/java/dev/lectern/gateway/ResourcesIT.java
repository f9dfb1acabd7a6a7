package dev.lectern.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.lectern.client.ListenerClient;
import dev.lectern.client.SpeakerClient;
import dev.lectern.domain.session.SessionSettings;
import dev.lectern.port.AudioSink;
import dev.lectern.testing.RecordingListener;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** 1 000 connect/close cycles leave threads and open sockets where they were. */
class ResourcesIT {
    static final int CYCLES = 1_000;

    static long openFileDescriptors() throws IOException {
        try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
            return fds.count();
        }
    }

    /** The clients' threads: the shared lane and event pools (the speaker keeps them alive through the test). */
    static List<Thread> lecternClientThreads() {
        List<Thread> out = new ArrayList<>();
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            if (t.isAlive() && (t.getName().startsWith("lectern-lane-") || t.getName().startsWith("lectern-events-"))) {
                out.add(t);
            }
        }
        return out;
    }

    @Test
    void connectCloseCyclesLeaveNothingBehind() throws Exception {
        SessionSettings protocol = SessionSettings.ofDefaults();
        // Protocol timings on both sides: the speaker heartbeats every 30 s, so the gateway must not drop it
        // for silence within the run however long the cycles take.
        try (LocalGateway gateway = LocalGateway.builder().settings(Fixtures.gateway().refreshAfter(Duration.ofMinutes(100))
                .warnAfter(Duration.ofMinutes(105)).maxConnectionAge(Duration.ofMinutes(120))
                .heartbeatTimeout(Duration.ofSeconds(90)).idleTimeout(Duration.ofMinutes(10)).build()).build()) {
            URI endpoint = gateway.start();
            SpeakerClient speaker = Fixtures.speaker(endpoint, new RecordingListener(), protocol);
            String id = speaker.start().toCompletableFuture().get(10, TimeUnit.SECONDS).value();
            // Warm up: the shared Jetty client and the gateway's pools reach their working size.
            for (int i = 0; i < 20; i++) {
                cycle(endpoint, id, protocol);
            }
            long fdsBefore = openFileDescriptors();
            int threadsBefore = Thread.activeCount();
            long started = System.nanoTime();
            for (int i = 0; i < CYCLES; i++) {
                cycle(endpoint, id, protocol);
            }
            long ms = (System.nanoTime() - started) / 1_000_000;
            // Sockets closing on the gateway's side finish their close handshake: give them a deadline.
            await().atMost(Duration.ofSeconds(10)).until(() -> openFileDescriptors() <= fdsBefore + 5 && gateway.liveConnections() <= 1);
            long fdsAfter = openFileDescriptors();
            int threadsAfter = Thread.activeCount();
            System.out.printf("RESOURCES %d connect/close cycles in %d ms: file descriptors %d -> %d, threads %d -> %d, client pool threads %d, gateway connections %d%n",
                    CYCLES, ms, fdsBefore, fdsAfter, threadsBefore, threadsAfter, lecternClientThreads().size(), gateway.liveConnections());
            assertThat(lecternClientThreads()).as("clients share two pools of a thread per core: none of their own")
                    .hasSizeLessThanOrEqualTo(2 * Math.max(2, Runtime.getRuntime().availableProcessors()));
            assertThat(fdsAfter).as("open sockets back at baseline").isLessThanOrEqualTo(fdsBefore + 5);
            assertThat(threadsAfter).as("threads back at baseline").isLessThanOrEqualTo(threadsBefore + 5);
            assertThat(gateway.liveConnections()).as("only the speaker is left").isEqualTo(1);
            speaker.close();
        }
    }

    static void cycle(URI endpoint, String id, SessionSettings settings) throws Exception {
        ListenerClient l = Fixtures.listener(endpoint, id, "es", new RecordingListener(), AudioSink.NONE, settings);
        l.start().toCompletableFuture().get(10, TimeUnit.SECONDS);
        l.close();
        l.terminated().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
}
