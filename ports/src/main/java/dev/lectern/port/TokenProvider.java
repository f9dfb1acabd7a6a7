package dev.lectern.port;

import dev.lectern.domain.IdToken;
import java.util.concurrent.CompletionStage;

/**
 * Supplies the speaker's ID token. Implementations renew ahead of expiry, so the token handed out is
 * valid for a while yet; {@code forceRenew} asks for a fresh one after the server refused the last.
 * A failure completes the stage with an {@link AuthenticationException}.
 */
public interface TokenProvider {

    CompletionStage<IdToken> idToken(boolean forceRenew);
}
