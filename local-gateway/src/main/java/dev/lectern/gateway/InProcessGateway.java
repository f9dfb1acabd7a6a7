package dev.lectern.gateway;

import java.security.SecureRandom;
import java.time.Clock;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;

/**
 * The gateway's protocol in this process, with no sockets under it: each connection is a {@link Link}
 * whose frames go to a {@link FrameSink} of the caller's, written on the caller's thread. For measuring the
 * protocol's own work (the fan-out benchmark) and for tests that need no network. Every token is taken as
 * valid and every language is relayed as it came.
 */
public final class InProcessGateway implements AutoCloseable {
    private final ScheduledExecutorService timer;
    private final GatewayCore core;

    /** Where a connection's frames go. */
    public interface FrameSink {
        /** One text frame: its JSON and its size in UTF-8 bytes, as it would go on the wire. */
        void text(String json, int utf8Bytes);
    }

    /** One connection, open from {@link InProcessGateway#connect} until {@link #close}. */
    public final class Link {
        private final GatewayConnection conn;

        private Link(GatewayConnection conn) {
            this.conn = conn;
        }

        /** The client sends {@code text}. */
        public void send(String text) {
            core.received(conn, text);
        }

        /** The client closes the connection with {@code code}. */
        public void close(int code) {
            core.closed(conn, code, "");
        }
    }

    private InProcessGateway(GatewaySettings settings) {
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "lectern-in-process-gateway-timer");
            t.setDaemon(true);
            return t;
        });
        this.core = new GatewayCore(settings, TokenVerifier.ANY, Translator.RELAY, SessionIdGenerator.withBuiltInWords(new SecureRandom()),
                timer, Runnable::run, Clock.systemUTC(), GatewayObserver.NONE);
    }

    /** A gateway with {@code settings} (their host and port are not used). */
    public static InProcessGateway start(GatewaySettings settings) {
        return new InProcessGateway(settings);
    }

    /**
     * Connects with the connect query {@code query} (protocol section 1) from {@code remoteIp}; the first frame,
     * if the protocol sends one, has reached {@code sink} when this returns.
     *
     * @throws IllegalStateException when the connect is refused, naming its status and code
     */
    public Link connect(Map<String, String> query, String remoteIp, FrameSink sink) {
        Peer peer = new Peer() {
            @Override
            public void sendText(EncodedText text, java.util.function.Consumer<Throwable> done) {
                sink.text(text.text(), text.size());
                done.accept(null);
            }

            @Override
            public void close(int code, String reason) {}

            @Override
            public void disconnect() {}
        };
        GatewayConnection conn;
        try {
            conn = core.accept(query, null, remoteIp, peer);
        } catch (Refusal refusal) {
            throw new IllegalStateException("connect refused: " + refusal.status + " " + refusal.code + ": " + refusal.getMessage());
        }
        core.opened(conn);
        return new Link(conn);
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
