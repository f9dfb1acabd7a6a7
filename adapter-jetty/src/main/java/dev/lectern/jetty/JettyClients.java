package dev.lectern.jetty;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.io.ClientConnector;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.eclipse.jetty.websocket.client.WebSocketClient;

/**
 * One started Jetty WebSocket client per TLS configuration, shared by every transport in the process:
 * a fixed set of daemon threads however many connections come and go.
 */
final class JettyClients {
    private static final Map<Settings, WebSocketClient> CLIENTS = new ConcurrentHashMap<>();

    /** What distinguishes one shared client from another. */
    record Settings(Path trustStore, String trustStorePassword, int maxInboundMessageBytes) {}

    private JettyClients() {}

    static WebSocketClient shared(Settings settings) {
        return CLIENTS.computeIfAbsent(settings, JettyClients::start);
    }

    private static WebSocketClient start(Settings settings) {
        SslContextFactory.Client tls = new SslContextFactory.Client();
        tls.setEndpointIdentificationAlgorithm("HTTPS");
        if (settings.trustStore() != null) {
            tls.setTrustStorePath(settings.trustStore().toString());
            if (settings.trustStorePassword() != null) {
                tls.setTrustStorePassword(settings.trustStorePassword());
            }
        }
        ClientConnector connector = new ClientConnector();
        connector.setSslContextFactory(tls);
        QueuedThreadPool threads = new QueuedThreadPool(32, 2);
        threads.setName("lectern-jetty-client");
        threads.setDaemon(true);
        connector.setExecutor(threads);
        HttpClient http = new HttpClient(new org.eclipse.jetty.client.transport.HttpClientTransportOverHTTP(connector));
        http.setExecutor(threads);
        WebSocketClient client = new WebSocketClient(http);
        client.setIdleTimeout(Duration.ofMinutes(10));
        client.setMaxTextMessageSize(settings.maxInboundMessageBytes());
        client.setMaxBinaryMessageSize(settings.maxInboundMessageBytes());
        client.setStopAtShutdown(true);
        try {
            client.start();
        } catch (Exception e) {
            throw new IllegalStateException("could not start the Jetty WebSocket client", e);
        }
        return client;
    }
}
