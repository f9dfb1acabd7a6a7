package dev.lectern.app.wiring;

import com.google.inject.Inject;
import com.google.inject.Injector;
import com.google.inject.Key;
import dev.lectern.client.LecternListener;
import dev.lectern.client.ListenerClient;
import dev.lectern.client.ListenerConfig;
import dev.lectern.client.SpeakerClient;
import dev.lectern.client.SpeakerConfig;
import dev.lectern.port.AudioSink;
import dev.lectern.port.SessionApi;
import dev.lectern.port.TokenProvider;
import dev.lectern.port.Transport;

/**
 * Builds the runner's clients from what the injector binds: the transport always, the token provider for
 * a speaker, the audio sink for a listener. The speaker's audio source is left to the command, which
 * decides when the audio starts (after enough listeners joined, say).
 */
public final class ClientFactory {
    private final Injector injector;

    @Inject
    ClientFactory(Injector injector) {
        this.injector = injector;
    }

    public SpeakerClient speaker(SpeakerConfig config, LecternListener listener) {
        SpeakerClient.Builder b = SpeakerClient.builder(config).transport(injector.getInstance(Transport.class))
                .tokenProvider(injector.getInstance(TokenProvider.class)).listener(listener);
        if (config.sessionApi() != null) {
            b.sessionApi(injector.getInstance(SessionApi.class));
        }
        return b.build();
    }

    public ListenerClient listener(ListenerConfig config, LecternListener listener) {
        ListenerClient.Builder b = ListenerClient.builder(config).transport(injector.getInstance(Transport.class))
                .audioSink(injector.getInstance(Key.get(AudioSink.class))).listener(listener);
        if (injector.getExistingBinding(Key.get(dev.lectern.client.SegmentLoader.class)) != null) {
            b.segmentLoader(injector.getInstance(dev.lectern.client.SegmentLoader.class));
        }
        if (injector.getExistingBinding(Key.get(SessionApi.class)) != null) {
            b.sessionApi(injector.getInstance(SessionApi.class));
        }
        return b.build();
    }
}
