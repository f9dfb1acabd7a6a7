package dev.lectern.client;

import dev.lectern.client.internal.SessionEngine;
import dev.lectern.domain.event.LecternEvent;
import dev.lectern.domain.session.SessionState;
import dev.lectern.port.Scheduler;
import dev.lectern.port.Transport;
import java.util.Objects;
import java.util.concurrent.Executor;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Consumer;

/**
 * What both clients' builders share: the transport, the scheduler, where events go, and the seed of
 * the jitter draws.
 *
 * @param <B> the concrete builder, returned by every setter
 */
public abstract class ClientBuilder<B extends ClientBuilder<B>> {
    Transport transport;
    Scheduler scheduler;
    Executor eventExecutor;
    LecternListener listener;
    Long seed;

    ClientBuilder() {}

    @SuppressWarnings("unchecked")
    private B self() {
        return (B) this;
    }

    /** Required: how connections are made ({@code JettyTransport}, or the test kit's in-memory one). */
    public B transport(Transport value) {
        transport = value;
        return self();
    }

    /** Optional: a scheduler the host owns (tests pass a virtual one); by default the client makes its own lane. */
    public B scheduler(Scheduler value) {
        scheduler = value;
        return self();
    }

    /** Optional: where events are delivered; by default one daemon thread for this client. */
    public B eventExecutor(Executor value) {
        eventExecutor = value;
        return self();
    }

    public B listener(LecternListener value) {
        listener = value;
        return self();
    }

    /**
     * Optional: fixes the jitter draws, for reproducible tests; by default every client draws its own seed,
     * so that clients that lost their connections together do not retry together.
     */
    public B seed(long value) {
        seed = value;
        return self();
    }

    long seedOrRandom() {
        // Jitter needs seeds that differ, not secrets: a SecureRandom per client would cost far more than this
        return seed != null ? seed : ThreadLocalRandom.current().nextLong();
    }

    /** The engine builder with everything the two clients set alike. */
    SessionEngine.Builder engine(SessionState initial, Consumer<LecternEvent> tap) {
        return SessionEngine.builder()
                .initial(initial)
                .transport(Objects.requireNonNull(transport, "transport is null"))
                .scheduler(scheduler)
                .eventExecutor(eventExecutor)
                .listener(listener)
                .tap(tap);
    }
}
