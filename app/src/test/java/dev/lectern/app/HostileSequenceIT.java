package dev.lectern.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.lectern.client.ListenerClient;
import dev.lectern.client.ListenerConfig;
import dev.lectern.domain.AudioChunk;
import dev.lectern.domain.event.LecternEvent;
import dev.lectern.javasound.WavFileSink;
import dev.lectern.jetty.JettyTransport;
import dev.lectern.testing.RecordingListener;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.websocket.api.Callback;
import org.eclipse.jetty.websocket.api.Session;
import org.eclipse.jetty.websocket.server.WebSocketUpgradeHandler;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A hostile peer numbers one audio frame 10^12 between frames 9 and 10, then says nothing for 3 s (longer
 * than the reorder wait), then sends 10 to 19: the listener's WAV gets no gap of the jump's size (at most
 * the sink's cap), the rest of the talk plays, and the jump is counted as a rejected frame.
 */
public class HostileSequenceIT {
    /** The hostile peer's end of the connection; public for Jetty's method handles. */
    public static final class Peer implements Session.Listener.AutoDemanding {
        final CompletableFuture<Session> opened;

        Peer(CompletableFuture<Session> opened) {
            this.opened = opened;
        }

        @Override
        public void onWebSocketOpen(Session session) {
            session.sendText("{\"type\":\"sessionJoined\",\"sessionId\":\"quiet-river-123\",\"targetLanguage\":\"es\"}", Callback.NOOP);
            opened.complete(session);
        }
    }

    @TempDir
    Path dir;

    static String frame(long seq) {
        return "{\"type\":\"audioData\",\"sessionId\":\"quiet-river-123\",\"audioData\":\""
                + Base64.getEncoder().encodeToString(new byte[AudioChunk.BYTES_PER_100_MS]) + "\",\"sequenceNumber\":" + seq + "}";
    }

    @Test
    public void aTrillionChunkJumpIsNeverAGapOfItsSizeAndTheStreamPlaysOn() throws Exception {
        CompletableFuture<Session> peer = new CompletableFuture<>();
        Server server = new Server();
        ServerConnector connector = new ServerConnector(server);
        connector.setHost("127.0.0.1");
        server.addConnector(connector);
        server.setHandler(WebSocketUpgradeHandler.from(server, container -> container.addMapping("/*", (rq, rs, cb) -> new Peer(peer))));
        server.start();
        Path wav = dir.resolve("heard.wav");
        WavFileSink sink = WavFileSink.create(wav);
        RecordingListener events = new RecordingListener();
        try (JettyTransport transport = JettyTransport.builder(URI.create("ws://127.0.0.1:" + connector.getLocalPort())).build()) {
            ListenerClient listener = ListenerClient.builder(ListenerConfig.builder().sessionId("quiet-river-123").targetLanguage("es").build())
                    .transport(transport).audioSink(sink).listener(events).build();
            listener.start().toCompletableFuture().get(10, TimeUnit.SECONDS);
            Session session = peer.get(10, TimeUnit.SECONDS);
            for (long i = 0; i < 10; i++) {
                session.sendText(frame(i), Callback.NOOP);
            }
            session.sendText(frame(1_000_000_000_000L), Callback.NOOP);
            await().atMost(Duration.ofSeconds(5)).until(() -> listener.counters().played() == 10);
            long quietUntil = System.nanoTime() + TimeUnit.SECONDS.toNanos(3); // longer than the 1 s reorder wait
            await().atMost(Duration.ofSeconds(5)).until(() -> System.nanoTime() >= quietUntil);
            for (long i = 10; i < 20; i++) {
                session.sendText(frame(i), Callback.NOOP);
            }
            await().atMost(Duration.ofSeconds(5)).until(() -> listener.counters().played() == 20);
            listener.close();
            sink.close();
        } finally {
            server.stop();
        }
        long bytes = sink.dataBytes();
        assertThat(bytes).as("20 chunks, and no gap at all for the jump").isEqualTo(20L * AudioChunk.BYTES_PER_100_MS);
        assertThat(bytes).as("in any case no more than the sink's cap").isLessThanOrEqualTo(20L * AudioChunk.BYTES_PER_100_MS
                + WavFileSink.MAX_GAP.toMillis() * AudioChunk.BYTES_PER_SECOND / 1000);
        assertThat(events.events(LecternEvent.AudioGap.class)).isEmpty();
        assertThat(events.events(LecternEvent.FrameRejected.class)).singleElement()
                .satisfies(r -> assertThat(r.reason()).contains("numbered more than"));
    }
}
