package dev.lectern.port;

import dev.lectern.domain.ConnectionId;
import dev.lectern.domain.session.ConnectRequest;

/**
 * Opens WebSocket connections to the service. Asynchronous: {@link #open} returns at once and the
 * outcome arrives through the {@link TransportListener}, every callback tagged with the connection id
 * the engine chose, so a late callback of a retired connection is never confused with the current one.
 */
public interface Transport {

    /**
     * Starts opening connection {@code id} for {@code request}. Exactly one of
     * {@link TransportListener#onOpen} or {@link TransportListener#onRefused} follows, and after
     * {@code onOpen} exactly one {@link TransportListener#onClosed}.
     */
    TransportConnection open(ConnectionId id, ConnectRequest request, TransportListener listener);
}
