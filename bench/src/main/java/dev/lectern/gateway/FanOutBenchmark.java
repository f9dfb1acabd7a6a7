package dev.lectern.gateway;

import dev.lectern.domain.AudioChunk;
import dev.lectern.domain.SessionId;
import dev.lectern.domain.message.ClientMessage;
import dev.lectern.jetty.ClientFrameWriter;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
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

    ScheduledExecutorService timer;
    GatewayCore core;
    GatewayCore.Conn speaker;
    String chunkFrame;
    long written;

    /** A connection that takes every frame at once. */
    final class CountingPeer implements Peer {
        @Override
        public void sendText(EncodedText text, Consumer<Throwable> done) {
            written += text.size();
            done.accept(null);
        }

        @Override
        public void close(int code, String reason) {}

        @Override
        public void disconnect() {}
    }

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        timer = Executors.newSingleThreadScheduledExecutor();
        GatewaySettings settings = GatewaySettings.builder().maxListeners(listeners).joinsPerMinute(1_000_000)
                .connectsPerMinute(1_000_000).build();
        core = new GatewayCore(settings, TokenVerifier.ANY, Translator.RELAY, SessionIdGenerator.withBuiltInWords(new SecureRandom()),
                timer, Runnable::run, Clock.systemUTC(), GatewayObserver.NONE);
        speaker = core.accept(Map.of("action", "createSession", "sourceLanguage", "en", "token", "bench"), null, "127.0.0.1", new CountingPeer());
        core.opened(speaker);
        SessionId id = speaker.session.id;
        String[] codes = {"es", "de", "fr"};
        for (int i = 0; i < listeners; i++) {
            GatewayCore.Conn l = core.accept(Map.of("action", "joinSession", "sessionId", id.value(), "targetLanguage",
                    codes[i % languages]), null, "10.0.0." + (i % 250), new CountingPeer());
            core.opened(l);
        }
        chunkFrame = ClientFrameWriter.write(new ClientMessage.SendAudio(id, AudioChunk.silence(100), 1L, 1L));
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        timer.shutdownNow();
    }

    @Benchmark
    public long fanOutOneChunk() {
        core.received(speaker, chunkFrame);
        return written;
    }
}
