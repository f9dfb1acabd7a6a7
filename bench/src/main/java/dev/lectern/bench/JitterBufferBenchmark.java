package dev.lectern.bench;

import dev.lectern.domain.AudioChunk;
import dev.lectern.domain.SequenceNumber;
import dev.lectern.domain.audio.JitterBuffer;
import java.time.Duration;
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

/** The listener's jitter buffer: a chunk in order (offered and played at once), and a pair swapped in transit. */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
@State(Scope.Thread)
public class JitterBufferBenchmark {
    final AudioChunk chunk = AudioChunk.silence(100);
    JitterBuffer buffer;
    long next;

    @Setup
    public void setUp() {
        buffer = JitterBuffer.withCapacity(Duration.ofSeconds(5));
        next = 0;
    }

    @Benchmark
    public JitterBuffer.Outcome offerInOrderAndPlay() {
        JitterBuffer.Outcome o = buffer.offer(SequenceNumber.of(next++), chunk);
        buffer = o.buffer();
        return o;
    }

    /** Two chunks arriving swapped: the later one waits, the earlier one releases both. */
    @Benchmark
    public JitterBuffer.Outcome offerReorderedPair() {
        JitterBuffer.Outcome first = buffer.offer(SequenceNumber.of(next + 1), chunk);
        JitterBuffer.Outcome second = first.buffer().offer(SequenceNumber.of(next), chunk);
        next += 2;
        buffer = second.buffer();
        return second;
    }
}
