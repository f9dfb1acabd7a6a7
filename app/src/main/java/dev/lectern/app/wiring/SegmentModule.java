package dev.lectern.app.wiring;

import com.google.inject.AbstractModule;
import com.google.inject.Provides;
import com.google.inject.Singleton;
import dev.lectern.client.SegmentLoader;
import dev.lectern.jetty.JettySegmentFetcher;
import dev.lectern.mp3.Mp3Decoder;
import java.nio.file.Path;

/**
 * Binds the {@link SegmentLoader} that listeners share for translated segments: fetched over the Jetty
 * client with the transport's trust store, decoded by {@link Mp3Decoder}. Opens nothing until a listener
 * first loads a segment.
 */
public final class SegmentModule extends AbstractModule {
    private final Path trustStore;
    private final String trustStorePassword;

    /** {@code trustStore} may be null: the JVM's default trust. */
    public SegmentModule(Path trustStore, String trustStorePassword) {
        this.trustStore = trustStore;
        this.trustStorePassword = trustStorePassword;
    }

    @Provides
    @Singleton
    JettySegmentFetcher fetcher() {
        JettySegmentFetcher.Builder b = JettySegmentFetcher.builder();
        if (trustStore != null) {
            b.trustStore(trustStore, trustStorePassword);
        }
        return b.build();
    }

    @Provides
    @Singleton
    SegmentLoader segmentLoader(JettySegmentFetcher fetcher) {
        return SegmentLoader.builder().fetcher(fetcher).decoder(new Mp3Decoder()).build();
    }
}
