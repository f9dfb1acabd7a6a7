package dev.lectern.port;

import dev.lectern.domain.ConnectionId;
import dev.lectern.domain.message.ClientMessage;
import java.util.Objects;
import java.util.concurrent.CompletionStage;

/** A connection that passes everything to another; tests override what they observe. */
public class ForwardingConnection implements TransportConnection {
    private final TransportConnection delegate;

    public ForwardingConnection(TransportConnection delegate) {
        this.delegate = Objects.requireNonNull(delegate, "delegate is null");
    }

    @Override
    public ConnectionId id() {
        return delegate.id();
    }

    @Override
    public CompletionStage<Void> send(ClientMessage message) {
        return delegate.send(message);
    }

    @Override
    public void close(int code, String reason) {
        delegate.close(code, reason);
    }

    @Override
    public void abort() {
        delegate.abort();
    }
}
