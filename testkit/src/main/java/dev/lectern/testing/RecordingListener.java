package dev.lectern.testing;

import dev.lectern.client.LecternListener;
import dev.lectern.domain.event.LecternEvent;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Records every event. Tests on real threads wait for an event with {@link #await} (a deadline, never a
 * sleep); tests on virtual time read {@link #events()}.
 */
public final class RecordingListener implements LecternListener {
    private final List<LecternEvent> all = new ArrayList<>();
    private final BlockingQueue<LecternEvent> pending = new LinkedBlockingQueue<>();

    @Override
    public void onEvent(LecternEvent event) {
        synchronized (all) {
            all.add(event);
        }
        pending.add(event);
    }

    /** Every event so far, in order. */
    public List<LecternEvent> events() {
        synchronized (all) {
            return List.copyOf(all);
        }
    }

    /** Events of one type, in order. */
    public <T extends LecternEvent> List<T> events(Class<T> type) {
        List<T> out = new ArrayList<>();
        for (LecternEvent e : events()) {
            if (type.isInstance(e)) {
                out.add(type.cast(e));
            }
        }
        return out;
    }

    /**
     * Takes events in arrival order until one of {@code type} comes, skipping the others; fails with an
     * {@link AssertionError} listing what did come if none arrives within {@code timeout}.
     */
    public <T extends LecternEvent> T await(Class<T> type, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        List<String> skipped = new ArrayList<>();
        while (true) {
            long left = deadline - System.nanoTime();
            LecternEvent e = left > 0 ? pending.poll(left, TimeUnit.NANOSECONDS) : null;
            if (e == null) {
                throw new AssertionError("no " + type.getSimpleName() + " within " + timeout.toMillis()
                        + " ms; got " + skipped);
            }
            if (type.isInstance(e)) {
                return type.cast(e);
            }
            skipped.add(e.getClass().getSimpleName());
        }
    }
}
