package dev.lectern.testing;

import dev.lectern.port.Scheduler;
import java.time.Duration;
import java.util.PriorityQueue;

/**
 * A virtual clock and lane: nothing runs until the test advances time, and then tasks run on the calling
 * thread in time order (ties in submission order). Deterministic, so a day of session runs in moments and
 * the same seed always gives the same run. Not for use from several threads at once.
 */
public final class ManualScheduler implements Scheduler {
    private final PriorityQueue<Task> queue = new PriorityQueue<>();
    /** Tasks handed to {@link #execute}: due at once, already in (time, order) order. */
    private final java.util.ArrayDeque<Task> ready = new java.util.ArrayDeque<>();
    private long now;
    private long sequence;
    private long executed;

    private static final class Task implements Comparable<Task>, Cancellable {
        final long at;
        final long order;
        final Runnable body;
        boolean cancelled;

        Task(long at, long order, Runnable body) {
            this.at = at;
            this.order = order;
            this.body = body;
        }

        @Override
        public int compareTo(Task o) {
            int byTime = Long.compare(at, o.at);
            return byTime != 0 ? byTime : Long.compare(order, o.order);
        }

        @Override
        public void cancel() {
            cancelled = true;
        }
    }

    /** Starts the clock at {@code startMillis} (epoch milliseconds). */
    public ManualScheduler(long startMillis) {
        this.now = startMillis;
    }

    @Override
    public long now() {
        return now;
    }

    @Override
    public void execute(Runnable task) {
        ready.add(new Task(now, sequence++, task));
    }

    @Override
    public Cancellable schedule(Duration delay, Runnable task) {
        long millis = Math.max(0, (delay.toNanos() + 999_999) / 1_000_000);
        Task t = new Task(now + millis, sequence++, task);
        queue.add(t);
        return t;
    }

    /** Runs everything due now, including what those tasks queue for now. */
    public void runDue() {
        advanceTo(now);
    }

    /** Moves time forward by {@code duration}, running each task at its time. */
    public void advance(Duration duration) {
        advanceTo(now + duration.toMillis());
    }

    /** Moves time forward to {@code target}, running each task at its time. */
    public void advanceTo(long target) {
        Task next;
        while ((next = nextDue(target)) != null) {
            if (next.cancelled) {
                continue;
            }
            now = Math.max(now, next.at);
            executed++;
            next.body.run();
        }
        now = Math.max(now, target);
    }

    /** Takes the earliest task due by {@code target}, from either queue, keeping (time, order) order. */
    private Task nextDue(long target) {
        Task timed = queue.peek();
        Task immediate = ready.peek();
        if (immediate != null && (timed == null || immediate.compareTo(timed) < 0)) {
            return ready.poll();
        }
        if (timed != null && timed.at <= target) {
            return queue.poll();
        }
        return null;
    }

    /** Tasks waiting, cancelled ones excluded. */
    public int pending() {
        int n = ready.size();
        for (Task t : queue) {
            if (!t.cancelled) {
                n++;
            }
        }
        return n;
    }

    /** Tasks run so far. */
    public long executed() {
        return executed;
    }
}
