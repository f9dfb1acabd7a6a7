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
 * the executor's threading, isolating the engine from slow or throwing listeners. Nothing is delivered
 * after {@link LecternEvent.Closed}.
 */
final class EventDispatcher {
    private static final Logger log = LoggerFactory.getLogger(EventDispatcher.class);

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
        queue.add(event);
        schedule();
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
                deliver(event);
                if (event instanceof LecternEvent.Closed) {
                    queue.clear();
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
