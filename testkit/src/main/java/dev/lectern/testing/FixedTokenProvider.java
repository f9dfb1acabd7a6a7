package dev.lectern.testing;

import dev.lectern.domain.IdToken;
import dev.lectern.domain.session.LecternError;
import dev.lectern.port.AuthenticationException;
import dev.lectern.port.TokenProvider;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A token provider for tests: hands out {@code prefix-1}, {@code prefix-2}, ... (a new token on every
 * forced renewal), or fails with a given error.
 */
public final class FixedTokenProvider implements TokenProvider {
    private final String prefix;
    private final LecternError failure;
    private final AtomicInteger issued = new AtomicInteger();
    private final AtomicInteger requests = new AtomicInteger();
    private final AtomicInteger forced = new AtomicInteger();

    private FixedTokenProvider(String prefix, LecternError failure) {
        this.prefix = prefix;
        this.failure = failure;
    }

    /** Tokens {@code sub-1}, {@code sub-2}, ...; the gateway fake reads the part before the dash as the user. */
    public static FixedTokenProvider of(String prefix) {
        return new FixedTokenProvider(prefix, null);
    }

    public static FixedTokenProvider failing(LecternError error) {
        return new FixedTokenProvider("unused", error);
    }

    @Override
    public CompletionStage<IdToken> idToken(boolean forceRenew) {
        requests.incrementAndGet();
        if (failure != null) {
            return CompletableFuture.failedFuture(new AuthenticationException(failure, null));
        }
        if (forceRenew) {
            forced.incrementAndGet();
            issued.incrementAndGet();
        }
        return CompletableFuture.completedFuture(new IdToken(prefix + "-" + Math.max(1, issued.get())));
    }

    public int requests() {
        return requests.get();
    }

    public int forcedRenewals() {
        return forced.get();
    }
}
