package dev.lectern.jetty;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lectern.client.ListenerClient;
import dev.lectern.client.ListenerConfig;
import dev.lectern.domain.AudioChunk;
import dev.lectern.domain.ConnectionId;
import dev.lectern.domain.LanguageCode;
import dev.lectern.domain.SequenceNumber;
import dev.lectern.domain.SessionId;
import dev.lectern.domain.message.BroadcastState;
import dev.lectern.domain.message.ServerMessage;
import dev.lectern.domain.message.ServerMessage.BroadcastChanged.Kind;
import dev.lectern.domain.session.SessionState;
import dev.lectern.port.Transport;
import dev.lectern.port.TransportConnection;
import dev.lectern.port.TransportListener;
import dev.lectern.testing.ManualScheduler;
import dev.lectern.testing.RecordingListener;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.junit.jupiter.api.Test;

/**
 * 100 000 random and mutated frames through the real decode path (the Jetty endpoint's text and binary
 * handlers, the codec) into a real engine: nothing escapes, every bad frame is counted, the session goes on.
 */
class FrameFuzzTest {
    static final SessionId ID = SessionId.of("golden-eagle-427");
    static final LanguageCode ES = LanguageCode.of("es");
    static final int FRAMES = 100_000;
    static final String PUNCTUATION = "{}[]\":,\\0aZ9-";

    /** Valid frames to mutate: everything a listener may get except the end of the session. */
    static List<String> corpus() {
        BroadcastState state = new BroadcastState(true, false, false, 1.0, 1);
        List<ServerMessage> valid = List.of(
                new ServerMessage.HeartbeatAck(1L, 1L),
                new ServerMessage.AudioData(ID, ES, AudioChunk.silence(100), SequenceNumber.of(3), 1L),
                new ServerMessage.BroadcastChanged(Kind.BROADCAST_MUTED, ID, state, 2, null, null, 1L),
                new ServerMessage.BroadcastChanged(Kind.VOLUME_CHANGED, ID, null, null, 0.4, null, 1L),
                new ServerMessage.ConnectionWarning("soon", 12.0, 1L),
                new ServerMessage.ConnectionTimeout("idle", 10, 1L),
                new ServerMessage.LanguageChanged(ID, ES, LanguageCode.of("en"), 1L),
                new ServerMessage.SessionStatus(ID, 3, Map.of("es", 3), 5L, state, "periodic", 1L),
                new ServerMessage.ErrorFrame("INVALID_ACTION", "x", 400, null, Map.of("field", "a"), 1L),
                new ServerMessage.GatewayFault("Internal server error", "c", "r"),
                new ServerMessage.PlaybackPaused(ID, 1L));
        List<String> out = new ArrayList<>();
        for (ServerMessage m : valid) {
            out.add(WireCodec.encode(m));
        }
        out.add("{\"type\":\"somethingNew\",\"x\":[1,{\"y\":null}]}");
        return out;
    }

    static String mutate(String frame, SplittableRandom r) {
        StringBuilder b = new StringBuilder(frame);
        int edits = 1 + r.nextInt(4);
        for (int i = 0; i < edits && b.length() > 0; i++) {
            int at = r.nextInt(b.length());
            switch (r.nextInt(6)) {
                case 0 -> b.deleteCharAt(at);
                case 1 -> b.insert(at, PUNCTUATION.charAt(r.nextInt(PUNCTUATION.length())));
                case 2 -> b.setCharAt(at, (char) (32 + r.nextInt(95)));
                case 3 -> b.setLength(at);
                case 4 -> b.insert(at, "\uD83D\uDE00\u0000\uFFFF".charAt(r.nextInt(4)));
                default -> b.replace(at, Math.min(b.length(), at + r.nextInt(12)), "");
            }
        }
        return b.toString();
    }

    static String random(SplittableRandom r) {
        int length = r.nextInt(200);
        StringBuilder b = new StringBuilder(length);
        for (int i = 0; i < length; i++) {
            b.append((char) r.nextInt(r.nextBoolean() ? 128 : 0xD7FF));
        }
        return b.toString();
    }

