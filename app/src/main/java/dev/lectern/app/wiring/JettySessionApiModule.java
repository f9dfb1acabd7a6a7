package dev.lectern.app.wiring;

import com.google.inject.AbstractModule;
import com.google.inject.Provides;
import com.google.inject.Singleton;
import dev.lectern.jetty.JettySessionApi;
import dev.lectern.port.SessionApi;
import dev.lectern.port.TokenProvider;
import java.net.URI;
import java.nio.file.Path;
import java.util.Objects;

/**
 * Binds {@link SessionApi} to a {@link JettySessionApi} at one base URL, with the bound token provider (a
 * listener has none, and only reads a session) and the transport's trust store. Opens nothing until a speaker first calls it.
 */
public final class JettySessionApiModule extends AbstractModule {
    private final URI base;
    private final Path trustStore;
    private final String trustStorePassword;

    /** {@code trustStore} may be null: the JVM's default trust. */
    public JettySessionApiModule(URI base, Path trustStore, String trustStorePassword) {
        this.base = Objects.requireNonNull(base, "base is null");
        this.trustStore = trustStore;
        this.trustStorePassword = trustStorePassword;
    }

    @Provides
    @Singleton
    JettySessionApi jettySessionApi(com.google.inject.Injector injector) {
        JettySessionApi.Builder b = JettySessionApi.builder(base);
        if (injector.getExistingBinding(com.google.inject.Key.get(TokenProvider.class)) != null) {
            b.tokenProvider(injector.getInstance(TokenProvider.class)); // a listener has none: its GET is public
        }
        if (trustStore != null) {
            b.trustStore(trustStore, trustStorePassword);
        }
        return b.build();
    }

    @Provides
    SessionApi sessionApi(JettySessionApi api) {
        return api;
    }
}
