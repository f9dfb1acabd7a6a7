package dev.lectern.bench;

import dev.lectern.client.internal.LaneScheduler;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
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
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * A transport's thread handing a received frame's step to its client's lane, idle as it nearly always is:
 * the lane runs it on the calling thread.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
@State(Scope.Benchmark)
public class LaneBenchmark {
    private ScheduledExecutorService pool;
    private LaneScheduler lane;
    private long steps;
    private final Runnable step = () -> steps++;

    @Setup
    public void setUp() {
        pool = Executors.newSingleThreadScheduledExecutor();
        lane = new LaneScheduler(pool);
    }

    @TearDown
    public void tearDown() {
        pool.shutdownNow();
    }

    /** One task through an idle lane, run at once on this thread. */
    @Benchmark
    public long idleLaneRunsATaskHere() {
        lane.executeHere(step);
        return steps;
    }
}
