package dev.lectern.jetty;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.io.ClientConnector;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.eclipse.jetty.util.thread.ScheduledExecutorScheduler;
import org.eclipse.jetty.websocket.client.WebSocketClient;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One started Jetty WebSocket client per TLS configuration, shared by every open transport in the process:
 * a fixed set of daemon threads however many connections come and go. Reference-counted: the client starts
 * with the first transport that needs it and stops, threads and all, when the last one is closed.
 */
final class JettyClients {
    private static final Logger log = LoggerFactory.getLogger(JettyClients.class);
    /** API Gateway's largest frame (32 KB) and its header, with room to spare. */
    static final int INPUT_BUFFER_BYTES = 40 * 1024;
    private static final Map<Settings, Shared> CLIENTS = new HashMap<>();
    private static final AtomicInteger STARTED = new AtomicInteger();

    /** What distinguishes one shared client from another. */
    record Settings(Path trustStore, String trustStorePassword, int maxInboundMessageBytes) {}

    private static final class Shared {
        final WebSocketClient client;
        int users;

        Shared(WebSocketClient client) {
            this.client = client;
        }
    }

    private JettyClients() {}

    /** The shared client for {@code settings}, started if no transport holds it; pair with {@link #release}. */
    static WebSocketClient acquire(Settings settings) {
        synchronized (CLIENTS) {
            Shared shared = CLIENTS.computeIfAbsent(settings, s -> new Shared(start(s)));
            shared.users++;
            return shared.client;
        }
    }

    /** One holder of {@code settings}' client is done with it; the last one stops it. */
    static void release(Settings settings) {
        WebSocketClient stopping = null;
        synchronized (CLIENTS) {
            Shared shared = CLIENTS.get(settings);
            if (shared != null && --shared.users == 0) {
                CLIENTS.remove(settings);
                stopping = shared.client;
            }
        }
        if (stopping != null) {
            try {
                stopping.stop(); // closes what is still open and joins the client's threads
            } catch (Exception e) {
                log.warn("Jetty WebSocket client did not stop cleanly: {}", e.toString());
            }
        }
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
        String name = "lectern-jetty-client-" + STARTED.incrementAndGet();
        ClientConnector connector = new ClientConnector();
        connector.setSslContextFactory(tls);
        // Two threads a core: enough for the selector and the frames, few enough that under load the JIT
        // compiler still gets the CPU to compile the receive path (32 runnable threads on 2 cores starved it
        // for 13 s, and the hot loops ran interpreted meanwhile).
        int cores = Runtime.getRuntime().availableProcessors();
        QueuedThreadPool threads = new QueuedThreadPool(Math.max(4, 2 * cores), 2);
        threads.setName(name);
        threads.setDaemon(true);
        connector.setExecutor(threads);
        ScheduledExecutorScheduler scheduler = new ScheduledExecutorScheduler(name + "-scheduler", true);
        connector.setScheduler(scheduler);
        HttpClient http = new HttpClient(new org.eclipse.jetty.client.transport.HttpClientTransportOverHTTP(connector));
        http.setExecutor(threads);
        http.setScheduler(scheduler);
        WebSocketClient client = new WebSocketClient(http);
        client.setIdleTimeout(Duration.ofMinutes(10));
        // Jetty's default 4 KB read buffer cut every 100 ms audio frame (about 4.4 KB) in two, and each
        // piece was handed over on its own to be gathered and copied; a buffer that holds the largest
        // frame API Gateway sends gets each frame whole, in one read
        client.setInputBufferSize(INPUT_BUFFER_BYTES);
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
