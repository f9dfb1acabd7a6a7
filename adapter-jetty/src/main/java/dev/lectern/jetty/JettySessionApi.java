package dev.lectern.jetty;

import dev.lectern.jetty.internal.Failures;
import dev.lectern.jetty.internal.JettyClients;
import dev.lectern.domain.IdToken;
import dev.lectern.domain.SessionId;
import dev.lectern.domain.retry.BackoffPolicy;
import dev.lectern.domain.session.CreateParams;
import dev.lectern.domain.session.LecternError;
import dev.lectern.port.AuthenticationException;
import dev.lectern.port.SessionApi;
import dev.lectern.port.SessionApiException;
import dev.lectern.port.SessionResource;
import dev.lectern.port.TokenProvider;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import javax.net.ssl.SSLException;
import org.eclipse.jetty.client.BufferingResponseListener;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.client.Request;
import org.eclipse.jetty.client.Result;
import org.eclipse.jetty.client.StringRequestContent;
import org.eclipse.jetty.http.HttpHeader;

/**
 * {@link SessionApi} over Jetty's {@code HttpClient}: the one the WebSocket transport already shares per TLS
 * configuration ({@link JettyClients}), so the session API gets the same trust store, threads and
 * connection pool, and nothing new to start.
 *
 * <p>Every request carries the token provider's ID token as {@code Authorization: Bearer}. A 401 renews
 * the token once and tries again; 429 (honouring {@code Retry-After}), 5xx and network failures are tried
 * again with jittered backoff ({@link #DEFAULT_RETRY}); 400, 403 and 404 are final. Failures complete the
 * stage with a {@link SessionApiException}: its status, a code derived from it ({@code INVALID_PARAMETERS},
 * {@code UNAUTHORIZED}, {@code FORBIDDEN}, {@code SESSION_NOT_FOUND}, {@code RATE_LIMIT_EXCEEDED},
 * {@code INTERNAL_ERROR}, {@code SERVICE_UNAVAILABLE}, {@code NETWORK_ERROR}, {@code TLS_CERTIFICATE_REJECTED})
 * and the service's sentence. Nothing it logs or throws carries the token.
 */
public final class JettySessionApi implements SessionApi, AutoCloseable {
    /** 4 tries in all: 0.5 s, 1 s, 2 s apart at most (full jitter), capped at 5 s. */
    public static final BackoffPolicy DEFAULT_RETRY =
            new BackoffPolicy(Duration.ofMillis(500), 2.0, Duration.ofSeconds(5), BackoffPolicy.Jitter.FULL, 3);
    public static final Duration DEFAULT_REQUEST_TIMEOUT = Duration.ofSeconds(10);
    /** A {@code Retry-After} longer than this fails the call rather than hold it (a 429 asking for an hour). */
    static final Duration MAX_RETRY_AFTER = Duration.ofSeconds(60);
    private static final int MAX_BODY_BYTES = 64 * 1024;

    private final URI base;
    private final TokenProvider tokens;
    private final Duration requestTimeout;
    private final BackoffPolicy retry;
    private final JettyClients.Settings clientSettings;
    private final HttpClient http;
    private final AtomicBoolean closed = new AtomicBoolean();

    private JettySessionApi(Builder b) {
        this.base = b.base;
        this.tokens = b.tokens;
        this.requestTimeout = b.requestTimeout;
        this.retry = b.retry;
        this.clientSettings = JettyClients.Settings.withTrust(b.trustStore, b.trustStorePassword);
        this.http = JettyClients.acquire(clientSettings).core().getHttpClient();
    }

    /** A session API at {@code base}, e.g. {@code https://abc123.execute-api.us-east-1.amazonaws.com}. */
    public static Builder builder(URI base) {
        return new Builder(base);
    }

    @Override
    public CompletionStage<SessionResource> create(CreateParams params) {
        Objects.requireNonNull(params, "params is null");
        return call("POST", "sessions", SessionJson.createBody(params), 201).thenApply(JettySessionApi::session);
    }

    @Override
    public CompletionStage<SessionResource> get(SessionId id) {
        return call("GET", "sessions/" + id.value(), null, 200).thenApply(JettySessionApi::session);
    }

    @Override
    public CompletionStage<SessionResource> updateStatus(SessionId id, String status) {
        return call("PATCH", "sessions/" + id.value(), SessionJson.statusBody(status), 200).thenApply(JettySessionApi::session);
    }

    @Override
    public CompletionStage<Void> delete(SessionId id) {
        return call("DELETE", "sessions/" + id.value(), null, 204).thenApply(body -> null);
    }

