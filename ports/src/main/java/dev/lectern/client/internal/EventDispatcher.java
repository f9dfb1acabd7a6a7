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
 * newest, or the oldest waiting one to make room for another kind), then the other events that come with
 * every frame or segment ({@link #frequent}), all counted; the events of a session's life always wait.
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

    /**
     * Over the bound: audio events go first, then the events that come with every frame or segment (rejected
     * frames, gaps, failed or lost segments, texts, drops); an event of the session's life (joined, refreshed,
     * ended, an error, the final one) is never dropped: it takes the place of one of those, and there are few
     * of them.
     */
    private boolean makeRoom(LecternEvent event) {
        if (event instanceof LecternEvent.AudioReceived) {
            dropped.incrementAndGet();
            return false;
        }
        if (evictOldest(LecternEvent.AudioReceived.class::isInstance)) {
            return true;
        }
        if (frequent(event)) {
            dropped.incrementAndGet();
            return false;
        }
        evictOldest(EventDispatcher::frequent);
        return true;
    }

    /** Events that come with frames or segments, as many as they: dropped, counted, when the listener is far behind. */
    static boolean frequent(LecternEvent event) {
        return event instanceof LecternEvent.AudioReceived || event instanceof LecternEvent.FrameRejected
                || event instanceof LecternEvent.AudioGap || event instanceof LecternEvent.SegmentGap
                || event instanceof LecternEvent.SegmentFailed || event instanceof LecternEvent.SegmentLikelyLost
                || event instanceof LecternEvent.TranscriptReceived || event instanceof LecternEvent.AudioDropped;
    }

    private boolean evictOldest(java.util.function.Predicate<LecternEvent> kind) {
        for (java.util.Iterator<LecternEvent> i = queue.iterator(); i.hasNext(); ) {
            if (kind.test(i.next())) {
                i.remove();
                queued.decrementAndGet();
                dropped.incrementAndGet();
                return true;
            }
        }
        return false;
    }

    /** Events not delivered because the listener fell behind by more than {@link #MAX_QUEUED} (audio and {@link #frequent}). */
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
