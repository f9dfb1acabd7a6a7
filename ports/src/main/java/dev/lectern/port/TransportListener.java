package dev.lectern.port;

import dev.lectern.domain.ConnectionId;
import dev.lectern.domain.message.ServerMessage;
import dev.lectern.domain.session.ConnectFailure;

/** Transport callbacks; the engine only enqueues them onto its serial lane. Each is tagged with its connection. */
public interface TransportListener {

    /** The upgrade completed. */
    void onOpen(ConnectionId id);

    /** A frame arrived and was decoded. */
    void onMessage(ConnectionId id, ServerMessage message);

    /** A frame arrived that could not be decoded; it is skipped. */
    void onMalformed(ConnectionId id, String reason);

    /** The connection could not be opened: refused upgrade (with its HTTP status) or network failure. */
    void onRefused(ConnectionId id, ConnectFailure failure);

    /** The connection closed; {@code code} 1006 when it broke without a close frame. */
    void onClosed(ConnectionId id, int code, String reason);
}
