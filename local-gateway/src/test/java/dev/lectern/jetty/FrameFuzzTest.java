package dev.lectern.jetty;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lectern.client.ListenerClient;
import dev.lectern.client.ListenerConfig;
import dev.lectern.gateway.ServerFrameWriter;
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
import java.nio.charset.StandardCharsets;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.websocket.core.OpCode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.junit.jupiter.api.Test;

/**
 * 100 000 random and mutated frames through the real decode path (the Jetty endpoint's frame handler,
 * the codec) into a real engine: nothing escapes, every bad frame is counted, the session goes on.
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
            out.add(ServerFrameWriter.write(m));
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

    /** Text that is not JSON whatever follows its first character. */
    static String garbage(SplittableRandom r) {
        int length = r.nextInt(200);
        StringBuilder b = new StringBuilder(length + 1).append('~');
        for (int i = 0; i < length; i++) {
            b.append((char) r.nextInt(r.nextBoolean() ? 128 : 0xD7FF));
        }
        return b.toString();
    }

    /** What the generator knows a frame must do, independently of the codec under test. */
    enum Expect { REJECTED, ACCEPTED, EITHER }

    record Frame(String text, byte[] binary, Expect expect) {}

    /**
     * One frame and its expected fate. Rejected by construction: a strict prefix of a JSON object (never
     * closed), text that starts with a character no JSON value starts with, binary audio that is not whole
     * 16-bit samples. Accepted by construction: a valid frame as sent, with an unknown field or white space
     * added (the protocol says unknown fields are ignored), binary audio of whole samples. Anything else is
     * a random edit whose fate the generator cannot know: it must only be handled, counted or not, once.
     */
    static Frame next(SplittableRandom r, List<String> corpus) {
        String valid = corpus.get(r.nextInt(corpus.size()));
        switch (r.nextInt(10)) {
            case 0 -> {
                byte[] bytes = new byte[r.nextInt(64)];
                r.nextBytes(bytes);
                return new Frame(null, bytes, bytes.length == 0 || bytes.length % 2 != 0 ? Expect.REJECTED : Expect.ACCEPTED);
            }
            case 1 -> {
                return new Frame(valid.substring(0, r.nextInt(valid.length() - 1)), null, Expect.REJECTED);
            }
            case 2 -> {
                return new Frame(garbage(r), null, Expect.REJECTED);
            }
            case 3 -> {
                String extra = List.of("\"zz\":[1,{\"y\":null}],", "\"futureField\":\"x\",", "\"n\":-1.5e3,").get(r.nextInt(3));
                return new Frame("{" + extra + valid.substring(1), null, Expect.ACCEPTED);
            }
            case 4 -> {
                return new Frame("{ \n\t" + valid.substring(1) + " ", null, Expect.ACCEPTED);
            }
            default -> {
                return new Frame(mutate(valid, r), null, Expect.EITHER);
            }
        }
    }

    /** A text message as Jetty hands it over: one frame, its payload the UTF-8 bytes. */
    static void text(JettyTransport.JettyConnection link, String message) {
        link.onFrame(new org.eclipse.jetty.websocket.core.Frame(OpCode.TEXT, ByteBuffer.wrap(message.getBytes(StandardCharsets.UTF_8))), Callback.NOOP);
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
        text(link, ServerFrameWriter.write(new ServerMessage.SessionJoined(ID, ES, LanguageCode.of("en"), "c", 1, null, 1L)));
        clock.runDue();
        assertThat(listener.state()).isEqualTo(SessionState.Kind.ACTIVE);

        SplittableRandom r = new SplittableRandom(20261126);
        List<String> corpus = corpus();
        Map<Expect, long[]> outcomes = new java.util.EnumMap<>(Expect.class); // per expectation: frames, counted as rejected
        for (Expect e : Expect.values()) {
            outcomes.put(e, new long[2]);
        }
        List<String> wrong = new ArrayList<>();
        for (int i = 0; i < FRAMES; i++) {
            Frame frame = next(r, corpus);
            long before = listener.counters().rejectedFrames();
            if (frame.binary() != null) {
                link.onFrame(new org.eclipse.jetty.websocket.core.Frame(OpCode.BINARY, ByteBuffer.wrap(frame.binary())), Callback.NOOP);
            } else {
                text(link, frame.text());
            }
            clock.runDue(); // the engine takes the frame now: its count moves by this frame alone
            long counted = listener.counters().rejectedFrames() - before;
            outcomes.get(frame.expect())[0]++;
            outcomes.get(frame.expect())[1] += counted;
            boolean ok = switch (frame.expect()) {
                case REJECTED -> counted == 1;
                case ACCEPTED -> counted == 0;
                case EITHER -> counted == 0 || counted == 1;
            };
            if (!ok && wrong.size() < 10) {
                wrong.add(frame.expect() + " but counted " + counted + ": " + (frame.text() != null ? frame.text()
                        : frame.binary().length + " binary bytes"));
            }
            if (i % 1000 == 0) {
                clock.advance(Duration.ofMillis(10));
            }
        }
        clock.runDue();
        long[] bad = outcomes.get(Expect.REJECTED);
        long[] good = outcomes.get(Expect.ACCEPTED);
        long[] either = outcomes.get(Expect.EITHER);
        System.out.printf("FUZZ frames=%d: bad by construction %d (counted %d), good by construction %d (counted %d), "
                        + "random edits %d (counted %d); engine total %d; state=%s%n",
                FRAMES, bad[0], bad[1], good[0], good[1], either[0], either[1], listener.counters().rejectedFrames(), listener.state());
        assertThat(wrong).as("frames whose fate the generator knew").isEmpty();
        assertThat(listener.counters().rejectedFrames()).as("every rejection counted once").isEqualTo(bad[1] + good[1] + either[1]);
        assertThat(bad[0]).isGreaterThan(FRAMES / 5);
        assertThat(good[0]).isGreaterThan(FRAMES / 5);
        assertThat(either[1]).as("the random edits reach the rejection path").isPositive();
        assertThat(either[1]).as("and the acceptance path").isLessThan(either[0]);
        assertThat(listener.state()).as("the session goes on").isIn(SessionState.Kind.ACTIVE, SessionState.Kind.PAUSED,
                SessionState.Kind.REFRESHING);
        assertThat(events.events(dev.lectern.domain.event.LecternEvent.Closed.class)).isEmpty();

        // Still works: ten chunks after the fuzzing are played, once each, in order, after a reported gap.
        long base = 1_000_000;
        for (int i = 0; i < 10; i++) {
            text(link, ServerFrameWriter.write(new ServerMessage.AudioData(ID, ES, AudioChunk.silence(100),
                    SequenceNumber.of(base + i), 1L)));
        }
        clock.advance(Duration.ofSeconds(2));
        List<Long> played = events.events(dev.lectern.domain.event.LecternEvent.AudioReceived.class).stream()
                .filter(e -> e.sequence() != null).map(e -> e.sequence().value()).filter(v -> v >= base).toList();
        assertThat(played).containsExactly(base, base + 1, base + 2, base + 3, base + 4, base + 5, base + 6, base + 7,
                base + 8, base + 9);
    }
}
