package dev.lectern.app.wiring;

import com.google.inject.AbstractModule;
import com.google.inject.Provides;
import com.google.inject.Singleton;
import dev.lectern.jetty.JettyTransport;
import dev.lectern.port.Transport;
import java.net.URI;
import java.nio.file.Path;
import java.util.Objects;

/** Binds {@link Transport} to a {@link JettyTransport} for one endpoint; opens nothing until a client connects. */
public final class JettyTransportModule extends AbstractModule {
    private final URI endpoint;
    private final Path trustStore;
    private final String trustStorePassword;

    /** {@code trustStore} may be null: the JVM's default trust. */
    public JettyTransportModule(URI endpoint, Path trustStore, String trustStorePassword) {
        this.endpoint = Objects.requireNonNull(endpoint, "endpoint is null");
        this.trustStore = trustStore;
        this.trustStorePassword = trustStorePassword;
    }

    @Provides
    @Singleton
    JettyTransport jettyTransport() {
        JettyTransport.Builder b = JettyTransport.builder(endpoint);
        if (trustStore != null) {
            b.trustStore(trustStore, trustStorePassword);
        }
        return b.build();
    }

    @Provides
    Transport transport(JettyTransport jetty) {
        return jetty;
    }
}
