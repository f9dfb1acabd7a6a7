package dev.lectern.bench;

import dev.lectern.domain.AudioChunk;
import dev.lectern.domain.SessionId;
import dev.lectern.domain.message.ClientMessage;
import dev.lectern.domain.message.ServerMessage;
import dev.lectern.gateway.GatewaySettings;
import dev.lectern.gateway.InProcessGateway;
import dev.lectern.jetty.ClientFrameWriter;
import dev.lectern.jetty.ServerFrameReader;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The gateway's fan-out of one speaker chunk to every listener of a session: from the speaker's frame to
 * a text frame handed to each of 1 000 connections (the socket writes themselves are not in it; the peers
 * only count). Divide by the listener count for the gateway's CPU per delivered frame before the write.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
@State(Scope.Benchmark)
public class FanOutBenchmark {
    @Param({"1000"})
    int listeners;

    @Param({"1", "3"})
    int languages;

    InProcessGateway gateway;
    InProcessGateway.Link speaker;
    String chunkFrame;
    long written;
    String created;

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        GatewaySettings settings = GatewaySettings.builder().maxListeners(listeners).joinsPerMinute(1_000_000)
                .connectsPerMinute(1_000_000).build();
        gateway = InProcessGateway.start(settings);
        speaker = gateway.connect(Map.of("action", "createSession", "sourceLanguage", "en", "token", "bench"), "127.0.0.1",
                (json, bytes) -> created = json);
        SessionId id = ((ServerMessage.SessionCreated) ServerFrameReader.read(created)).sessionId();
        String[] codes = {"es", "de", "fr"};
        for (int i = 0; i < listeners; i++) {
            gateway.connect(Map.of("action", "joinSession", "sessionId", id.value(), "targetLanguage", codes[i % languages]),
                    "10.0.0." + (i % 250), (json, bytes) -> written += bytes); // a connection that takes every frame at once
        }
        chunkFrame = ClientFrameWriter.write(new ClientMessage.SendAudio(id, AudioChunk.silence(100), 1L, 1L));
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        gateway.close();
    }

    @Benchmark
    public long fanOutOneChunk() {
        speaker.send(chunkFrame);
        return written;
    }
}
