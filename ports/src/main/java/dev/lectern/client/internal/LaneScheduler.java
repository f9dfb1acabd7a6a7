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
 *
 * <p>{@link #executeHere} lets a transport's thread run an idle lane itself instead of handing the task to
 * the pool: a lane's work never blocks (the sink queues, sends are asynchronous, events go to their own
 * threads), and the hand-off, a queue and a wake-up per received frame, cost more than the step.
 *
 * <p>Public for the benchmarks only; like everything in this package, not API.
 */
public final class LaneScheduler implements Scheduler {
    private static final Logger log = LoggerFactory.getLogger(LaneScheduler.class);
    private static final int BATCH = 64;
    /** Whether the current thread is running a lane, so that one lane's effects never run another lane inline. */
    private static final ThreadLocal<boolean[]> IN_A_LANE = ThreadLocal.withInitial(() -> new boolean[1]);

    private final ScheduledExecutorService pool;
    private final Queue<Runnable> tasks = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean scheduled = new AtomicBoolean();
    private volatile boolean shutdown;
    private volatile Thread running;

    public LaneScheduler(ScheduledExecutorService pool) {
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

    /**
     * Runs {@code task} on the calling thread, at once, when this lane is idle and the caller is not running
     * a lane already; otherwise queues it as {@link #execute} does. Order is kept either way: the lane runs
     * its tasks in the order they were given, one at a time.
     */
    public void executeHere(Runnable task) {
        if (shutdown) {
            throw new RejectedExecutionException("lane is shut down");
        }
        if (IN_A_LANE.get()[0]) {
            tasks.add(task);
            kick();
        } else if (scheduled.compareAndSet(false, true)) {
            // This thread holds the lane now. With nothing queued before it, the task runs without passing
            // through the queue (for a received frame, the usual case, that was a node, an offer and a poll);
            // otherwise it waits its turn behind what is queued.
            if (tasks.isEmpty()) {
                drain(task);
            } else {
                tasks.add(task);
                drain(null);
            }
        } else {
            tasks.add(task); // the lane is running or about to: it takes the task (drain looks again after it lets go)
        }
    }

    private void kick() {
        if (scheduled.compareAndSet(false, true)) {
            try {
                pool.execute(() -> drain(null));
            } catch (RejectedExecutionException e) {
                scheduled.set(false);
                tasks.clear();
                throw e;
            }
        }
    }

    /** Runs {@code first} (if any) and then queued tasks, up to a batch; the caller holds {@link #scheduled}. */
    private void drain(Runnable first) {
        running = Thread.currentThread();
        boolean[] inALane = IN_A_LANE.get();
        inALane[0] = true;
        try {
            Runnable task = first != null ? first : tasks.poll();
            for (int i = 0; i < BATCH && task != null; i++) {
                try {
                    task.run();
                } catch (RuntimeException e) {
                    log.error("Lane task failed", e);
                }
                task = i + 1 < BATCH ? tasks.poll() : null;
            }
        } finally {
            inALane[0] = false;
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
                executeHere(task); // on the pool's thread already: no second hand-off
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
