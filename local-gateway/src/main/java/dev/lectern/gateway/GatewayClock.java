package dev.lectern.gateway;

import java.time.Clock;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The gateway's time: the clock it reads and the timer it schedules on. */
final class GatewayClock {
    private static final Logger log = LoggerFactory.getLogger(GatewayClock.class);
    private final Clock clock;
    private final ScheduledExecutorService timer;

    GatewayClock(Clock clock, ScheduledExecutorService timer) {
        this.clock = clock;
        this.timer = timer;
    }

    long now() {
        return clock.millis();
    }

    Clock clock() {
        return clock;
    }

    /**
     * Runs {@code task} after {@code millis}. A gateway being stopped has nothing left to time: work still
     * draining from its lanes (a speaker's grace period after the server closed its socket) is not scheduled,
     * and null is returned.
     */
    ScheduledFuture<?> later(Runnable task, long millis) {
        try {
            return timer.schedule(task, millis, TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            if (!timer.isShutdown()) {
                throw e;
            }
            log.debug("gateway stopping; not scheduled: {}", task);
            return null;
        }
    }

    /** Runs {@code task} every {@code millis}, first after {@code millis}. */
    void every(long millis, Runnable task) {
        timer.scheduleWithFixedDelay(task, millis, millis, TimeUnit.MILLISECONDS);
    }
}
