package dev.lectern.app.wiring;

import com.google.inject.AbstractModule;
import com.google.inject.Provides;
import dev.lectern.domain.IdToken;
import dev.lectern.port.TokenProvider;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Binds {@link TokenProvider} to one ID token a host obtained elsewhere (the runner reads it from
 * {@code LECTERN_TOKEN}); for a local gateway, any non-empty token is its user's name. It cannot be
 * renewed: a service that refuses it ends the speaker with the refusal.
 */
public final class EnvironmentTokenModule extends AbstractModule {
    private final String token;

    public EnvironmentTokenModule(String token) {
        this.token = Objects.requireNonNull(token, "token is null");
    }

    @Provides
    TokenProvider tokenProvider() {
        IdToken id = new IdToken(token);
        return new TokenProvider() {
            @Override
            public CompletionStage<IdToken> idToken(boolean forceRenew) {
                return CompletableFuture.completedFuture(id);
            }

            @Override
            public String toString() {
                return "token from the environment";
            }
        };
    }
}
