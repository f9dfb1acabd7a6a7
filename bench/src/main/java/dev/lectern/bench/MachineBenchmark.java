package dev.lectern.bench;

import dev.lectern.domain.AudioChunk;
import dev.lectern.domain.ConnectionId;
import dev.lectern.domain.IdToken;
import dev.lectern.domain.LanguageCode;
import dev.lectern.domain.SequenceNumber;
import dev.lectern.domain.SessionId;
import dev.lectern.domain.message.ServerMessage;
import dev.lectern.domain.session.CreateParams;
import dev.lectern.domain.session.Decision;
import dev.lectern.domain.session.Effect;
import dev.lectern.domain.session.Input;
import dev.lectern.domain.session.SessionMachine;
import dev.lectern.domain.session.SessionSettings;
import dev.lectern.domain.session.SessionState;
import dev.lectern.domain.session.TimerKey;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/** One step of the pure state machine per kind of input that happens many times a second. */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
@State(Scope.Thread)
public class MachineBenchmark {
    static final SessionId ID = SessionId.of("golden-eagle-427");
    static final LanguageCode ES = LanguageCode.of("es");
    final AudioChunk chunk = AudioChunk.silence(100);
    SessionState listener;
    SessionState speaker;
    ConnectionId listenerConnection;
    ConnectionId speakerConnection;
    long now = 1_767_225_600_000L;
    long sequence;

    @Setup
    public void setUp() {
        SessionSettings settings = SessionSettings.ofDefaults();
        listener = SessionMachine.listener(settings, ID, ES, 1);
        Decision d = SessionMachine.decide(listener, new Input.Start(), now);
        listenerConnection = opened(d);
        listener = SessionMachine.decide(d.next(), new Input.Opened(listenerConnection), now).next();
        listener = SessionMachine.decide(listener, new Input.Received(listenerConnection,
                new ServerMessage.SessionJoined(ID, ES, LanguageCode.of("en"), "c1", 1, null, now)), now).next();

        speaker = SessionMachine.speaker(settings, CreateParams.of(LanguageCode.of("en")), 1);
        d = SessionMachine.decide(speaker, new Input.Start(), now);
        d = SessionMachine.decide(d.next(), new Input.TokenReady(new IdToken("bench")), now);
        speakerConnection = opened(d);
        speaker = SessionMachine.decide(d.next(), new Input.Opened(speakerConnection), now).next();
        speaker = SessionMachine.decide(speaker, new Input.Received(speakerConnection,
                new ServerMessage.SessionCreated(ID, LanguageCode.of("en"), "standard", true, 0.85, 5.0, "c1", now, null)), now).next();
        if (listener.kind() != SessionState.Kind.ACTIVE || speaker.kind() != SessionState.Kind.ACTIVE) {
            throw new IllegalStateException("set-up did not reach Active: " + listener.kind() + ", " + speaker.kind());
        }
    }

    private static ConnectionId opened(Decision d) {
        for (Effect e : d.effects()) {
            if (e instanceof Effect.Open open) {
                return open.id();
            }
        }
        throw new IllegalStateException("no connection opened: " + d.effects());
    }

    /** A listener receives the next chunk: dedupe, jitter buffer, play, event. */
    @Benchmark
    public Decision listenerReceivesAudio() {
        now += 100;
        Decision d = SessionMachine.decide(listener, new Input.Received(listenerConnection,
                new ServerMessage.AudioData(ID, ES, chunk, SequenceNumber.of(sequence++), now)), now);
        listener = d.next();
        return d;
    }

    /** A speaker captures a chunk: counted, queued, sent. */
    @Benchmark
    public Decision speakerCapturesAudio() {
        now += 100;
        Decision d = SessionMachine.decide(speaker, new Input.Capture(chunk), now);
        speaker = d.next();
        return d;
    }

    /** The heartbeat timer fires and its acknowledgement comes back. */
    @Benchmark
    public Decision heartbeatRoundTrip() {
        now += 30_000;
        Decision sent = SessionMachine.decide(speaker, new Input.TimerFired(TimerKey.HEARTBEAT), now);
        Decision acked = SessionMachine.decide(sent.next(), new Input.Received(speakerConnection, new ServerMessage.HeartbeatAck(now, now)), now + 5);
        speaker = acked.next();
        return acked;
    }
}
