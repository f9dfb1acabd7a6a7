package dev.lectern.jetty;

import dev.lectern.jetty.internal.Failures;
import dev.lectern.jetty.internal.JettyClients;
import dev.lectern.domain.ConnectionId;
import dev.lectern.domain.message.ClientMessage;
import dev.lectern.domain.message.ServerMessage;
import dev.lectern.domain.session.ConnectFailure;
import dev.lectern.domain.session.ConnectRequest;
import dev.lectern.port.Transport;
import dev.lectern.port.TransportConnection;
import dev.lectern.port.TransportListener;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.net.ssl.SSLException;
import org.eclipse.jetty.client.Request;
import org.eclipse.jetty.client.Response;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.websocket.core.CloseStatus;
import org.eclipse.jetty.websocket.core.CoreSession;
import org.eclipse.jetty.websocket.core.Frame;
import org.eclipse.jetty.websocket.core.FrameHandler;
import org.eclipse.jetty.websocket.core.OpCode;
import org.eclipse.jetty.websocket.core.client.CoreClientUpgradeRequest;
import org.eclipse.jetty.websocket.core.client.UpgradeListener;
import org.eclipse.jetty.websocket.core.exception.UpgradeException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link Transport} over the Jetty 12 WebSocket client. Connections to one endpoint share one Jetty
 * client per TLS configuration for the whole process; TLS certificates and host
 * names are verified unless a trust store says otherwise. Outbound JSON over 32 KB is refused before it
 * is sent. A refused upgrade surfaces as a {@link ConnectFailure} with its HTTP status, the error code and
 * message of the JSON body, and {@code Retry-After}. Nothing it logs or throws carries a token.
 *
 * <p>Upgraded connections are read on the shared client's selector threads (one per two cores unless
 * {@link Builder#selectorThreads} says otherwise) with no hand-off per frame ({@code EventLoopConnector}):
 * the listener's {@code onMessage} runs there, and through it the client's step and its sink, none of
 * which may block.
 *
 * <p>Close the transport once every client using it has terminated: the last transport closed on a
 * shared Jetty client stops it, so no Jetty thread outlives the transports (a host that redeploys, such
 * as an application server, needs that). Opening a connection on a closed transport is a programming
 * error and throws {@link IllegalStateException}.
 */
public final class JettyTransport implements Transport, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(JettyTransport.class);

    /** Header the local gateway repeats the error code in, for clients that cannot read the body. */
    public static final String ERROR_CODE_HEADER = "X-Lectern-Error-Code";
    /** Header the local gateway repeats the error message in. */
    public static final String ERROR_MESSAGE_HEADER = "X-Lectern-Error-Message";

    public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(10);
    public static final int DEFAULT_MAX_INBOUND_MESSAGE_BYTES = 128 * 1024;
    /** Selector threads of the shared client by default: one per two cores, at least one. */
    public static final int DEFAULT_SELECTOR_THREADS = Math.max(1, Runtime.getRuntime().availableProcessors() / 2);

    private final URI endpoint;
    private final Duration connectTimeout;
    private final JettyClients.Settings clientSettings;
    private final JettyClients.Client client;
    private final boolean sendAuthorizationHeader;
    private final AtomicBoolean closed = new AtomicBoolean();

    private JettyTransport(Builder b) {
        this.endpoint = b.endpoint;
        this.connectTimeout = b.connectTimeout;
        this.clientSettings = new JettyClients.Settings(b.trustStore, b.trustStorePassword, b.maxInboundMessageBytes, b.selectorThreads);
        this.client = JettyClients.acquire(clientSettings);
        this.sendAuthorizationHeader = b.sendAuthorizationHeader;
    }

    /**
     * Releases this transport's hold on the shared Jetty client; the last transport to let go stops it and
     * its threads, closing any connection still open. Idempotent.
     */
    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            JettyClients.release(clientSettings);
        }
    }

    /** A transport to {@code endpoint}, a {@code ws://} or {@code wss://} URL without a query. */
    public static Builder builder(URI endpoint) {
        return new Builder(endpoint);
    }

    public URI endpoint() {
        return endpoint;
    }

    @Override
    public TransportConnection open(ConnectionId id, ConnectRequest request, TransportListener listener) {
        if (closed.get()) {
            throw new IllegalStateException("transport to " + ConnectUrls.redact(endpoint.toString()) + " is closed");
        }
        JettyConnection connection = new JettyConnection(id, listener, clientSettings.maxInboundMessageBytes());
        URI url;
        try {
            url = ConnectUrls.build(endpoint, request);
        } catch (IllegalArgumentException e) {
            connection.refuse(new ConnectFailure(400, "INVALID_REQUEST", e.getMessage(), null));
            return connection;
        }
        CoreClientUpgradeRequest upgrade = CoreClientUpgradeRequest.from(client.core(), url, connection);
        upgrade.timeout(connectTimeout.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
        upgrade.setConfiguration(client.configuration());
        upgrade.addListener(connection);
        if (sendAuthorizationHeader && request.token().isPresent()) {
            String authorization = "Bearer " + request.token().get().value();
            upgrade.headers(headers -> headers.put("Authorization", authorization));
        }
        try {
            connection.connecting = client.core().connect(upgrade);
            connection.connecting.whenComplete((session, failure) -> {
                if (failure != null) {
                    connection.refuse(connection.failureOf(failure));
                }
            });
        } catch (Exception e) {
            connection.refuse(ConnectFailure.network("could not start connecting: " + ConnectUrls.redact(String.valueOf(e.getMessage()))));
        }
        return connection;
    }

    /**
     * One connection: Jetty's frame handler and the engine's handle at once. It asks Jetty for each next frame
     * once it has taken the last one, answers pings, and leaves the close handshake to Jetty.
     */
    static final class JettyConnection implements TransportConnection, FrameHandler, UpgradeListener {
        private final ConnectionId id;
        private final TransportListener listener;
        private final AtomicBoolean finished = new AtomicBoolean();
        private final StringBuilder refusalBody = new StringBuilder();
        private volatile CoreSession session;
        private volatile CompletableFuture<CoreSession> connecting;
        private volatile int refusalStatus;
        private volatile String retryAfter;
        private volatile String headerCode;
        private volatile String headerMessage;
        private volatile String lastError;
        private final int maxMessageBytes;
        private java.io.ByteArrayOutputStream partial;
        private boolean partialText;

        JettyConnection(ConnectionId id, TransportListener listener) {
            this(id, listener, DEFAULT_MAX_INBOUND_MESSAGE_BYTES);
        }

        JettyConnection(ConnectionId id, TransportListener listener, int maxMessageBytes) {
            this.id = id;
            this.listener = listener;
            this.maxMessageBytes = maxMessageBytes;
        }

        @Override
        public ConnectionId id() {
            return id;
        }

        // ---- the engine's side

        @Override
        public CompletionStage<Void> send(ClientMessage message) {
            CoreSession s = session;
            if (s == null || !s.isOutputOpen()) {
                return CompletableFuture.failedFuture(new IllegalStateException(id + " is not open"));
            }
            String json = ClientFrameWriter.write(message);
            int size = ClientFrameWriter.utf8Length(json);
            if (size > ClientFrameWriter.MAX_FRAME_BYTES) {
                return CompletableFuture.failedFuture(new MessageTooLargeException(message.action(), size));
            }
            CompletableFuture<Void> sent = new CompletableFuture<>();
            s.sendFrame(new Frame(OpCode.TEXT, json), Callback.from(() -> sent.complete(null), sent::completeExceptionally), false);
            return sent;
        }

        @Override
        public void close(int code, String reason) {
            CoreSession s = session;
            if (s != null) {
                s.close(code, reason, Callback.NOOP);
            } else if (connecting != null) {
                connecting.cancel(true);
            }
        }

        @Override
        public void abort() {
            CoreSession s = session;
            if (s != null) {
                s.abort();
            } else if (connecting != null) {
                connecting.cancel(true);
            }
        }

        // ---- the upgrade

        @Override
        public void onHandshakeRequest(Request request) {
            request.onResponseContent((response, content) -> {
                synchronized (refusalBody) {
                    if (refusalBody.length() < 8192) {
                        refusalBody.append(StandardCharsets.UTF_8.decode(content.slice()));
                    }
                }
            });
        }

        @Override
        public void onHandshakeResponse(Request request, Response response) {
            if (response.getStatus() != 101) {
                refusalStatus = response.getStatus();
                retryAfter = response.getHeaders().get("Retry-After");
                headerCode = response.getHeaders().get(ERROR_CODE_HEADER);
                headerMessage = response.getHeaders().get(ERROR_MESSAGE_HEADER);
            }
        }

        void refuse(ConnectFailure failure) {
            if (session == null && finished.compareAndSet(false, true)) {
                listener.onRefused(id, failure);
            }
        }

        ConnectFailure failureOf(Throwable failure) {
            Throwable cause = failure instanceof java.util.concurrent.CompletionException && failure.getCause() != null
                    ? failure.getCause() : failure;
            int status = cause instanceof UpgradeException upgrade && upgrade.getResponseStatusCode() > 0
                    ? upgrade.getResponseStatusCode() : refusalStatus;
            if (status > 0 && status != 101) {
                return RefusalBody.parse(status, bodyText(), headerCode, headerMessage, retryAfter);
            }
            if (hasCause(cause, SSLException.class)) {
                return new ConnectFailure(0, "TLS_CERTIFICATE_REJECTED",
                        "TLS handshake failed: " + ConnectUrls.redact(rootMessage(cause)), null);
            }
            if (cause instanceof java.util.concurrent.CancellationException) {
                return ConnectFailure.network("connect cancelled");
            }
            return ConnectFailure.network(ConnectUrls.redact(rootMessage(cause)));
        }

        private String bodyText() {
            synchronized (refusalBody) {
                return refusalBody.toString();
            }
        }

        // ---- the WebSocket

        @Override
        public void onOpen(CoreSession opened, Callback callback) {
            session = opened;
            callback.succeeded();
            listener.onOpen(id);
            opened.demand();
        }

        /**
         * Every data frame, with its payload as Jetty read it: a text message is decoded from its UTF-8 bytes,
         * never assembled into a String first. A message in several frames is gathered up to the inbound limit.
         */
        @Override
        public void onFrame(Frame frame, Callback callback) {
            byte opcode = frame.getOpCode();
            if (opcode == OpCode.CLOSE) {
                callback.succeeded(); // Jetty answers the close and then calls onClosed
                return;
            }
            try {
                if (opcode == OpCode.PING) {
                    pong(frame);
                } else if (opcode == OpCode.TEXT || opcode == OpCode.BINARY) {
                    if (frame.isFin()) {
                        ByteBuffer payload = frame.getPayload();
                        if (payload != null && payload.remaining() > maxMessageBytes) {
                            refuseTooLarge(); // a whole frame over the limit (one read holds up to 40 KB)
                        } else {
                            receive(payload, opcode == OpCode.TEXT);
                        }
                    } else {
                        partialText = opcode == OpCode.TEXT;
                        partial = new java.io.ByteArrayOutputStream();
                        gather(frame);
                    }
                } else if (opcode == OpCode.CONTINUATION && partial != null) {
                    gather(frame);
                    if (frame.isFin() && partial != null) { // null: this last fragment took it over the limit (1009)
                        byte[] whole = partial.toByteArray();
                        partial = null;
                        receive(ByteBuffer.wrap(whole), partialText);
                    }
                }
                callback.succeeded();
            } catch (RuntimeException e) {
                callback.failed(e);
                return;
            }
            CoreSession s = session;
            if (s != null) {
                s.demand();
            }
        }

        private void pong(Frame ping) {
            CoreSession s = session;
            if (s != null && s.isOutputOpen()) {
                ByteBuffer payload = ping.getPayload();
                ByteBuffer copy = ByteBuffer.allocate(payload == null ? 0 : payload.remaining());
                if (payload != null) {
                    copy.put(payload.slice()).flip();
                }
                s.sendFrame(new Frame(OpCode.PONG, copy), Callback.NOOP, false);
            }
        }

        private void gather(Frame frame) {
            ByteBuffer payload = frame.getPayload();
            if (partial.size() + (payload == null ? 0 : payload.remaining()) > maxMessageBytes) {
                partial = null;
                refuseTooLarge();
                return;
            }
            if (payload != null) {
                byte[] bytes = new byte[payload.remaining()];
                payload.slice().get(bytes);
                partial.write(bytes, 0, bytes.length);
            }
        }

        /** Closes with 1009: a message over the inbound limit is not read. */
        private void refuseTooLarge() {
            CoreSession s = session;
            if (s != null) {
                s.close(1009, "message over " + maxMessageBytes + " bytes", Callback.NOOP);
            }
        }

        /** One whole message: JSON text in UTF-8, or raw PCM. */
        void receive(ByteBuffer payload, boolean text) {
            ByteBuffer p = payload == null ? ByteBuffer.allocate(0) : payload.slice();
            byte[] bytes;
            int offset;
            int length = p.remaining();
            if (p.hasArray()) {
                bytes = p.array();
                offset = p.arrayOffset() + p.position();
            } else {
                bytes = new byte[length];
                p.get(bytes);
                offset = 0;
            }
            ServerMessage message;
            try {
                if (text) {
                    message = ServerFrameReader.read(bytes, offset, length);
                } else {
                    message = ServerFrameReader.readBinary(offset == 0 && length == bytes.length ? bytes
                            : java.util.Arrays.copyOfRange(bytes, offset, offset + length));
                }
            } catch (MalformedFrameException e) {
                listener.onMalformed(id, e.getMessage());
                return;
            } catch (RuntimeException e) {
                listener.onMalformed(id, "undecodable frame: " + e.getClass().getSimpleName());
                return;
            }
            listener.onMessage(id, message);
        }

        @Override
        public void onClosed(CloseStatus status, Callback callback) {
            try {
                if (session != null && finished.compareAndSet(false, true)) {
                    String reason = status.getReason();
                    String why = reason == null || reason.isBlank() ? lastError : reason;
                    listener.onClosed(id, status.getCode(), why == null ? "" : ConnectUrls.redact(why));
                }
            } finally {
                callback.succeeded();
            }
        }

        /** Jetty reports the close (1009 for a frame too large, 1006 for a broken link) after the error. */
        @Override
        public void onError(Throwable cause, Callback callback) {
            if (session != null) {
                lastError = rootMessage(cause);
                log.debug("{} failed: {}", id, ConnectUrls.redact(lastError));
            }
            callback.succeeded();
        }

        private static boolean hasCause(Throwable t, Class<? extends Throwable> type) {
            return Failures.hasCause(t, type);
        }

        private static String rootMessage(Throwable t) {
            return Failures.rootMessage(t);
        }
    }

    /** An outbound message larger than one API Gateway frame; it was not sent. */
    public static final class MessageTooLargeException extends IllegalArgumentException {
        private static final long serialVersionUID = 1L;

        public MessageTooLargeException(String action, int bytes) {
            super(action + " message of " + bytes + " bytes exceeds the " + ClientFrameWriter.MAX_FRAME_BYTES + "-byte frame limit; not sent");
        }
    }

    /** Builder; only the endpoint is required. */
    public static final class Builder {
        private final URI endpoint;
        private Duration connectTimeout = DEFAULT_CONNECT_TIMEOUT;
        private Path trustStore;
        private String trustStorePassword;
        private int maxInboundMessageBytes = DEFAULT_MAX_INBOUND_MESSAGE_BYTES;
        private boolean sendAuthorizationHeader;
        private int selectorThreads = DEFAULT_SELECTOR_THREADS;

        private Builder(URI endpoint) {
            this.endpoint = Objects.requireNonNull(endpoint, "endpoint is null");
        }

        /** How long the TCP connect and upgrade may take (default 10 s). */
        public Builder connectTimeout(Duration value) {
            connectTimeout = value;
            return this;
        }

        /** Trust the certificates in this key store (PKCS12 or JKS) instead of the JVM's default trust. */
        public Builder trustStore(Path path, String password) {
            trustStore = Objects.requireNonNull(path, "trustStore is null");
            trustStorePassword = password;
            return this;
        }

        /** The largest message accepted from the server (default 128 KB, the service's payload limit). */
        public Builder maxInboundMessageBytes(int value) {
            maxInboundMessageBytes = value;
            return this;
        }

        /**
         * Threads that read the upgraded connections, each its share of them (default
         * {@link #DEFAULT_SELECTOR_THREADS}, one per two cores). More of them spread a burst of frames (a chunk
         * fanned out to hundreds of listeners) over more cores, which shortens the tail of its latency a
         * little for about the same CPU (docs/performance.md has the figures). Transports with different
         * counts use different shared clients.
         */
        public Builder selectorThreads(int value) {
            selectorThreads = value;
            return this;
        }

        /** Also send the token as {@code Authorization: Bearer} (the query parameter is always sent). */
        public Builder sendAuthorizationHeader(boolean value) {
            sendAuthorizationHeader = value;
            return this;
        }

        public JettyTransport build() {
            String scheme = endpoint.getScheme();
            if (!"ws".equalsIgnoreCase(scheme) && !"wss".equalsIgnoreCase(scheme)) {
                throw new IllegalArgumentException("endpoint must be a ws:// or wss:// URL, was: " + ConnectUrls.redact(endpoint.toString()));
            }
            if (connectTimeout == null || connectTimeout.isNegative() || connectTimeout.isZero()) {
                throw new IllegalArgumentException("connectTimeout must be positive, was: " + connectTimeout);
            }
            if (maxInboundMessageBytes < 1024) {
                throw new IllegalArgumentException("maxInboundMessageBytes must be at least 1024, was: " + maxInboundMessageBytes);
            }
            if (selectorThreads < 1) {
                throw new IllegalArgumentException("selectorThreads must be at least 1, was: " + selectorThreads);
            }
            if (trustStore != null && !java.nio.file.Files.isReadable(trustStore)) {
                throw new IllegalArgumentException("trustStore must be a readable file, was: " + trustStore);
            }
            return new JettyTransport(this);
        }
    }
}
