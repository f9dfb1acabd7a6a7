package dev.lectern.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lectern.domain.ConnectionId;
import dev.lectern.domain.IdToken;
import dev.lectern.domain.LanguageCode;
import dev.lectern.domain.SessionId;
import dev.lectern.domain.message.ServerMessage;
import dev.lectern.domain.session.ConnectFailure;
import dev.lectern.domain.session.ConnectRequest;
import dev.lectern.domain.session.CreateParams;
import dev.lectern.jetty.JettyTransport;
import dev.lectern.port.TransportConnection;
import dev.lectern.port.TransportListener;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.eclipse.jetty.websocket.api.Callback;
import org.eclipse.jetty.websocket.api.Session;
import org.eclipse.jetty.websocket.server.WebSocketUpgradeHandler;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The transport on Jetty's core WebSocket layer, against a real Jetty server that sends what the local
 * gateway never does: pings, which the core layer leaves to the transport (a ping is answered with a pong
 * carrying the same bytes; the transport before it, on Jetty's listener API, took every frame itself and
 * so never answered one), and messages in several frames, which the transport gathers up to its limit;
 * and where frames are read: on the selector's own thread, over ws and over wss.
 */
class JettyTransportFramesIT {
    private static final int MESSAGES_EACH = 20;
    private Server server;

    @TempDir
    Path dir;

    /** A server endpoint that does {@code onOpen} with each session it gets, and hands over the pongs it hears. */
    public static final class Peer implements Session.Listener.AutoDemanding {
        final Consumer<Session> onOpen;
        final CompletableFuture<String> pong = new CompletableFuture<>();
        volatile Session session;

        Peer(Consumer<Session> onOpen) {
            this.onOpen = onOpen;
        }

        @Override
        public void onWebSocketOpen(Session opened) {
            session = opened;
            onOpen.accept(opened);
        }

        @Override
        public void onWebSocketPong(ByteBuffer payload) {
            pong.complete(StandardCharsets.UTF_8.decode(payload).toString());
            session.sendText("{\"type\":\"heartbeatAck\",\"timestamp\":7}", Callback.NOOP);
        }
    }

    /** What the transport reported for one connection. */
    static final class Reports implements TransportListener {
        final CompletableFuture<Void> opened = new CompletableFuture<>();
        final CompletableFuture<ServerMessage> message = new CompletableFuture<>();
        final CompletableFuture<Integer> closed = new CompletableFuture<>();

        public void onOpen(ConnectionId id) {
            opened.complete(null);
        }

        public void onMessage(ConnectionId id, ServerMessage m) {
            message.complete(m);
        }

        public void onMalformed(ConnectionId id, String reason) {
            message.completeExceptionally(new AssertionError("malformed: " + reason));
        }

        public void onRefused(ConnectionId id, ConnectFailure failure) {
            opened.completeExceptionally(new AssertionError("refused: " + failure));
        }

        public void onClosed(ConnectionId id, int code, String reason) {
            closed.complete(code);
        }
    }

    /** Counts the connections opened and the messages of all of them, and notes each thread that delivered one. */
    static final class Deliveries implements TransportListener {
        final CountDownLatch opened;
        final CountDownLatch messages;
        final Set<String> threads = ConcurrentHashMap.newKeySet();

        Deliveries(int connections, int expected) {
            opened = new CountDownLatch(connections);
            messages = new CountDownLatch(expected);
        }

        public void onOpen(ConnectionId id) {
            opened.countDown();
        }

        public void onMessage(ConnectionId id, ServerMessage m) {
            threads.add(Thread.currentThread().getName());
            messages.countDown();
        }

        public void onMalformed(ConnectionId id, String reason) {}

        public void onRefused(ConnectionId id, ConnectFailure failure) {}

        public void onClosed(ConnectionId id, int code, String reason) {}
    }

    private URI serve(Peer peer) throws Exception {
        return serve(peer, null);
    }

