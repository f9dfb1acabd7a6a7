package dev.lectern.testing;

import dev.lectern.domain.ConnectionId;
import dev.lectern.domain.message.ClientMessage;
import dev.lectern.domain.session.ConnectRequest;
import dev.lectern.port.Transport;
import dev.lectern.port.TransportConnection;
import dev.lectern.port.TransportListener;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * The {@link InMemoryGateway} on the wall clock, for clients that run on real threads (a command-line
 * program, a server) but should meet no network. One thread owns the gateway and its virtual clock,
 * which it keeps at the wall-clock time; every call of the transport is carried out on that thread, so
 * clients on any threads can share it.
 */
public final class RealTimeGateway implements AutoCloseable {
    private final ScheduledExecutorService thread;
    private final ManualScheduler clock;
    private final InMemoryGateway gateway;

    private RealTimeGateway(InMemoryGateway.Settings settings) {
        clock = new ManualScheduler(System.currentTimeMillis());
        gateway = new InMemoryGateway(clock, settings);
        thread = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "lectern-inmemory-gateway");
            t.setDaemon(true);
            return t;
        });
        thread.scheduleAtFixedRate(() -> clock.advanceTo(System.currentTimeMillis()), 2, 2, TimeUnit.MILLISECONDS);
    }

    /** Starts the gateway's thread; close() stops it. */
    public static RealTimeGateway start(InMemoryGateway.Settings settings) {
        return new RealTimeGateway(Objects.requireNonNull(settings, "settings is null"));
    }

    /** Runs {@code query} on the gateway's thread and returns its result, to look at sessions or inject faults. */
    public <T> T call(Function<InMemoryGateway, T> query) {
        return CompletableFuture.supplyAsync(() -> query.apply(gateway), thread).join();
    }

    /** Connections to this gateway, usable from any thread. */
    public Transport transport() {
        Transport inner = gateway.transport();
        return (ConnectionId id, ConnectRequest request, TransportListener listener) -> {
            CompletableFuture<TransportConnection> opened = CompletableFuture.supplyAsync(() -> inner.open(id, request, listener), thread);
            return new TransportConnection() {
                @Override
                public ConnectionId id() {
                    return id;
                }

                @Override
                public CompletionStage<Void> send(ClientMessage message) {
                    return opened.thenComposeAsync(c -> c.send(message), thread);
                }

                @Override
                public void close(int code, String reason) {
                    opened.thenAcceptAsync(c -> c.close(code, reason), thread);
                }

                @Override
                public void abort() {
                    opened.thenAcceptAsync(TransportConnection::abort, thread);
                }
            };
        };
    }

    @Override
    public void close() {
        thread.shutdownNow();
    }
}
