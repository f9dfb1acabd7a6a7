package dev.lectern.cognito;

import dev.lectern.domain.IdToken;
import dev.lectern.port.AuthenticationException;
import dev.lectern.port.TokenProvider;
import java.time.Clock;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.core.IntervalFunction;
import io.github.resilience4j.retry.Retry;
import io.github.resilience4j.retry.RetryConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.auth.credentials.AnonymousCredentialsProvider;
import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.cognitoidentityprovider.CognitoIdentityProviderClient;
import software.amazon.awssdk.services.cognitoidentityprovider.CognitoIdentityProviderClientBuilder;
import software.amazon.awssdk.services.cognitoidentityprovider.model.AuthFlowType;
import software.amazon.awssdk.services.cognitoidentityprovider.model.AuthenticationResultType;
import software.amazon.awssdk.services.cognitoidentityprovider.model.ChallengeNameType;
import software.amazon.awssdk.services.cognitoidentityprovider.model.InitiateAuthRequest;
import software.amazon.awssdk.services.cognitoidentityprovider.model.InitiateAuthResponse;
import software.amazon.awssdk.services.cognitoidentityprovider.model.NotAuthorizedException;

/**
 * {@link TokenProvider} over Cognito {@code InitiateAuth} (AWS SDK for Java v2; an unauthenticated API, so
 * no AWS credentials are needed). Signs in with {@code USER_PASSWORD_AUTH}, then renews with
 * {@code REFRESH_TOKEN_AUTH} whenever less than the renewal margin is left, reading the expiry from the
 * token's {@code exp} claim; a failed renewal falls back to a full sign-in. Calls run one at a time on a
 * daemon thread of its own. Passwords are fetched from a {@link CognitoCredentials.Source} only for a
 * sign-in and wiped right after; no token or password reaches a log line, an exception message or
 * {@code toString()}.
 */
