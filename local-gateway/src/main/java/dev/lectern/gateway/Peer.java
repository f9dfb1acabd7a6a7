package dev.lectern.gateway;

import java.util.function.Consumer;

/** The gateway's view of one WebSocket: what the core needs, nothing of Jetty. */
interface Peer {

    /** Writes a text frame; {@code done} runs with null on success or the failure. */
    void sendText(EncodedText text, Consumer<Throwable> done);

    /** Closes with a close frame. */
    void close(int code, String reason);

    /** Drops the connection without a close frame. */
    void disconnect();
}
