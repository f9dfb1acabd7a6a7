package dev.lectern.testing;

import dev.lectern.domain.ConnectionId;
import dev.lectern.domain.message.ServerMessage;
import dev.lectern.domain.session.ConnectFailure;
import dev.lectern.domain.session.ConnectRequest;
import dev.lectern.domain.session.SessionState;
import dev.lectern.port.ForwardingConnection;
import dev.lectern.port.Transport;
import dev.lectern.port.TransportConnection;
import dev.lectern.port.TransportListener;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;

/**
 * Counts one client's connections as the client holds them: from {@code open} until the client closes or
 * aborts it, or the transport reports it refused or closed. Checks guarantee 3 per client: never more
 * than two, and two only while the client is refreshing (a refresh may run while paused), the second one
 * being a {@code refreshConnection}.
 */
final class ConnectionCensus implements Transport {
    private static final int MAX_REPORTED = 10;
    private final String name;
    private final Transport delegate;
    private final List<String> violations;
    private final Set<ConnectionId> held = new HashSet<>();
    private Supplier<SessionState.Kind> state = () -> null;
    private int most;
    private int reported;

    ConnectionCensus(String name, Transport delegate, List<String> violations) {
        this.name = name;
        this.delegate = delegate;
        this.violations = violations;
    }

    /** The client whose state the census checks against; set once the client is built. */
    void watch(Supplier<SessionState.Kind> clientState) {
        state = clientState;
    }

    /** The most connections the client held at once. */
    int most() {
        return most;
    }

    /** Between steps: two connections only while refreshing. */
    void check(String when) {
        if (held.size() == 2 && !refreshing()) {
            violate(when + ": two connections " + held + " in state " + state.get());
        }
    }

    private boolean refreshing() {
        SessionState.Kind kind = state.get();
        return kind == SessionState.Kind.REFRESHING || kind == SessionState.Kind.PAUSED;
    }

    private void violate(String what) {
        if (reported++ < MAX_REPORTED) {
            violations.add(name + ": " + what);
        }
    }

    @Override
    public TransportConnection open(ConnectionId id, ConnectRequest request, TransportListener listener) {
        held.add(id);
        most = Math.max(most, held.size());
        if (held.size() > 2) {
            violate("more than two connections at once: " + held);
        } else if (held.size() == 2 && (!(request instanceof ConnectRequest.RefreshConnection) || !refreshing())) {
            violate("second connection " + id + " opened with " + request.getClass().getSimpleName() + " in state " + state.get());
        }
        TransportConnection connection = delegate.open(id, request, new TransportListener() {
            @Override
            public void onOpen(ConnectionId c) {
                listener.onOpen(c);
            }

            @Override
            public void onMessage(ConnectionId c, ServerMessage message) {
                listener.onMessage(c, message);
            }

            @Override
            public void onMalformed(ConnectionId c, String reason) {
                listener.onMalformed(c, reason);
            }

            @Override
            public void onRefused(ConnectionId c, ConnectFailure failure) {
                held.remove(c);
                listener.onRefused(c, failure);
            }

            @Override
            public void onClosed(ConnectionId c, int code, String reason) {
                held.remove(c);
                listener.onClosed(c, code, reason);
            }
        });
        return new ForwardingConnection(connection) {
            @Override
            public void close(int code, String reason) {
                held.remove(id);
                super.close(code, reason);
            }

            @Override
            public void abort() {
                held.remove(id);
                super.abort();
            }
        };
    }
}
