package dev.lectern.port;

import dev.lectern.domain.ConnectionId;
import dev.lectern.domain.message.ClientMessage;
import java.util.concurrent.CompletionStage;

/** One connection, as the engine drives it. All methods are non-blocking and safe to call in any state. */
public interface TransportConnection {

    ConnectionId id();

    /**
     * Encodes and writes {@code message}. The stage completes when the transport has taken the frame, or
     * fails (for example the connection is gone, or the message is over the size limit).
     */
    CompletionStage<Void> send(ClientMessage message);

    /** Closes gracefully with {@code code} and {@code reason}, after the frames already sent. */
    void close(int code, String reason);

    /**
     * Drops the connection at once, without a close handshake; the listener then hears of it exactly once,
     * as {@code onClosed} with 1006 (abnormal closure), and a later {@code close} does nothing.
     */
    void abort();
}
