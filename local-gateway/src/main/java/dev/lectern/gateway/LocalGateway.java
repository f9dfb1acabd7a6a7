package dev.lectern.gateway;

import dev.lectern.domain.SessionId;
import dev.lectern.jetty.JettyTransport;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.Fields;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.eclipse.jetty.websocket.api.Session;
import org.eclipse.jetty.websocket.common.WebSocketSession;
import org.eclipse.jetty.websocket.core.Frame;
import org.eclipse.jetty.websocket.core.OpCode;
import org.eclipse.jetty.websocket.server.ServerUpgradeRequest;
import org.eclipse.jetty.websocket.server.ServerUpgradeResponse;
import org.eclipse.jetty.websocket.server.WebSocketUpgradeHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The local gateway, embeddable: a Jetty WebSocket server that speaks the service's protocol on your
 * machine. {@link #start()} returns the URI to give clients; {@link #close()} stops it.
 *
 * <pre>{@code
 * try (LocalGateway gateway = LocalGateway.builder().settings(GatewaySettings.builder().port(0).build()).build()) {
 *     URI endpoint = gateway.start();   // ws://127.0.0.1:PORT
 *     ...
 * }
 * }</pre>
 */
public final class LocalGateway implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(LocalGateway.class);
    /** The service's frame limit: a bigger client frame closes the connection with 1009. */
    public static final int MAX_FRAME_BYTES = dev.lectern.jetty.ClientFrameWriter.MAX_FRAME_BYTES;

    private final GatewaySettings settings;
    private final TokenVerifier verifier;
    private final Translator translator;
    private final GatewayObserver observer;
    private ScheduledExecutorService timer;
    private java.util.concurrent.ExecutorService workers;
    private Server server;
    private Server admin;
    private URI adminUri;
    private String adminToken;
    private GatewayCore core;
    private URI uri;
    private URI sessionApiUri;
    private ServerConnector httpConnector;

    private LocalGateway(Builder b) {
        this.settings = b.settings;
        this.verifier = b.verifier;
        this.translator = b.translator;
        this.observer = b.observer;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Starts listening; returns {@code ws://host:port}. */
    public synchronized URI start() throws Exception {
        if (server != null) {
            return uri;
        }
        timer = Executors.newSingleThreadScheduledExecutor(task -> {
            Thread t = new Thread(task, "lectern-gateway-timer");
            t.setDaemon(true);
            return t;
        });
        java.util.concurrent.atomic.AtomicInteger workerCount = new java.util.concurrent.atomic.AtomicInteger();
        workers = Executors.newFixedThreadPool(Math.max(2, Runtime.getRuntime().availableProcessors()), task -> {
            Thread t = new Thread(task, "lectern-gateway-session-" + workerCount.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        core = new GatewayCore(settings, verifier, translator, SessionIdGenerator.withBuiltInWords(new SecureRandom()),
                timer, workers, Clock.systemUTC(), observer);
        QueuedThreadPool threads = new QueuedThreadPool(Math.max(16, Runtime.getRuntime().availableProcessors() * 8), 4);
        threads.setName("lectern-gateway");
        server = new Server(threads);
        ServerConnector connector;
        if (settings.tlsKeyStore() != null) {
            org.eclipse.jetty.util.ssl.SslContextFactory.Server tls = new org.eclipse.jetty.util.ssl.SslContextFactory.Server();
            tls.setKeyStorePath(settings.tlsKeyStore().toString());
            tls.setKeyStorePassword(settings.tlsKeyStorePassword());
            connector = new ServerConnector(server, tls);
        } else {
            connector = new ServerConnector(server);
        }
        connector.setHost(settings.host());
        connector.setPort(settings.port());
        connector.setAcceptQueueSize(1024);
        server.addConnector(connector);
        WebSocketUpgradeHandler upgrades = WebSocketUpgradeHandler.from(server, container -> {
            container.setMaxTextMessageSize(MAX_FRAME_BYTES);
            container.setMaxBinaryMessageSize(MAX_FRAME_BYTES);
            container.setIdleTimeout(settings.idleTimeout().plusMinutes(1));
            container.addMapping("/*", this::upgrade);
        });
        if (settings.flavor() == GatewaySettings.Flavor.DEPLOYED) {
            upgrades.setHandler(new SessionHttpApi(core, verifier));
            if (settings.httpPort() >= 0) {
                ServerConnector http = new ServerConnector(server);
                http.setHost(settings.host());
                http.setPort(settings.httpPort());
                server.addConnector(http);
                httpConnector = http;
            }
        } else upgrades.setHandler(new Handler.Abstract() {
            @Override
            public boolean handle(Request request, Response response, Callback callback) {
                boolean health = "/health".equals(Request.getPathInContext(request));
                response.setStatus(health ? 200 : 426);
                response.getHeaders().put("Content-Type", "application/json");
                String body = health ? "{\"status\":\"ok\"}" : "{\"error\":\"UPGRADE_REQUIRED\",\"message\":\"connect with WebSocket\"}";
                response.write(true, ByteBuffer.wrap(body.getBytes(StandardCharsets.UTF_8)), callback);
                return true;
            }
        });
        server.setHandler(upgrades);
        server.start();
        uri = URI.create((settings.tlsKeyStore() != null ? "wss://" : "ws://") + settings.host() + ":" + connector.getLocalPort());
        if (settings.flavor() == GatewaySettings.Flavor.DEPLOYED) {
            sessionApiUri = httpConnector != null
                    ? URI.create("http://" + settings.host() + ":" + httpConnector.getLocalPort())
                    : URI.create((settings.tlsKeyStore() != null ? "https://" : "http://") + settings.host() + ":" + connector.getLocalPort());
        }
        if (core.segments != null) {
            core.segments.base = sessionApiUri.toString();
        }
        if (settings.adminPort() >= 0) {
            adminToken = newAdminToken();
            admin = AdminEndpoint.start(settings.adminPort(), new GatewayFaults(core), adminToken);
            adminUri = URI.create("http://127.0.0.1:" + ((ServerConnector) admin.getConnectors()[0]).getLocalPort());
        }
        return uri;
    }

    /** The token the admin endpoint asks for ({@code Authorization: Bearer}), when {@code adminPort} is set, else null. */
    public String adminToken() {
        return adminToken;
    }

    private static String newAdminToken() {
        byte[] b = new byte[18];
        new java.security.SecureRandom().nextBytes(b);
        return java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }

    /** The admin endpoint's base URI when {@code adminPort} is set, else null. */
    public URI adminUri() {
        return adminUri;
    }

    /** Fault injection; available once started. */
    public GatewayFaults faults() {
        if (core == null) {
            throw new IllegalStateException("start the gateway first");
        }
        return new GatewayFaults(core);
    }

    /**
     * The HTTP session API's base URI ({@code http://host:port}), once started with the deployed flavor;
     * null with the seed flavor, which has none.
     */
    public URI sessionApiUri() {
        return sessionApiUri;
    }

    /** Which service this gateway stands in for. */
    public GatewaySettings.Flavor flavor() {
        return settings.flavor();
    }

    /** Deployed flavor: translated segments announced so far (one a batch, whatever the languages). */
    public int segmentsAnnounced() {
        return core == null || core.segments == null ? 0 : core.segments.segments();
    }

    /** Deployed flavor: segment fetches answered so far, valid or not. */
    public long segmentFetches() {
        return core == null || core.store == null ? 0 : core.store.gets();
    }

    /** Deployed flavor: client messages that reached no working handler and got no answer. */
    public long undeliveredMessages() {
        return core == null ? 0 : core.undeliveredMessages();
    }

    /** The URI clients connect to, once started. */
    public URI uri() {
        return uri;
    }

    /** Connections open now. */
    public int liveConnections() {
        return core == null ? 0 : core.liveConnections();
    }

    /** Listeners the gateway counts in {@code sessionId} (a refresh overlap counts twice), or -1 if unknown. */
    public int listenerCount(SessionId sessionId) {
        GatewaySession s = core == null ? null : core.session(sessionId);
        if (s == null) {
            return -1;
        }
        synchronized (s) {
            return s.listeners.size();
        }
    }

    /** Audio chunks received from the speaker of {@code sessionId}. */
    public long chunksReceived(SessionId sessionId) {
        GatewaySession s = core == null ? null : core.session(sessionId);
        if (s == null) {
            return 0;
        }
        synchronized (s) {
            return s.received;
        }
    }

    /** Connections closed because they could not keep up. */
    public long slowConnectionsClosed() {
        return core == null ? 0 : core.slowConnectionsClosed();
    }

    /** Stops listening, closes every connection and stops the gateway's threads. Idempotent. */
    @Override
    public synchronized void close() {
        if (server == null) {
            return;
        }
        try {
            if (admin != null) {
                admin.stop();
                admin = null;
            }
            server.stop();
            timer.shutdownNow();
            workers.shutdownNow();
            timer.awaitTermination(5, TimeUnit.SECONDS);
            workers.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            throw new IllegalStateException("gateway did not stop cleanly", e);
        } finally {
            server = null;
            httpConnector = null;
        }
    }

    private Object upgrade(ServerUpgradeRequest request, ServerUpgradeResponse response, Callback callback) {
        Map<String, String> query = new LinkedHashMap<>();
        Fields fields = Request.extractQueryParameters(request, StandardCharsets.UTF_8);
        for (Fields.Field field : fields) {
            query.put(field.getName(), field.getValue());
        }
        Endpoint endpoint = new Endpoint(core);
        try {
            endpoint.conn = core.accept(query, request.getHeaders().get("Authorization"), Request.getRemoteAddr(request), endpoint);
            return endpoint;
        } catch (Refusal refusal) {
            refuse(response, callback, refusal);
            return null;
        } catch (RuntimeException e) {
            log.error("Connect failed", e);
            refuse(response, callback, Refusal.of(500, "INTERNAL_ERROR", "Internal server error"));
            return null;
        }
    }

    /** Answers a refused upgrade: the status, the error JSON (protocol 3.5), Retry-After, and the code in headers. */
    private static void refuse(Response response, Callback callback, Refusal refusal) {
        response.setStatus(refusal.status);
        response.getHeaders().put("Content-Type", "application/json");
        response.getHeaders().put(JettyTransport.ERROR_CODE_HEADER, refusal.code);
        response.getHeaders().put(JettyTransport.ERROR_MESSAGE_HEADER, refusal.getMessage());
        if (refusal.retryAfterSeconds != null) {
            response.getHeaders().put("Retry-After", Long.toString(refusal.retryAfterSeconds));
        }
        String json = ServerFrameWriter.write(new dev.lectern.domain.message.ServerMessage.ErrorFrame(refusal.code,
                refusal.getMessage(), refusal.status, refusal.retryAfterSeconds, refusal.details, System.currentTimeMillis()));
        response.write(true, ByteBuffer.wrap(json.getBytes(StandardCharsets.UTF_8)), callback);
    }

    /** The Jetty endpoint of one connection, and the core's {@link Peer} for it; public only for Jetty's method handles. */
    public static final class Endpoint implements Session.Listener.AutoDemanding, Peer {
        private final GatewayCore core;
        volatile GatewayConnection conn;
        volatile Session session;

        Endpoint(GatewayCore core) {
            this.core = core;
        }

        @Override
        public void onWebSocketOpen(Session opened) {
            session = opened;
            core.opened(conn);
        }

        @Override
        public void onWebSocketText(String text) {
            core.received(conn, text);
        }

        @Override
        public void onWebSocketBinary(ByteBuffer payload, org.eclipse.jetty.websocket.api.Callback callback) {
            callback.succeed();
            sendText(new EncodedText(ServerFrameWriter.write(new dev.lectern.domain.message.ServerMessage.ErrorFrame("INVALID_MESSAGE",
                    "binary frames are not routed; send JSON text", 400, null, null, System.currentTimeMillis()))), f -> {});
        }

        @Override
        public void onWebSocketClose(int code, String reason) {
            core.closed(conn, code, reason);
        }

        @Override
        public void onWebSocketError(Throwable cause) {
            log.debug("{} error: {}", conn, cause.toString());
        }

        @Override
        public void sendText(EncodedText text, Consumer<Throwable> done) {
            Session s = session;
            if (s == null || !s.isOpen()) {
                done.accept(new IllegalStateException("closed"));
                return;
            }
            if (s instanceof WebSocketSession jetty) { // the bytes as they are, not encoded again for each connection
                jetty.getCoreSession().sendFrame(new Frame(OpCode.TEXT, text.payload()), Callback.from(() -> done.accept(null), done), false);
            } else {
                s.sendText(text.text(), org.eclipse.jetty.websocket.api.Callback.from(() -> done.accept(null), done));
            }
        }

        @Override
        public void close(int code, String reason) {
            Session s = session;
            if (s != null) {
                s.close(code, reason, org.eclipse.jetty.websocket.api.Callback.NOOP);
            }
        }

        @Override
        public void disconnect() {
            Session s = session;
            if (s != null) {
                s.disconnect();
            }
        }
    }

    /** Builder; everything has a default. */
    public static final class Builder {
        private GatewaySettings settings = GatewaySettings.ofDefaults();
        private TokenVerifier verifier = TokenVerifier.ANY;
        private Translator translator = Translator.RELAY;
        private GatewayObserver observer = GatewayObserver.NONE;

        public Builder settings(GatewaySettings value) {
            settings = Objects.requireNonNull(value, "settings is null");
            return this;
        }

        /** How speaker tokens are checked (default: any non-empty token, as {@code --auth none}). */
        public Builder tokenVerifier(TokenVerifier value) {
            verifier = Objects.requireNonNull(value, "tokenVerifier is null");
            return this;
        }

        public Builder translator(Translator value) {
            translator = Objects.requireNonNull(value, "translator is null");
            return this;
        }

        /** Told of connect attempts and of the connections the gateway closes (default: nobody). */
        public Builder observer(GatewayObserver value) {
            observer = Objects.requireNonNull(value, "observer is null");
            return this;
        }

        public LocalGateway build() {
            return new LocalGateway(this);
        }
    }
}
