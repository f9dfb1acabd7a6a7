package dev.lectern.client.internal;

import dev.lectern.client.LecternListener;
import dev.lectern.domain.event.LecternEvent;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Delivers events to the host's listener on the host's executor, one at a time and in order whatever
 * the executor's threading, isolating the engine from slow or throwing listeners. At most
 * {@link #MAX_QUEUED} events wait for a slow listener: past that, audio events are dropped first (the
 * newest, or the oldest waiting one to make room for another kind) and counted; the others always wait.
 * Nothing is delivered after {@link LecternEvent.Closed}.
 */
final class EventDispatcher {
    private static final Logger log = LoggerFactory.getLogger(EventDispatcher.class);
    /** Events that may wait for a slow listener: about 100 s of a listener's audio events. */
    static final int MAX_QUEUED = 1_000;
    private final java.util.concurrent.atomic.AtomicInteger queued = new java.util.concurrent.atomic.AtomicInteger();
    private final java.util.concurrent.atomic.AtomicLong dropped = new java.util.concurrent.atomic.AtomicLong();

    private final Executor executor;
    private final LecternListener listener;
    private final Queue<LecternEvent> queue = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean draining = new AtomicBoolean();
    private volatile boolean finalQueued;
    private volatile Thread deliveringThread;
    private volatile Runnable afterFinal = () -> {};
    /** Whether the listener reads {@code AudioReceived} events; if not, they are not handed over at all. */
    private final boolean wantsAudio;

    EventDispatcher(Executor executor, LecternListener listener) {
        this.executor = executor;
        this.listener = listener;
        this.wantsAudio = overrides(listener, "onEvent", LecternEvent.class)
                || overrides(listener, "onAudioReceived", LecternEvent.AudioReceived.class);
    }

    /** Whether {@code listener}'s class has its own {@code name(type)}, not the interface's default. */
    static boolean overrides(LecternListener listener, String name, Class<?> type) {
        try {
            return listener.getClass().getMethod(name, type).getDeclaringClass() != LecternListener.class;
        } catch (NoSuchMethodException | SecurityException e) {
            return true; // cannot tell: deliver
        }
    }

    /** Runs once the final event has been delivered (or could not be). */
    void afterFinal(Runnable action) {
        afterFinal = action;
    }

    void dispatch(LecternEvent event) {
        if (finalQueued || (!wantsAudio && event instanceof LecternEvent.AudioReceived)) {
            return;
        }
        if (event instanceof LecternEvent.Closed) {
            finalQueued = true;
        }
        if (queued.get() >= MAX_QUEUED && !makeRoom(event)) {
            return;
        }
        queued.incrementAndGet();
        queue.add(event);
        schedule();
    }

    /** Over the bound: drop this audio event, or the oldest audio event waiting for another kind. */
    private boolean makeRoom(LecternEvent event) {
        if (event instanceof LecternEvent.AudioReceived) {
            dropped.incrementAndGet();
            return false;
        }
        for (java.util.Iterator<LecternEvent> i = queue.iterator(); i.hasNext(); ) {
            if (i.next() instanceof LecternEvent.AudioReceived) {
                i.remove();
                queued.decrementAndGet();
                dropped.incrementAndGet();
                return true;
            }
        }
        return true; // nothing but rarer events waiting: those are never dropped
    }

    /** Audio events not delivered because the listener fell behind by more than {@link #MAX_QUEUED}. */
    long dropped() {
        return dropped.get();
    }

    boolean isDeliveringThread() {
        return Thread.currentThread() == deliveringThread;
    }

    private void schedule() {
        if (draining.compareAndSet(false, true)) {
            try {
                executor.execute(this::drain);
            } catch (RuntimeException rejected) {
                draining.set(false);
                log.warn("Event executor rejected delivery; {} events not delivered", queue.size(), rejected);
                if (finalQueued) {
                    queue.clear();
                    queued.set(0);
                    afterFinal.run();
                }
            }
        }
    }

    private void drain() {
        deliveringThread = Thread.currentThread();
        try {
            LecternEvent event;
            while ((event = queue.poll()) != null) {
                queued.decrementAndGet();
                deliver(event);
                if (event instanceof LecternEvent.Closed) {
                    queue.clear();
                    queued.set(0);
                    afterFinal.run();
                    return;
                }
            }
        } finally {
            deliveringThread = null;
            draining.set(false);
        }
        if (!queue.isEmpty()) {
            schedule();
        }
    }

    private void deliver(LecternEvent event) {
        try {
            listener.onEvent(event);
        } catch (RuntimeException | Error e) {
            log.warn("Listener threw on {}; ignored", event.getClass().getSimpleName(), e);
        }
    }
}