    /** Serves {@code peer} over ws, or over wss with the certificate in {@code keyStore}. */
    private URI serve(Peer peer, Path keyStore) throws Exception {
        server = new Server();
        ServerConnector connector;
        if (keyStore == null) {
            connector = new ServerConnector(server);
        } else {
            SslContextFactory.Server tls = new SslContextFactory.Server();
            tls.setKeyStorePath(keyStore.toString());
            tls.setKeyStorePassword("changeit");
            connector = new ServerConnector(server, tls);
        }
        connector.setHost("127.0.0.1");
        server.addConnector(connector);
        server.setHandler(WebSocketUpgradeHandler.from(server, container -> container.addMapping("/*", (rq, rs, cb) -> peer)));
        server.start();
        return URI.create((keyStore == null ? "ws" : "wss") + "://127.0.0.1:" + connector.getLocalPort());
    }

    /**
     * Opens {@code count} connections on {@code transport} to {@code server}'s peer; once all are open, the
     * server sends {@link #MESSAGES_EACH} messages at once on each. Returns the names of the threads that
     * delivered them. (Frames that come with the upgrade's response are read by the thread that handles the
     * response, so the messages go out only once every connection is open.)
     */
    private static Set<String> deliveringThreads(JettyTransport transport, BlockingQueue<Session> sessions, int count) throws Exception {
        Deliveries deliveries = new Deliveries(count, count * MESSAGES_EACH);
        List<TransportConnection> connections = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            connections.add(transport.open(new ConnectionId(i + 1),
                    new ConnectRequest.JoinSession(SessionId.of("golden-eagle-427"), LanguageCode.of("es")), deliveries));
        }
        assertThat(deliveries.opened.await(30, TimeUnit.SECONDS)).as("every connection opened").isTrue();
        List<Session> opened = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            Session session = sessions.poll(30, TimeUnit.SECONDS); // the server's side may open just after the client's
            assertThat(session).as("the server's side of connection %d", i + 1).isNotNull();
            opened.add(session);
        }
        for (Session session : opened) {
            for (int i = 0; i < MESSAGES_EACH; i++) {
                session.sendText("{\"type\":\"heartbeatAck\",\"timestamp\":" + i + "}", Callback.NOOP);
            }
        }
        assertThat(deliveries.messages.await(30, TimeUnit.SECONDS)).as("every message arrived").isTrue();
        connections.forEach(c -> c.close(1000, "done"));
        return deliveries.threads;
    }

    private static TransportConnection open(JettyTransport transport, Reports reports) throws Exception {
        TransportConnection connection = transport.open(new ConnectionId(1),
                new ConnectRequest.CreateSession(CreateParams.of(LanguageCode.of("en")), new IdToken("alice")), reports);
        reports.opened.get(10, TimeUnit.SECONDS);
        return connection;
    }

    @AfterEach
    void stop() throws Exception {
        server.stop();
    }

    @Test
    void aPingIsAnsweredWithItsOwnBytesAndTheConnectionReadsOn() throws Exception {
        Peer pinger = new Peer(s -> s.sendPing(ByteBuffer.wrap("are-you-there".getBytes(StandardCharsets.UTF_8)), Callback.NOOP));
        try (JettyTransport transport = JettyTransport.builder(serve(pinger)).build()) {
            Reports reports = new Reports();
            TransportConnection connection = open(transport, reports);
            assertThat(pinger.pong.get(10, TimeUnit.SECONDS)).isEqualTo("are-you-there");
            assertThat(reports.message.get(10, TimeUnit.SECONDS)).isInstanceOfSatisfying(ServerMessage.HeartbeatAck.class,
                    ack -> assertThat(ack.timestamp()).isEqualTo(7L));
            connection.close(1000, "done");
        }
    }

    @Test
    void aMessageInThreeFramesIsReadAsOne() throws Exception {
        Peer fragmenter = new Peer(s -> {
            s.sendPartialText("{\"type\":\"heartbeatAck\",", false, Callback.NOOP);
            s.sendPartialText("\"timestamp\":", false, Callback.NOOP);
            s.sendPartialText("9}", true, Callback.NOOP);
        });
        try (JettyTransport transport = JettyTransport.builder(serve(fragmenter)).build()) {
            Reports reports = new Reports();
            TransportConnection connection = open(transport, reports);
            assertThat(reports.message.get(10, TimeUnit.SECONDS)).isInstanceOfSatisfying(ServerMessage.HeartbeatAck.class,
                    ack -> assertThat(ack.timestamp()).isEqualTo(9L));
            connection.close(1000, "done");
        }
    }

    @Test
    void aMessageOverTheLimitInSmallFramesClosesWith1009() throws Exception {
        String part = "x".repeat(600);
        Peer flooder = new Peer(s -> {
            s.sendPartialText("{\"type\":\"heartbeatAck\",\"pad\":\"" + part, false, Callback.NOOP);
            s.sendPartialText(part, false, Callback.NOOP);
            s.sendPartialText(part + "\"}", true, Callback.NOOP);
        });
        try (JettyTransport transport = JettyTransport.builder(serve(flooder)).maxInboundMessageBytes(1024).build()) {
            Reports reports = new Reports();
            open(transport, reports);
            assertThat(reports.closed.get(10, TimeUnit.SECONDS)).isEqualTo(1009);
            assertThat(reports.message).as("nothing of the message was read").isNotDone();
        }
    }

    @Test
    void aMessageThatGoesOverTheLimitOnItsLastFragmentClosesWith1009() throws Exception {
        String part = "x".repeat(600);
        Peer flooder = new Peer(s -> {
            s.sendPartialText("{\"type\":\"heartbeatAck\",\"pad\":\"" + part, false, Callback.NOOP);
            s.sendPartialText(part + "\"}", true, Callback.NOOP); // over 1,024 bytes only with this last one
        });
        try (JettyTransport transport = JettyTransport.builder(serve(flooder)).maxInboundMessageBytes(1024).build()) {
            Reports reports = new Reports();
            open(transport, reports);
            assertThat(reports.closed.get(10, TimeUnit.SECONDS)).as("a 1009, not a failure of the frame handler").isEqualTo(1009);
            assertThat(reports.message).isNotDone();
        }
    }

    @Test
    void framesOfManyConnectionsAreReadOnTheSelectorsOwnThread() throws Exception {
        BlockingQueue<Session> sessions = new LinkedBlockingQueue<>();
        try (JettyTransport transport = JettyTransport.builder(serve(new Peer(sessions::add))).build()) {
            Set<String> threads = deliveringThreads(transport, sessions, 30);
            assertThat(threads).as("600 messages of 30 connections, read with no hand-off to another thread")
                    .hasSizeLessThanOrEqualTo(JettyTransport.DEFAULT_SELECTOR_THREADS);
        }
    }

    @Test
    void aTransportWithThreeSelectorThreadsReadsItsConnectionsOnThree() throws Exception {
        BlockingQueue<Session> sessions = new LinkedBlockingQueue<>();
        try (JettyTransport transport = JettyTransport.builder(serve(new Peer(sessions::add))).selectorThreads(3).build()) {
            Set<String> threads = deliveringThreads(transport, sessions, 30);
            assertThat(threads).as("600 messages of 30 connections, shared out among three selectors").hasSize(3);
        }
    }

    @Test
    void framesOverTlsAreReadOnTheSelectorsOwnThreadToo() throws Exception {
        Path keyStore = Fixtures.selfSignedKeyStore(dir.resolve("server.p12"));
        BlockingQueue<Session> sessions = new LinkedBlockingQueue<>();
        try (JettyTransport transport = JettyTransport.builder(serve(new Peer(sessions::add), keyStore))
                .trustStore(keyStore, "changeit").build()) {
            Set<String> threads = deliveringThreads(transport, sessions, 30);
            assertThat(threads).as("600 messages of 30 connections over wss, read with no hand-off to another thread")
                    .hasSizeLessThanOrEqualTo(JettyTransport.DEFAULT_SELECTOR_THREADS);
        }
    }
}
