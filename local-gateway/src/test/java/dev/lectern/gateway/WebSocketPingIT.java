package dev.lectern.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lectern.domain.ConnectionId;
import dev.lectern.domain.IdToken;
import dev.lectern.domain.LanguageCode;
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
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.websocket.api.Callback;
import org.eclipse.jetty.websocket.api.Session;
import org.eclipse.jetty.websocket.server.WebSocketUpgradeHandler;
import org.junit.jupiter.api.Test;

/**
 * The transport speaks to Jetty's core WebSocket layer, which leaves pings to its frame handler: a server's
 * ping is answered with a pong carrying the same bytes, and frames after it still arrive. (The transport
 * before it, on Jetty's listener API, took every frame itself and so never answered a ping.)
 */
class WebSocketPingIT {

    /** A server that pings each client once it connects and, once the pong is back, sends a heartbeat ack. */
    public static final class Pinger implements Session.Listener.AutoDemanding {
        final CompletableFuture<String> pong = new CompletableFuture<>();
        volatile Session session;

        @Override
        public void onWebSocketOpen(Session opened) {
            session = opened;
            opened.sendPing(ByteBuffer.wrap("are-you-there".getBytes(StandardCharsets.UTF_8)), Callback.NOOP);
        }

        @Override
        public void onWebSocketPong(ByteBuffer payload) {
            pong.complete(StandardCharsets.UTF_8.decode(payload).toString());
            session.sendText("{\"type\":\"heartbeatAck\",\"timestamp\":7}", Callback.NOOP);
        }
    }

    @Test
    void aPingIsAnsweredWithItsOwnBytesAndTheConnectionReadsOn() throws Exception {
        Pinger pinger = new Pinger();
        Server server = new Server();
        ServerConnector connector = new ServerConnector(server);
        connector.setHost("127.0.0.1");
        server.addConnector(connector);
        server.setHandler(WebSocketUpgradeHandler.from(server, container -> container.addMapping("/*", (rq, rs, cb) -> pinger)));
        server.start();
        try (JettyTransport transport = JettyTransport.builder(URI.create("ws://127.0.0.1:" + connector.getLocalPort())).build()) {
            CompletableFuture<ServerMessage> message = new CompletableFuture<>();
            CompletableFuture<Void> opened = new CompletableFuture<>();
            TransportConnection connection = transport.open(new ConnectionId(1),
                    new ConnectRequest.CreateSession(CreateParams.of(LanguageCode.of("en")), new IdToken("alice")),
                    new TransportListener() {
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
                            message.completeExceptionally(new AssertionError("closed " + code + " " + reason));
                        }
                    });
            opened.get(10, TimeUnit.SECONDS);
            assertThat(pinger.pong.get(10, TimeUnit.SECONDS)).isEqualTo("are-you-there");
            assertThat(message.get(10, TimeUnit.SECONDS)).isInstanceOfSatisfying(ServerMessage.HeartbeatAck.class,
                    ack -> assertThat(ack.timestamp()).isEqualTo(7L));
            connection.close(1000, "done");
        } finally {
            server.stop();
        }
    }
}
