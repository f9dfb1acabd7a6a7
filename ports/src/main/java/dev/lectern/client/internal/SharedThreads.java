package dev.lectern.client.internal;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The threads every client in the process shares unless its host gives it a scheduler or an event
 * executor of its own: one pool runs the clients' lanes and timers, one delivers their events, each with
 * as many daemon threads as there are cores (two at least). Threads do not grow with the number of
 * clients. Reference-counted: the pools start with the first client and stop when the last one has
 * delivered its final event, so no Lectern thread outlives the clients.
 */
final class SharedThreads {
    private static final int SIZE = Math.max(2, Runtime.getRuntime().availableProcessors());
    private static SharedThreads current;
    private static int users;

    final ScheduledThreadPoolExecutor lanes;
    final ExecutorService events;

    private SharedThreads() {
        lanes = new ScheduledThreadPoolExecutor(SIZE, daemons("lectern-lane-"));
        lanes.setRemoveOnCancelPolicy(true);
        lanes.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
        events = new ThreadPoolExecutor(SIZE, SIZE, 30, TimeUnit.SECONDS, new LinkedBlockingQueue<>(), daemons("lectern-events-"));
    }

    private static ThreadFactory daemons(String prefix) {
        AtomicInteger count = new AtomicInteger();
        return task -> {
            Thread t = new Thread(task, prefix + count.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }

    /** The shared pools, started if no client holds them; pair with {@link #release()}. */
    static synchronized SharedThreads acquire() {
        if (current == null) {
            current = new SharedThreads();
        }
        users++;
        return current;
    }

    /** One client is done with the pools; the last one stops them (their threads end once idle). */
    void release() {
        synchronized (SharedThreads.class) {
            if (current != this || --users > 0) {
                return;
            }
            current = null;
        }
        lanes.shutdown();
        events.shutdown();
    }
}
