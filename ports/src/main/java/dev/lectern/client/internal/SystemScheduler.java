package dev.lectern.client.internal;

import dev.lectern.port.Scheduler;
import java.time.Duration;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/** The real scheduler: one daemon thread is the lane and runs the timers; the wall clock is the time. */
public final class SystemScheduler implements Scheduler {
    private static final AtomicInteger COUNT = new AtomicInteger();

    private final ScheduledThreadPoolExecutor executor;
    private volatile Thread lane;

    private SystemScheduler(String name) {
        String threadName = name + "-" + COUNT.incrementAndGet();
        executor = new ScheduledThreadPoolExecutor(1, task -> {
            Thread t = new Thread(task, threadName);
            t.setDaemon(true);
            lane = t;
            return t;
        });
        executor.setRemoveOnCancelPolicy(true);
        executor.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
    }

    /** A new lane on its own daemon thread named {@code name-N}. */
    public static SystemScheduler create(String name) {
        return new SystemScheduler(name);
    }

    @Override
    public long now() {
        return System.currentTimeMillis();
    }

    @Override
    public void execute(Runnable task) {
        executor.execute(task);
    }

    @Override
    public Cancellable schedule(Duration delay, Runnable task) {
        ScheduledFuture<?> future = executor.schedule(task, delay.toNanos(), TimeUnit.NANOSECONDS);
        return () -> future.cancel(false);
    }

    /** True on the lane's own thread. */
    public boolean isLaneThread() {
        return Thread.currentThread() == lane;
    }

    @Override
    public void shutdown() {
        executor.shutdown();
    }

    /** Waits for the lane thread to end after {@link #shutdown()}. */
    public boolean awaitTermination(Duration timeout) throws InterruptedException {
        return executor.awaitTermination(timeout.toNanos(), TimeUnit.NANOSECONDS);
    }
}
