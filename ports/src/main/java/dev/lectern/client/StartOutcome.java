package dev.lectern.client;

import dev.lectern.domain.event.LecternEvent;
import dev.lectern.domain.session.LecternError;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;

/**
 * The future a client's {@code start()} returns: completed by the confirming event, or failed with a
 * {@link LecternException} carrying the last error if the client ends first. Fed on the engine's lane.
 *
 * @param <T> what a successful start yields
 */
final class StartOutcome<T> {
    private final CompletableFuture<T> future = new CompletableFuture<>();
    private final Function<LecternEvent, T> confirmation;
    private final String failure;
    private LecternError lastError; // lane-confined

    /** {@code confirmation} maps the confirming event to the result and every other event to null. */
    StartOutcome(Function<LecternEvent, T> confirmation, String failure) {
        this.confirmation = confirmation;
        this.failure = failure;
    }

    CompletableFuture<T> future() {
        return future;
    }

    void onEvent(LecternEvent event) {
        T confirmed = confirmation.apply(event);
        if (confirmed != null) {
            future.complete(confirmed);
        } else if (event instanceof LecternEvent.Error e && !future.isDone() && e.error().permanent()) {
            lastError = e.error();
        } else if (event instanceof LecternEvent.ReconnectFailed f) {
            lastError = f.lastError();
        } else if (event instanceof LecternEvent.Closed closed && !future.isDone()) {
            // a client that started long ago ends with nothing to fail: no exception to build (its stack trace
            // and message would cost more than the rest of its end, for every listener ending at once)
            future.completeExceptionally(new LecternException(failure + ": " + closed.reason()
                    + (lastError == null ? "" : " (" + lastError.code() + ": " + lastError.message() + ")"),
                    lastError, closed.reason()));
        }
    }

    /** How long the current connection has been open, or empty while there is none. */
    static java.util.Optional<java.time.Duration> connectionAge(dev.lectern.domain.session.SessionState state) {
        dev.lectern.domain.session.Link link = null;
        if (state instanceof dev.lectern.domain.session.SessionState.Active a) {
            link = a.current();
        } else if (state instanceof dev.lectern.domain.session.SessionState.Refreshing r) {
            link = r.current();
        } else if (state instanceof dev.lectern.domain.session.SessionState.Paused p) {
            link = p.current();
        }
        return link == null ? java.util.Optional.empty()
                : java.util.Optional.of(java.time.Duration.ofMillis(Math.max(0, System.currentTimeMillis() - link.openedAt())));
    }
}