    @Test
    void nothingEscapesEveryBadFrameIsCountedAndTheSessionGoesOn() {
        ManualScheduler clock = new ManualScheduler(1_700_000_000_000L);
        List<JettyTransport.JettyConnection> opened = new ArrayList<>();
        Transport transport = (ConnectionId id, dev.lectern.domain.session.ConnectRequest request, TransportListener listener) -> {
            JettyTransport.JettyConnection c = new JettyTransport.JettyConnection(id, listener);
            opened.add(c);
            return new TransportConnection() {
                public ConnectionId id() {
                    return id;
                }

                public CompletionStage<Void> send(dev.lectern.domain.message.ClientMessage message) {
                    return CompletableFuture.completedFuture(null);
                }

                public void close(int code, String reason) {}

                public void abort() {}
            };
        };
        RecordingListener events = new RecordingListener();
        ListenerClient listener = ListenerClient.builder(ListenerConfig.builder().sessionId(ID.value()).targetLanguage("es").build())
                .transport(transport).scheduler(clock).eventExecutor(Runnable::run).listener(events).seed(1).build();
        listener.start();
        clock.runDue();
        JettyTransport.JettyConnection link = opened.get(0);
        link.onWebSocketText(WireCodec.encode(new ServerMessage.SessionJoined(ID, ES, LanguageCode.of("en"), "c", 1, null, 1L)));
        clock.runDue();
        assertThat(listener.state()).isEqualTo(SessionState.Kind.ACTIVE);

        SplittableRandom r = new SplittableRandom(20261126);
        List<String> corpus = corpus();
        long rejected = 0;
        long binary = 0;
        for (int i = 0; i < FRAMES; i++) {
            int kind = r.nextInt(10);
            if (kind == 0) {
                byte[] bytes = new byte[r.nextInt(64)];
                r.nextBytes(bytes);
                binary++;
                if (bytes.length == 0 || bytes.length % 2 != 0) {
                    rejected++;
                }
                link.onWebSocketBinary(ByteBuffer.wrap(bytes), org.eclipse.jetty.websocket.api.Callback.NOOP);
            } else {
                String frame = kind < 4 ? random(r) : mutate(corpus.get(r.nextInt(corpus.size())), r);
                boolean bad;
                try {
                    WireCodec.decodeServer(frame);
                    bad = false;
                } catch (WireCodec.MalformedFrameException e) {
                    bad = true;
                }
                if (bad) {
                    rejected++;
                }
                link.onWebSocketText(frame);
            }
            if (i % 1000 == 0) {
                clock.advance(Duration.ofMillis(10));
            }
        }
        clock.runDue();
        System.out.printf("FUZZ frames=%d (binary %d) rejected=%d accepted=%d engine-counted=%d state=%s%n",
                FRAMES, binary, rejected, FRAMES - rejected, listener.counters().rejectedFrames(), listener.state());
        assertThat(listener.counters().rejectedFrames()).as("every bad frame counted").isEqualTo(rejected);
        assertThat(rejected).as("the fuzz reaches the rejection path").isGreaterThan(FRAMES / 3);
        assertThat(FRAMES - rejected).as("and the acceptance path").isGreaterThan(FRAMES / 10);
        assertThat(listener.state()).as("the session goes on").isIn(SessionState.Kind.ACTIVE, SessionState.Kind.PAUSED,
                SessionState.Kind.REFRESHING);
        assertThat(events.events(dev.lectern.domain.event.LecternEvent.Closed.class)).isEmpty();
        // still works: a good frame is played
        link.onWebSocketText(WireCodec.encode(new ServerMessage.AudioData(ID, ES, AudioChunk.silence(100),
                SequenceNumber.of(1_000_000), 1L)));
        clock.advance(Duration.ofSeconds(2));
        assertThat(events.events(dev.lectern.domain.event.LecternEvent.AudioReceived.class)).isNotEmpty();
    }
}
