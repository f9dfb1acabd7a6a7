package dev.lectern.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.lectern.domain.SessionId;
import java.net.Socket;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Listeners that stop reading while a session streams: the gateway closes each as too slow, cuts it if
 * the close frame cannot get through, and gives back everything it held, while the others lose nothing.
 */
class GatewayStallIT {
    LocalGateway gateway;

    /** What the gateway closed on its own initiative: "role code reason". */
    final List<String> closedByGateway = new CopyOnWriteArrayList<>();

    URI start(GatewaySettings.Builder settings) throws Exception {
        gateway = GatewayProtocolIT.recordingCloses(settings, closedByGateway);
        return gateway.start();
    }

    @AfterEach
    void stop() throws Exception {
        gateway.close();
    }

    /** Heap in use after a full collection, in bytes. */
    static long heapInUse() {
        System.gc();
        Runtime rt = Runtime.getRuntime();
        return rt.totalMemory() - rt.freeMemory();
    }

    @Test
    void twoHundredListenersThatStopReadingAreCutAndEverythingTheyHeldIsReleased() throws Exception {
        int stalled = 200;
        // Nothing but the slow-consumer rule may close them: no refresh, heartbeat or idle sweep within the run.
        URI endpoint = start(Fixtures.gateway().maxOutboundBytes(64 * 1024).refreshAfter(Duration.ofMinutes(100))
                .warnAfter(Duration.ofMinutes(105)).maxConnectionAge(Duration.ofMinutes(120))
                .heartbeatTimeout(Duration.ofMinutes(5)).idleTimeout(Duration.ofMinutes(10)));
        try (RawPeer speaker = RawPeer.connect(endpoint, "action=createSession&sourceLanguage=en&token=alice")) {
            String id = GatewayProtocolIT.sessionOf(speaker.await("sessionCreated", GatewayProtocolIT.WAIT));
            SessionId session = SessionId.of(id);
            try (RawPeer healthy = RawPeer.connect(endpoint, "action=joinSession&sessionId=" + id + "&targetLanguage=es")) {
                healthy.await("sessionJoined", GatewayProtocolIT.WAIT);
                long fdsBefore = ResourcesIT.openFileDescriptors();
                long heapBefore = heapInUse();
                List<Socket> stuck = new ArrayList<>();
                try {
                    for (int i = 0; i < stalled; i++) {
                        stuck.add(GatewayProtocolIT.joinAndStopReading(endpoint, id));
                    }
                    await().atMost(Duration.ofSeconds(10)).until(() -> gateway.listenerCount(session) == stalled + 1);
                    long fdsStalled = ResourcesIT.openFileDescriptors();
                    int chunks = 3000;
                    GatewayProtocolIT.sendFast(speaker, chunks);
                    for (int i = 0; i < chunks; i++) {
                        healthy.await("\"sequenceNumber\":" + i + ",", Duration.ofSeconds(20));
                    }
                    await().atMost(Duration.ofSeconds(30)).until(() -> gateway.slowConnectionsClosed() == stalled);
                    long lastClosed = System.nanoTime();
                    // Cut within the close bound, long before the ten-minute idle timeout would free them.
                    await().atMost(Duration.ofSeconds(15)).until(() -> gateway.liveConnections() == 2);
                    long releasedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - lastClosed);
                    healthy.seen.clear(); // the test's own record of the frames it checked
                    long heapAfter = heapInUse();
                    long fdsAfter = ResourcesIT.openFileDescriptors();
                    System.out.printf("STALL %d listeners closed 1013 and cut; gateway connections back to %d within %d ms of the last close;"
                                    + " file descriptors %d before them, %d with them, %d after (their 200 client ends still open); heap in use %.1f MB before, %.1f MB after;"
                                    + " healthy listener got %d/%d%n",
                            stalled, gateway.liveConnections(), releasedMs, fdsBefore, fdsStalled, fdsAfter,
                            heapBefore / 1048576.0, heapAfter / 1048576.0, chunks, chunks);
                    assertThat(fdsAfter).as("the gateway's ends of the stalled sockets are closed").isLessThanOrEqualTo(fdsBefore + stalled + 5);
                    assertThat(heapAfter - heapBefore).as("what 200 x 64 KiB of unwritten frames held is given back")
                            .isLessThan(stalled * 64L * 1024 / 2);
                    assertThat(gateway.listenerCount(session)).as("only the healthy listener is left").isEqualTo(1);
                    assertThat(closedByGateway).hasSize(stalled).containsOnly("listener 1013 Too slow: outbound buffer full");
                    // The gateway's end of a stalled socket is gone: what it had queued ends in end-of-stream or a reset.
                    Socket probe = stuck.get(0);
                    probe.setSoTimeout(10_000);
                    assertThat(GatewayProtocolIT.drainsToEnd(probe.getInputStream())).as("the gateway cut the stalled socket").isTrue();
                } finally {
                    for (Socket s : stuck) {
                        s.close();
                    }
                }
            }
        }
    }
}
