package dev.lectern.jetty.internal;

import java.nio.channels.SelectableChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;
import org.eclipse.jetty.io.ClientConnector;
import org.eclipse.jetty.io.Connection;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.io.ManagedSelector;
import org.eclipse.jetty.io.SocketChannelEndPoint;
import org.eclipse.jetty.io.ssl.SslConnection;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.thread.Scheduler;
import org.eclipse.jetty.websocket.core.WebSocketConnection;

/**
 * A Jetty client connector whose WebSocket connections are read on their selector's own thread, as an event
 * loop reads them: no hand-off to another thread per frame.
 *
 * <p>Jetty treats the read of a connection as possibly blocking, so its selector hands every ready
 * connection to another thread (or hands its own selecting to another thread and reads itself). For a
 * WebSocket connection of this transport nothing on that path blocks: the frame is parsed, decoded and
 * given to the client's lane, whose step queues audio for the sink, sends asynchronously and hands events to
 * their own threads. Marking those reads non-blocking lets the selector run them itself: no context switch
 * and no change of read interest per frame.
 *
 * <p>HTTP, the upgrade handshake and TLS handshakes keep Jetty's default; over TLS the read of an upgraded
 * connection (decrypt, then parse) runs on the selector too.
 */
final class EventLoopConnector extends ClientConnector {

    @Override
    protected EndPoint newEndPoint(SelectableChannel channel, ManagedSelector selector, SelectionKey key) {
        if (channel instanceof SocketChannel socket) {
            return new EventLoopEndPoint(socket, selector, key, getScheduler());
        }
        return super.newEndPoint(channel, selector, key);
    }

    /** A TCP end point that marks the read callback of an upgraded WebSocket connection as non-blocking. */
    static final class EventLoopEndPoint extends SocketChannelEndPoint {
        /** The upgraded connection's read callback, declared non-blocking (it registers the same one each time). */
        private NonBlockingRead nonBlocking;

        EventLoopEndPoint(SocketChannel channel, ManagedSelector selector, SelectionKey key, Scheduler scheduler) {
            super(channel, selector, key, scheduler);
        }

        @Override
        public void fillInterested(Callback callback) {
            super.fillInterested(onSelector(callback));
        }

        @Override
        public boolean tryFillInterested(Callback callback) {
            return super.tryFillInterested(onSelector(callback));
        }

        /** Whether this end point carries an upgraded WebSocket connection, directly or inside TLS. */
        private boolean carriesWebSocket() {
            Connection connection = getConnection();
            if (connection instanceof SslConnection tls) {
                connection = tls.getSslEndPoint().getConnection();
            }
            return connection instanceof WebSocketConnection;
        }

        // Only one read is ever pending on an end point (Jetty's FillInterest refuses a second), so the field
        // is written by one thread at a time, before the registration that publishes it. Once upgraded, a
        // connection registers the same callback for every frame: the first test answers.
        private Callback onSelector(Callback callback) {
            NonBlockingRead known = nonBlocking;
            if (known != null && known.read() == callback) {
                return known;
            }
            if (!carriesWebSocket()) {
                return callback;
            }
            nonBlocking = new NonBlockingRead(callback);
            return nonBlocking;
        }
    }

    /** {@code read}, declared non-blocking so that the selector runs it on its own thread. */
    private record NonBlockingRead(Callback read) implements Callback {
        @Override
        public void succeeded() {
            read.succeeded();
        }

        @Override
        public void failed(Throwable failure) {
            read.failed(failure);
        }

        @Override
        public InvocationType getInvocationType() {
            return InvocationType.NON_BLOCKING;
        }
    }
}
