package dev.lectern.client.internal;

import dev.lectern.port.Scheduler;
import java.time.Duration;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One client's lane on a shared pool: its tasks run one at a time, in order, on whichever pool thread is
 * free, a batch at a time so that no lane holds a thread while others wait. Timers fire into the lane.
 * The wall clock is the time.
 */
final class LaneScheduler implements Scheduler {
    private static final Logger log = LoggerFactory.getLogger(LaneScheduler.class);
    private static final int BATCH = 64;

    private final ScheduledExecutorService pool;
    private final Queue<Runnable> tasks = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean scheduled = new AtomicBoolean();
    private volatile boolean shutdown;
    private volatile Thread running;

    LaneScheduler(ScheduledExecutorService pool) {
        this.pool = pool;
    }

    @Override
    public long now() {
        return System.currentTimeMillis();
    }

    @Override
    public void execute(Runnable task) {
        if (shutdown) {
            throw new RejectedExecutionException("lane is shut down");
        }
        tasks.add(task);
        kick();
    }

    private void kick() {
        if (scheduled.compareAndSet(false, true)) {
            try {
                pool.execute(this::drain);
            } catch (RejectedExecutionException e) {
                scheduled.set(false);
                tasks.clear();
                throw e;
            }
        }
    }

    private void drain() {
        running = Thread.currentThread();
        try {
            for (int i = 0; i < BATCH; i++) {
                Runnable task = tasks.poll();
                if (task == null) {
                    break;
                }
                try {
                    task.run();
                } catch (RuntimeException e) {
                    log.error("Lane task failed", e);
                }
            }
        } finally {
            running = null;
            scheduled.set(false);
        }
        if (!tasks.isEmpty()) {
            try {
                kick();
            } catch (RejectedExecutionException stopped) {
                // the pool is stopping: nothing is left to run it
            }
        }
    }

    @Override
    public Cancellable schedule(Duration delay, Runnable task) {
        ScheduledFuture<?> future = pool.schedule(() -> {
            try {
                execute(task);
            } catch (RejectedExecutionException gone) {
                // the client ended meanwhile
            }
        }, delay.toNanos(), TimeUnit.NANOSECONDS);
        return () -> future.cancel(false);
    }

    /** True while this lane runs on the calling thread. */
    boolean isLaneThread() {
        return Thread.currentThread() == running;
    }

    /** Takes no new tasks; what is queued still runs. */
    @Override
    public void shutdown() {
        shutdown = true;
    }
}
