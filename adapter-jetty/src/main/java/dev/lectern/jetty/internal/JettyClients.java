package dev.lectern.jetty.internal;

import dev.lectern.jetty.JettyTransport;
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
import org.eclipse.jetty.websocket.core.Configuration;
import org.eclipse.jetty.websocket.core.client.WebSocketCoreClient;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One started Jetty WebSocket client per TLS configuration, shared by every open transport in the process:
 * a fixed set of daemon threads however many connections come and go. Reference-counted: the client starts
 * with the first transport that needs it and stops, threads and all, when the last one is closed.
 *
 * <p>Public for the adapter's other packages and the benchmarks; like everything in this package, not API.
 */
public final class JettyClients {
    private static final Logger log = LoggerFactory.getLogger(JettyClients.class);
    /** API Gateway's largest frame (32 KB) and its header, with room to spare. */
    public static final int INPUT_BUFFER_BYTES = 40 * 1024;
    private static final Map<Settings, Shared> CLIENTS = new HashMap<>();
    private static final AtomicInteger STARTED = new AtomicInteger();

    /** What distinguishes one shared client from another. */
    public record Settings(Path trustStore, String trustStorePassword, int maxInboundMessageBytes, int selectors) {
        /** The settings of a transport with its defaults and this trust: the client HTTP adapters share with it. */
        public static Settings withTrust(Path trustStore, String trustStorePassword) {
            return new Settings(trustStore, trustStorePassword, JettyTransport.DEFAULT_MAX_INBOUND_MESSAGE_BYTES,
                    JettyTransport.DEFAULT_SELECTOR_THREADS);
        }
    }

    /** A started client and the settings every connection it opens gets. */
    public record Client(WebSocketCoreClient core, Configuration.ConfigurationCustomizer configuration) {}

    private static final class Shared {
        final Client client;
        int users;

        Shared(Client client) {
            this.client = client;
        }
    }

    private JettyClients() {}

    /** The shared client for {@code settings}, started if no transport holds it; pair with {@link #release}. */
    public static Client acquire(Settings settings) {
        synchronized (CLIENTS) {
            Shared shared = CLIENTS.computeIfAbsent(settings, s -> new Shared(start(s)));
            shared.users++;
            return shared.client;
        }
    }

    /** One holder of {@code settings}' client is done with it; the last one stops it. */
    public static void release(Settings settings) {
        Client stopping = null;
        synchronized (CLIENTS) {
            Shared shared = CLIENTS.get(settings);
            if (shared != null && --shared.users == 0) {
                CLIENTS.remove(settings);
                stopping = shared.client;
            }
        }
        if (stopping != null) {
            try {
                stopping.core().stop(); // and its HTTP client: closes what is still open, joins the threads
            } catch (Exception e) {
                log.warn("Jetty WebSocket client did not stop cleanly: {}", e.toString());
            }
        }
    }

    private static Client start(Settings settings) {
        SslContextFactory.Client tls = new SslContextFactory.Client();
        tls.setEndpointIdentificationAlgorithm("HTTPS");
        if (settings.trustStore() != null) {
            tls.setTrustStorePath(settings.trustStore().toString());
            if (settings.trustStorePassword() != null) {
                tls.setTrustStorePassword(settings.trustStorePassword());
            }
        }
        String name = "lectern-jetty-client-" + STARTED.incrementAndGet();
        ClientConnector connector = new EventLoopConnector();
        // the selector threads also read every upgraded connection (EventLoopConnector)
        connector.setSelectors(settings.selectors());
        connector.setSslContextFactory(tls);
        // Two threads a core: the selectors, which read the frames themselves, and the handshakes, closes and
        // completions of writes that could not finish at once; few enough that under load the JIT compiler
        // still gets the CPU to compile the receive path.
        int cores = Runtime.getRuntime().availableProcessors();
        // (and at least two beyond the selectors, each of which holds a thread for good)
        QueuedThreadPool threads = new QueuedThreadPool(Math.max(Math.max(4, 2 * cores), settings.selectors() + 2), 2);
        threads.setName(name);
        threads.setDaemon(true);
        connector.setExecutor(threads);
        ScheduledExecutorScheduler scheduler = new ScheduledExecutorScheduler(name + "-scheduler", true);
        connector.setScheduler(scheduler);
        HttpClient http = new HttpClient(new org.eclipse.jetty.client.transport.HttpClientTransportOverHTTP(connector));
        http.setExecutor(threads);
        http.setScheduler(scheduler);
        // Jetty's core WebSocket client, not its annotated/listener API: that API calls each endpoint through
        // method handles bound to it, and the JVM customizes every such handle after 127 calls by spinning a
        // class for it: one class per connection, all at once when the connections pass 127 frames together.
        WebSocketCoreClient core = new WebSocketCoreClient(http, null);
        Configuration.ConfigurationCustomizer configuration = new Configuration.ConfigurationCustomizer();
        configuration.setIdleTimeout(Duration.ofMinutes(10));
        // Jetty's default 4 KB read buffer would cut every 100 ms audio frame (about 4.4 KB) in two, each
        // piece handed over on its own to be gathered and copied; a buffer that holds the largest frame
        // API Gateway sends gets each frame whole, in one read
        configuration.setInputBufferSize(INPUT_BUFFER_BYTES);
        configuration.setMaxFrameSize(settings.maxInboundMessageBytes());
        configuration.setMaxTextMessageSize(settings.maxInboundMessageBytes());
        configuration.setMaxBinaryMessageSize(settings.maxInboundMessageBytes());
        try {
            core.start();
        } catch (Exception e) {
            if (settings.trustStore() != null) {
                throw new IllegalStateException("cannot use the trust store " + settings.trustStore()
                        + ": it is not a PKCS12 or JKS key store this JVM can read with the password given; check the file and"
                        + " $LECTERN_TRUST_STORE_PASSWORD", e);
            }
            throw new IllegalStateException("could not start the Jetty WebSocket client: " + Failures.rootMessage(e), e);
        }
        // Not registered with Jetty's shutdown hook: at Ctrl-C it stopped the client before the host's own hook
        // had written a speaker's endSession, and the listeners learnt of the end only from the speaker's
        // grace. Its threads are daemons; the last transport to close stops it.
        return new Client(core, configuration);
    }
}
