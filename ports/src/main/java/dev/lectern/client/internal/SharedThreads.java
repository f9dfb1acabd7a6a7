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
 * clients. A host listener that blocks holds an event thread, though: when every event thread has been
 * busy with one delivery for {@link #STALLED} the event pool takes one more thread (up to
 * {@link #MAX_EXTRA_EVENT_THREADS} more, given back once idle), so that a blocked listener delays only
 * its own client. Reference-counted: the pools start with the first client and stop when the last one
 * has delivered its final event, so no Lectern thread outlives the clients.
 */
final class SharedThreads {
    private static final int SIZE = Math.max(2, Runtime.getRuntime().availableProcessors());
    /** A delivery this long is a listener that blocks (or does real work on the event thread). */
    static final long STALLED = 250;
    static final int MAX_EXTRA_EVENT_THREADS = 64;
    private static SharedThreads current;
    private static int users;

    final ScheduledThreadPoolExecutor lanes;
    final java.util.concurrent.Executor events;
    private final ThreadPoolExecutor eventPool;
    /** When each event thread began the delivery it is in, for the stall check. */
    private final java.util.Map<Thread, Long> delivering = new java.util.concurrent.ConcurrentHashMap<>();

    private SharedThreads() {
        lanes = new ScheduledThreadPoolExecutor(SIZE, daemons("lectern-lane-"));
        lanes.setRemoveOnCancelPolicy(true);
        lanes.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
        eventPool = new ThreadPoolExecutor(SIZE, SIZE + MAX_EXTRA_EVENT_THREADS, 30, TimeUnit.SECONDS, new LinkedBlockingQueue<>(),
                daemons("lectern-events-"));
        events = task -> eventPool.execute(() -> {
            Thread me = Thread.currentThread();
            delivering.put(me, System.nanoTime());
            try {
                task.run();
            } finally {
                delivering.remove(me);
            }
        });
        lanes.scheduleWithFixedDelay(this::growIfStalled, STALLED, STALLED / 2, TimeUnit.MILLISECONDS);
    }

    /**
     * One more event thread while every one is stalled and deliveries wait; back to the base size once none
     * is (the extra threads end when idle).
     */
    private void growIfStalled() {
        long now = System.nanoTime();
        int stalled = 0;
        for (long since : delivering.values()) {
            if (now - since >= TimeUnit.MILLISECONDS.toNanos(STALLED)) {
                stalled++;
            }
        }
        int core = eventPool.getCorePoolSize();
        if (stalled >= core && !eventPool.getQueue().isEmpty() && core < SIZE + MAX_EXTRA_EVENT_THREADS) {
            eventPool.setCorePoolSize(core + 1);
            eventPool.prestartCoreThread();
        } else if (stalled < SIZE && core > SIZE) {
            eventPool.setCorePoolSize(SIZE); // the extra threads go once idle (keep-alive)
        }
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
        eventPool.shutdown();
    }
}
