package dev.lectern.app.wiring;

import com.google.inject.AbstractModule;
import com.google.inject.Provides;
import com.google.inject.Singleton;
import dev.lectern.cognito.CognitoCredentials;
import dev.lectern.cognito.CognitoSettings;
import dev.lectern.cognito.CognitoTokenProvider;
import dev.lectern.port.TokenProvider;
import java.util.Objects;

/**
 * Binds {@link TokenProvider} to a {@link CognitoTokenProvider}. Opens nothing when the injector is
 * built: the first sign-in happens when a speaker first asks for a token.
 */
public final class CognitoModule extends AbstractModule {
    private final CognitoSettings settings;
    private final CognitoCredentials.Source credentials;

    public CognitoModule(CognitoSettings settings, CognitoCredentials.Source credentials) {
        this.settings = Objects.requireNonNull(settings, "settings is null");
        this.credentials = Objects.requireNonNull(credentials, "credentials is null");
    }

    @Provides
    @Singleton
    CognitoTokenProvider cognitoTokenProvider() {
        return CognitoTokenProvider.create(settings, credentials);
    }

    @Provides
    TokenProvider tokenProvider(CognitoTokenProvider provider) {
        return provider;
    }
}