    /** {@code GET /health}: completes with the status (200 healthy, 503 not), without a token. */
    public CompletionStage<Integer> health() {
        CompletableFuture<Integer> out = new CompletableFuture<>();
        http.newRequest(resolve("health")).method("GET").timeout(requestTimeout.toMillis(), TimeUnit.MILLISECONDS)
                .send(result -> {
                    if (result.isFailed()) {
                        out.completeExceptionally(new SessionApiException(networkError(result.getFailure()), result.getFailure()));
                    } else {
                        out.complete(result.getResponse().getStatus());
                    }
                });
        return out;
    }

    public URI base() {
        return base;
    }

    /** Releases this adapter's hold on the shared Jetty client. Idempotent. */
    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            JettyClients.release(clientSettings);
        }
    }

    private static SessionResource session(String body) {
        try {
            return SessionJson.session(body);
        } catch (IllegalArgumentException e) {
            throw new CompletionException(new SessionApiException(
                    new LecternError("INVALID_RESPONSE", e.getMessage(), 0, null, true), e));
        }
    }

    // ---------------------------------------------------------------------- one call, with its retries

    private CompletableFuture<String> call(String method, String path, String body, int expected) {
        if (closed.get()) {
            throw new IllegalStateException("session API at " + base + " is closed");
        }
        CompletableFuture<String> out = new CompletableFuture<>();
        attempt(new Call(method, path, body, expected, out), 1, false);
        return out;
    }

    private record Call(String method, String path, String body, int expected, CompletableFuture<String> out) {}

    private void attempt(Call call, int attempt, boolean renew) {
        if (tokens == null) {
            if ("GET".equals(call.method())) {
                send(call, attempt, true, null); // the session's GET is public there (protocol section 11.1)
            } else {
                call.out().completeExceptionally(new SessionApiException(new LecternError("NO_TOKEN_PROVIDER",
                        call.method() + " needs a speaker's token: this session API has no token provider", 0, null, true), null));
            }
            return;
        }
        tokens.idToken(renew).whenComplete((token, failure) -> {
            if (failure != null || token == null) {
                Throwable cause = failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
                LecternError error = cause instanceof AuthenticationException auth ? auth.error()
                        : new LecternError("AUTH_FAILED", "no token for the session API: " + describe(cause), 0, null, false);
                call.out().completeExceptionally(new SessionApiException(error, cause));
                return;
            }
            send(call, attempt, renew, token);
        });
    }

    private void send(Call call, int attempt, boolean renewed, IdToken token) {
        Request request = http.newRequest(resolve(call.path())).method(call.method())
                .timeout(requestTimeout.toMillis(), TimeUnit.MILLISECONDS);
        if (token != null) {
            request.headers(h -> h.put(HttpHeader.AUTHORIZATION, "Bearer " + token.value()));
        }
        if (call.body() != null) {
            request.body(new StringRequestContent("application/json", call.body()));
        }
        request.send(new BufferingResponseListener(MAX_BODY_BYTES) {
            @Override
            public void onComplete(Result result) {
                answered(call, attempt, renewed, result, result.isFailed() && result.getResponse().getStatus() <= 0
                        ? null : getContentAsString());
            }
        });
    }

    private void answered(Call call, int attempt, boolean renewed, Result result, String body) {
        int status = result.getResponse() == null ? 0 : result.getResponse().getStatus();
        if (result.isFailed() && status <= 0) {
            retryOrFail(call, attempt, renewed, networkError(result.getFailure()), null);
            return;
        }
        if (status == call.expected() || (status >= 200 && status < 300)) {
            call.out().complete(body);
            return;
        }
        if (status == 401 && !renewed) {
            attempt(call, attempt, true);
            return;
        }
        LecternError error = errorOf(status, SessionJson.errorSentence(body), call);
        Duration retryAfter = retryAfter(result.getResponse().getHeaders().get(HttpHeader.RETRY_AFTER));
        retryOrFail(call, attempt, renewed, error, retryAfter);
    }

    private void retryOrFail(Call call, int attempt, boolean renewed, LecternError error, Duration retryAfter) {
        // after {@code attempt} tries, the next one is retry number {@code attempt}
        boolean answeredOrLost = error.status() != 429 && !"CONNECT_FAILED".equals(error.code());
        if (error.permanent() || !retry.allows(attempt) || ("POST".equals(call.method()) && answeredOrLost)
                || (retryAfter != null && retryAfter.compareTo(MAX_RETRY_AFTER) > 0)) {
            // a POST that may have reached the service is not sent again: a second one would make a second session;
            // a Retry-After longer than a person waits is an answer, not a plan
            call.out().completeExceptionally(new SessionApiException(error, null));
            return;
        }
        Duration delay = retry.delay(attempt, ThreadLocalRandom.current().nextDouble(), retryAfter);
        http.getScheduler().schedule(() -> attempt(call, attempt + 1, renewed), delay.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** The error for an answer with {@code status}; a 400 names the field the sentence is about. */
    static LecternError errorOf(int status, String sentence, Call call) {
        String what = call == null ? "request" : call.method() + " /" + call.path();
        String said = sentence == null ? "HTTP " + status : sentence;
        return switch (status) {
            case 400 -> {
                String field = fieldIn(sentence);
                yield new LecternError("INVALID_PARAMETERS", (field == null ? "" : field + ": ") + said
                        + " (the session API refused " + what + ")", 400, null, true);
            }
            case 401 -> new LecternError("UNAUTHORIZED", said + ": the session API did not accept the ID token, even renewed", 401, null, true);
            case 403 -> new LecternError("FORBIDDEN", said + " (" + what + ")", 403, null, true);
            case 404 -> new LecternError("SESSION_NOT_FOUND", said + " (" + what + ")", 404, null, true);
            case 429 -> new LecternError("RATE_LIMIT_EXCEEDED", said, 429, null, false);
            case 503 -> new LecternError("SERVICE_UNAVAILABLE", said, 503, null, false);
            default -> status >= 500
                    ? new LecternError("INTERNAL_ERROR", said, status, null, false)
                    : new LecternError("HTTP_" + status, said + " (" + what + ")", status, null, true);
        };
    }

    private static final String[] FIELDS = {"sourceLanguage", "qualityTier", "status", "sessionId"};

    private static String fieldIn(String sentence) {
        if (sentence == null) {
            return null;
        }
        String lower = sentence.toLowerCase(Locale.ROOT);
        for (String field : FIELDS) {
            if (lower.contains(field.toLowerCase(Locale.ROOT))) {
                return field;
            }
        }
        return null;
    }

    private static LecternError networkError(Throwable failure) {
        if (Failures.hasCause(failure, SSLException.class)) {
            return new LecternError("TLS_CERTIFICATE_REJECTED", "TLS handshake with the session API failed: "
                    + Failures.rootMessage(failure), 0, null, true);
        }
        if (Failures.hasCause(failure, java.net.ConnectException.class)) {
            // refused before anything was sent: safe to send again, a POST too
            return new LecternError("CONNECT_FAILED", "the session API could not be reached: " + describe(failure), 0, null, false);
        }
        return new LecternError("NETWORK_ERROR", "the session API did not answer: " + describe(failure), 0, null, false);
    }

    private static Duration retryAfter(String header) {
        if (header == null) {
            return null;
        }
        try {
            return Duration.ofSeconds(Math.max(1, Long.parseLong(header.trim())));
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private URI resolve(String path) {
        String root = base.toString();
        return URI.create(root.endsWith("/") ? root + path : root + "/" + path);
    }

    private static String describe(Throwable t) {
        return Failures.rootMessage(t);
    }

    /** Builder; the token provider is required. */
    public static final class Builder {
        private final URI base;
        private TokenProvider tokens;
        private Path trustStore;
        private String trustStorePassword;
        private Duration requestTimeout = DEFAULT_REQUEST_TIMEOUT;
        private BackoffPolicy retry = DEFAULT_RETRY;

        private Builder(URI base) {
            this.base = Objects.requireNonNull(base, "base is null");
        }

        /** Where the speaker's ID tokens come from; without one only {@code get} works (the public GET a listener may use). */
        public Builder tokenProvider(TokenProvider value) {
            tokens = value;
            return this;
        }

        /** Trust the certificates in this key store (PKCS12 or JKS), as the transport does. */
        public Builder trustStore(Path path, String password) {
            trustStore = Objects.requireNonNull(path, "trustStore is null");
            trustStorePassword = password;
            return this;
        }

        /** How long one request may take, connect included (default 10 s). */
        public Builder requestTimeout(Duration value) {
            requestTimeout = value;
            return this;
        }

        /** How 429, 5xx and network failures are tried again (default {@link #DEFAULT_RETRY}). */
        public Builder retry(BackoffPolicy value) {
            retry = Objects.requireNonNull(value, "retry is null");
            return this;
        }

        public JettySessionApi build() {
            String scheme = base.getScheme();
            if (!"http".equalsIgnoreCase(scheme) && !"https".equalsIgnoreCase(scheme) || base.getHost() == null) {
                throw new IllegalArgumentException("session API must be an http:// or https:// URL, was: " + ConnectUrls.redact(base.toString()));
            }
            if (base.getRawQuery() != null) {
                throw new IllegalArgumentException("session API URL must not carry a query, was: " + ConnectUrls.redact(base.toString()));
            }
            if (requestTimeout == null || requestTimeout.isNegative() || requestTimeout.isZero()) {
                throw new IllegalArgumentException("requestTimeout must be positive, was: " + requestTimeout);
            }
            return new JettySessionApi(this);
        }
    }
}
