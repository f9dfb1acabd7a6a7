package dev.lectern.port;

import java.time.Duration;

/**
 * The engine's clock, timer and serial lane. Tasks given to {@link #execute} run one at a time, in order;
 * timer tasks run on the same lane. Tests use a virtual one ({@code ManualScheduler}), so a day of
 * session runs in moments and deterministically.
 */
public interface Scheduler {

    /** The time, epoch milliseconds. */
    long now();

    /** Runs {@code task} on the lane, after the tasks already queued. */
    void execute(Runnable task);

    /** Runs {@code task} on the lane after {@code delay}; the handle cancels it. */
    Cancellable schedule(Duration delay, Runnable task);

    /** A scheduled task that can be cancelled. */
    interface Cancellable {
        void cancel();
    }

    /** Stops the lane after the queued tasks; a scheduler a client made itself is shut down with the client. */
    default void shutdown() {}
}