public final class CognitoTokenProvider implements TokenProvider, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(CognitoTokenProvider.class);
    private static final AtomicInteger THREADS = new AtomicInteger();

    private final CognitoSettings settings;
    private final CognitoCredentials.Source credentials;
    private final CognitoIdentityProviderClient cognito;
    private final Clock clock;
    private final ExecutorService lane;
    private final Retry retry;
    private final CircuitBreaker breaker;

    // confined to the lane
    private IdToken idToken;
    private Instant expiresAt = Instant.MIN;
    private String refreshToken;
    private String username;
    private int signIns;
    private int renewals;

    private CognitoTokenProvider(CognitoSettings settings, CognitoCredentials.Source credentials, Clock clock) {
        this.settings = settings;
        this.credentials = credentials;
        this.clock = clock;
        CognitoIdentityProviderClientBuilder builder = CognitoIdentityProviderClient.builder()
                .region(Region.of(settings.region()))
                .credentialsProvider(AnonymousCredentialsProvider.create())
                .httpClientBuilder(UrlConnectionHttpClient.builder())
                // Resilience4j below is the one retry layer: the SDK's own retries would multiply its attempts.
                .overrideConfiguration(ClientOverrideConfiguration.builder().apiCallTimeout(settings.callTimeout())
                        .retryStrategy(software.amazon.awssdk.awscore.retry.AwsRetryStrategy.doNotRetry()).build());
        if (settings.endpointOverride() != null) {
            builder.endpointOverride(settings.endpointOverride());
        }
        this.cognito = builder.build();
        // Retry only what may pass (throttling, an internal error, the network); a wrong password is final.
        // and never while the circuit is open: failing fast is what it is for.
        this.retry = Retry.of("cognito", RetryConfig.custom().maxAttempts(settings.retryAttempts())
                .intervalFunction(IntervalFunction.ofExponentialRandomBackoff(settings.retryInitialDelay(), 2.0, 0.5))
                .retryOnException(t -> !(t instanceof io.github.resilience4j.circuitbreaker.CallNotPermittedException)
                        && transientFailure(t)).build());
        // Fail fast while Cognito looks unavailable instead of piling up calls that time out.
        this.breaker = CircuitBreaker.of("cognito", CircuitBreakerConfig.custom().slidingWindowType(
                        CircuitBreakerConfig.SlidingWindowType.COUNT_BASED).slidingWindowSize(4).minimumNumberOfCalls(2)
                .failureRateThreshold(50).waitDurationInOpenState(settings.circuitOpenFor()).permittedNumberOfCallsInHalfOpenState(1)
                .recordException(CognitoTokenProvider::transientFailure).build());
        retry.getEventPublisher().onRetry(e -> log.info("Cognito call failed ({}); attempt {} of {} in {} ms",
                describe(e.getLastThrowable()), e.getNumberOfRetryAttempts() + 1, settings.retryAttempts(), e.getWaitInterval().toMillis()));
        breaker.getEventPublisher().onStateTransition(e -> log.warn("Cognito circuit {}: {}", e.getStateTransition(),
                e.getStateTransition().getToState() == CircuitBreaker.State.OPEN
                        ? "failing fast for " + settings.circuitOpenFor().toSeconds() + " s" : "trying again"));
        this.lane = Executors.newSingleThreadExecutor(task -> {
            Thread t = new Thread(task, "lectern-cognito-" + THREADS.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
    }

    /** A provider for {@code settings} that asks {@code credentials} whenever it must sign in. */
    public static CognitoTokenProvider create(CognitoSettings settings, CognitoCredentials.Source credentials) {
        return create(settings, credentials, Clock.systemUTC());
    }

    /** As {@link #create(CognitoSettings, CognitoCredentials.Source)}, with a clock for expiry decisions. */
    public static CognitoTokenProvider create(CognitoSettings settings, CognitoCredentials.Source credentials, Clock clock) {
        return new CognitoTokenProvider(Objects.requireNonNull(settings, "settings is null"),
                Objects.requireNonNull(credentials, "credentials is null"), Objects.requireNonNull(clock, "clock is null"));
    }

    @Override
    public CompletionStage<IdToken> idToken(boolean forceRenew) {
        CompletableFuture<IdToken> result = new CompletableFuture<>();
        try {
            lane.execute(() -> {
                try {
                    result.complete(current(forceRenew));
                } catch (AuthenticationException e) {
                    result.completeExceptionally(e);
                } catch (RuntimeException e) {
                    result.completeExceptionally(new AuthenticationException(CognitoErrors.of(e, false), null));
                }
            });
        } catch (java.util.concurrent.RejectedExecutionException closed) {
            result.completeExceptionally(new AuthenticationException(
                    new dev.lectern.domain.session.LecternError("CLOSED", "token provider is closed", 0, null, true), null));
        }
        return result;
    }

    /** When the token in hand expires, or {@link Instant#MIN} before the first sign-in. */
    public Instant expiresAt() {
        return CompletableFuture.supplyAsync(() -> expiresAt, lane).join();
    }

    /** Full sign-ins made so far. */
    public int signIns() {
        return CompletableFuture.supplyAsync(() -> signIns, lane).join();
    }

    /** Renewals with the refresh token made so far. */
    public int renewals() {
        return CompletableFuture.supplyAsync(() -> renewals, lane).join();
    }

    private static boolean transientFailure(Throwable t) {
        return !CognitoErrors.of(t, false).permanent();
    }

    private static String describe(Throwable t) {
        return t == null ? "unknown" : CognitoErrors.of(t, false).code();
    }

    /**
     * One InitiateAuth call: the retry outside, the circuit breaker inside, in Resilience4j's documented
     * order. The breaker so counts every attempt, opens within one retried call when Cognito is down, and
     * the retry stops at once when it does; the other way round the breaker saw one outcome per whole
     * retried call and opened late.
     */
    private InitiateAuthResponse initiateAuth(java.util.function.Consumer<InitiateAuthRequest.Builder> request) {
        RuntimeException[] lastFailure = new RuntimeException[1];
        java.util.function.Supplier<InitiateAuthResponse> call = () -> {
            try {
                return cognito.initiateAuth(request);
            } catch (RuntimeException e) {
                lastFailure[0] = e;
                throw e;
            }
        };
        try {
            return Retry.decorateSupplier(retry, CircuitBreaker.decorateSupplier(breaker, call)).get();
        } catch (io.github.resilience4j.circuitbreaker.CallNotPermittedException open) {
            // opened by this call's own attempts: say what they met; already open before it: that it fails fast
            if (lastFailure[0] != null) {
                throw lastFailure[0];
            }
            throw open;
        }
    }

    /** State of the circuit around Cognito (CLOSED, OPEN, HALF_OPEN), for hosts and tests. */
    public String circuitState() {
        return breaker.getState().name();
    }

    private IdToken current(boolean forceRenew) {
        try {
            return fresh(forceRenew);
        } catch (AuthenticationException e) {
            // Cognito unavailable: the token in hand still works until it truly expires.
            if (!e.error().permanent() && !forceRenew && idToken != null && clock.instant().isBefore(expiresAt)) {
                log.warn("Cannot renew the ID token of {} ({}); using the current one, valid until {}", username, e.error().code(), expiresAt);
                return idToken;
            }
            throw e;
        }
    }

    private IdToken fresh(boolean forceRenew) {
        Instant now = clock.instant();
        if (!forceRenew && idToken != null && now.plus(settings.renewalMargin()).isBefore(expiresAt)) {
            return idToken;
        }
        if (refreshToken != null) {
            try {
                return renew();
            } catch (AuthenticationException e) {
                if (e.error().permanent()) {
                    log.info("Renewal for {} refused ({}); signing in again", username, e.error().code());
                    refreshToken = null;
                } else {
                    throw e;
                }
            }
        }
        return signIn();
    }

    private IdToken signIn() {
        CognitoCredentials creds = credentials.get();
        try {
            Map<String, String> parameters = new HashMap<>();
            parameters.put("USERNAME", creds.username());
            parameters.put("PASSWORD", new String(creds.password()));
            if (settings.clientSecret() != null) {
                parameters.put("SECRET_HASH", SecretHash.of(creds.username(), settings.clientId(), settings.clientSecret()));
            }
            InitiateAuthResponse response;
            try {
                response = initiateAuth(r -> r.authFlow(AuthFlowType.USER_PASSWORD_AUTH)
                        .clientId(settings.clientId()).authParameters(parameters));
            } catch (RuntimeException e) {
                throw new AuthenticationException(CognitoErrors.of(e, false), null);
            } finally {
                parameters.clear();
            }
            if (response.challengeName() != null) {
                throw new AuthenticationException(response.challengeName() == ChallengeNameType.NEW_PASSWORD_REQUIRED
                        ? CognitoErrors.newPasswordRequired()
                        : new dev.lectern.domain.session.LecternError("CHALLENGE_REQUIRED",
                                "Sign-in needs a " + response.challengeNameAsString() + " challenge, which Lectern does not answer", 0, null, true), null);
            }
            AuthenticationResultType result = response.authenticationResult();
            if (result == null || result.idToken() == null) {
                throw new AuthenticationException(CognitoErrors.noResult("an ID token"), null);
            }
            username = creds.username();
            refreshToken = result.refreshToken();
            signIns++;
            adopt(result);
            log.info("Signed in {}; ID token valid until {}", username, expiresAt);
            return idToken;
        } finally {
            creds.wipe();
        }
    }

    private IdToken renew() {
        Map<String, String> parameters = new HashMap<>();
        parameters.put("REFRESH_TOKEN", refreshToken);
        if (settings.clientSecret() != null) {
            parameters.put("SECRET_HASH", SecretHash.of(username, settings.clientId(), settings.clientSecret()));
        }
        InitiateAuthResponse response;
        try {
            response = initiateAuth(r -> r.authFlow(AuthFlowType.REFRESH_TOKEN_AUTH)
                    .clientId(settings.clientId()).authParameters(parameters));
        } catch (NotAuthorizedException e) {
            throw new AuthenticationException(CognitoErrors.of(e, true), null);
        } catch (RuntimeException e) {
            throw new AuthenticationException(CognitoErrors.of(e, true), null);
        }
        AuthenticationResultType result = response.authenticationResult();
        if (result == null || result.idToken() == null) {
            throw new AuthenticationException(CognitoErrors.noResult("an ID token on renewal"), null);
        }
        if (result.refreshToken() != null) {
            refreshToken = result.refreshToken();
        }
        renewals++;
        adopt(result);
        log.info("Renewed the ID token of {}; valid until {}", username, expiresAt);
        return idToken;
    }

    private void adopt(AuthenticationResultType result) {
        Instant expiry;
        try {
            expiry = TokenClaims.of(result.idToken()).expiresAt();
        } catch (IllegalArgumentException notAJwt) {
            expiry = null;
        }
        if (expiry == null && result.expiresIn() != null) {
            expiry = clock.instant().plusSeconds(result.expiresIn());
        }
        expiresAt = expiry != null ? expiry : clock.instant();
        idToken = new IdToken(result.idToken(), expiry != null ? expiry.toEpochMilli() : 0);
    }

    @Override
    public void close() {
        lane.shutdownNow();
        cognito.close();
    }

    @Override
    public String toString() {
        return "CognitoTokenProvider[" + settings + "]";
    }
}
