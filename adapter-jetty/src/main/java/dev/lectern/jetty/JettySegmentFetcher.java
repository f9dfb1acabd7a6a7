package dev.lectern.jetty;

import dev.lectern.jetty.internal.Failures;
import dev.lectern.jetty.internal.JettyClients;
import dev.lectern.domain.retry.BackoffPolicy;
import dev.lectern.port.SegmentFetcher;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.eclipse.jetty.client.BufferingResponseListener;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.client.Result;

/**
 * {@link SegmentFetcher} over the Jetty {@code HttpClient} the transport shares ({@link JettyClients}): the
 * same trust store, threads and connection pool. Each try is bounded ({@link Builder#tryTimeout}, the
 * connection's idle time by {@link Builder#readTimeout}); timeouts, refused connections and 5xx are tried
 * again with jittered backoff, up to {@link #DEFAULT_TRIES} tries; the expiry read from the URL is a hint (this
 * machine's clock may be ahead): the first try is always made, a later one not once the expiry has passed;
 * 403 and 404 are final. A 403 at or after the expiry, or whose S3 error says the request expired, is
 * {@code EXPIRED}. Nothing it logs or throws carries the URL's signature.
 */
public final class JettySegmentFetcher implements SegmentFetcher, AutoCloseable {
    public static final int DEFAULT_TRIES = 3;
    public static final Duration DEFAULT_TRY_TIMEOUT = Duration.ofSeconds(5);
    public static final Duration DEFAULT_READ_TIMEOUT = Duration.ofSeconds(3);
    /** A segment is a few seconds of MP3, tens of kilobytes; more is refused. */
    public static final int MAX_BODY_BYTES = 4 * 1024 * 1024;
    private static final BackoffPolicy BACKOFF =
            new BackoffPolicy(Duration.ofMillis(250), 2.0, Duration.ofSeconds(2), BackoffPolicy.Jitter.FULL, 0);

    private final JettyClients.Settings clientSettings;
    private final HttpClient http;
    private final int tries;
    private final Duration tryTimeout;
    private final Duration readTimeout;
    private final Clock clock;
    private final AtomicBoolean closed = new AtomicBoolean();
    private final AtomicLong requests = new AtomicLong();

    private JettySegmentFetcher(Builder b) {
        this.clientSettings = JettyClients.Settings.withTrust(b.trustStore, b.trustStorePassword);
        this.http = JettyClients.acquire(clientSettings).core().getHttpClient();
        this.tries = b.tries;
        this.tryTimeout = b.tryTimeout;
        this.readTimeout = b.readTimeout;
        this.clock = b.clock;
    }

    public static Builder builder() {
        return new Builder();
    }

    @Override
    public CompletionStage<byte[]> fetch(URI url, Instant expiresAt) {
        Objects.requireNonNull(url, "url is null");
        CompletableFuture<byte[]> out = new CompletableFuture<>();
        attempt(url, expiresAt, 1, out);
        return out;
    }

    /** HTTP requests made so far (tries included). */
    public long requests() {
        return requests.get();
    }

    private void attempt(URI url, Instant expiresAt, int attempt, CompletableFuture<byte[]> out) {
        if (closed.get()) {
            out.completeExceptionally(new FetchFailedException(Reason.FAILED, "the fetcher is closed"));
            return;
        }
        if (attempt > 1 && expiresAt != null && !clock.instant().isBefore(expiresAt)) {
            // the first try is always made: this machine's clock may be ahead (protocol section 11.3)
            out.completeExceptionally(new FetchFailedException(Reason.EXPIRED, "the URL expired at " + expiresAt + " before it could be fetched"));
            return;
        }
        requests.incrementAndGet();
        http.newRequest(url).method("GET").timeout(tryTimeout.toMillis(), TimeUnit.MILLISECONDS)
                .idleTimeout(readTimeout.toMillis(), TimeUnit.MILLISECONDS)
                .send(new BufferingResponseListener(MAX_BODY_BYTES) {
                    @Override
                    public void onComplete(Result result) {
                        answered(url, expiresAt, attempt, out, result, result.getResponse() == null ? null : getContent(),
                                result.getResponse() == null ? null : getContentAsString());
                    }
                });
    }

    private void answered(URI url, Instant expiresAt, int attempt, CompletableFuture<byte[]> out, Result result,
                          byte[] body, String text) {
        int status = result.getResponse() == null ? 0 : result.getResponse().getStatus();
        if (!result.isFailed() && status == 200) {
            out.complete(body == null ? new byte[0] : body);
            return;
        }
        String where = where(url);
        if (status == 403) {
            boolean expired = (expiresAt != null && !clock.instant().isBefore(expiresAt))
                    || (text != null && text.contains("expired"));
            out.completeExceptionally(new FetchFailedException(expired ? Reason.EXPIRED : Reason.FORBIDDEN,
                    "403 from " + where + (expired ? ": the URL has expired" : ": the signature was not accepted")));
            return;
        }
        if (status == 404) {
            out.completeExceptionally(new FetchFailedException(Reason.NOT_FOUND, "404 from " + where));
            return;
        }
        boolean timedOut = result.isFailed() && status <= 0 && isTimeout(result.getFailure());
        Reason reason = timedOut ? Reason.TIMEOUT : Reason.FAILED;
        String what = status > 0 ? "HTTP " + status : timedOut ? "no answer in time" : rootMessage(result.getFailure());
        if (status > 0 && status < 500 && status != 408 && status != 429) {
            out.completeExceptionally(new FetchFailedException(Reason.FAILED, what + " from " + where));
            return;
        }
        if (attempt >= tries) {
            out.completeExceptionally(new FetchFailedException(reason, what + " from " + where + " on each of " + tries + " tries"));
            return;
        }
        long delay = BACKOFF.delay(attempt, ThreadLocalRandom.current().nextDouble(), null).toMillis();
        if (expiresAt != null && clock.instant().plusMillis(delay).isAfter(expiresAt)) {
            out.completeExceptionally(new FetchFailedException(Reason.EXPIRED, what + " from " + where
                    + ", and the URL expires before another try"));
            return;
        }
        http.getScheduler().schedule(() -> attempt(url, expiresAt, attempt + 1, out), delay, TimeUnit.MILLISECONDS);
    }

    private static boolean isTimeout(Throwable t) {
        return Failures.hasCause(t, TimeoutException.class) || Failures.hasCause(t, java.net.SocketTimeoutException.class);
    }

    /** Host and path, never the query: a presigned URL's query is its signature. */
    private static String where(URI url) {
        return url.getScheme() + "://" + url.getRawAuthority() + url.getRawPath();
    }

    private static String rootMessage(Throwable t) {
        return Failures.rootMessage(t);
    }

    /** Releases this fetcher's hold on the shared Jetty client. Idempotent. */
    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            JettyClients.release(clientSettings);
        }
    }

    /** Builder; everything has a default. */
    public static final class Builder {
        private Path trustStore;
        private String trustStorePassword;
        private int tries = DEFAULT_TRIES;
        private Duration tryTimeout = DEFAULT_TRY_TIMEOUT;
        private Duration readTimeout = DEFAULT_READ_TIMEOUT;
        private Clock clock = Clock.systemUTC();

        private Builder() {}

        /** Trust the certificates in this key store (PKCS12 or JKS), as the transport does. */
        public Builder trustStore(Path path, String password) {
            trustStore = Objects.requireNonNull(path, "trustStore is null");
            trustStorePassword = password;
            return this;
        }

        /** Tries in all for a URL (1 to 10, default 3). */
        public Builder tries(int value) {
            tries = value;
            return this;
        }

        /** How long one try may take, connect included (default 5 s). */
        public Builder tryTimeout(Duration value) {
            tryTimeout = value;
            return this;
        }

        /** How long the connection may stay silent while the body comes (default 3 s). */
        public Builder readTimeout(Duration value) {
            readTimeout = value;
            return this;
        }

        /** The clock the expiry is read against (tests). */
        public Builder clock(Clock value) {
            clock = Objects.requireNonNull(value, "clock is null");
            return this;
        }

        public JettySegmentFetcher build() {
            if (tries < 1 || tries > 10) {
                throw new IllegalArgumentException("tries must be between 1 and 10, was: " + tries);
            }
            for (Duration d : new Duration[] {tryTimeout, readTimeout}) {
                if (d == null || d.isNegative() || d.isZero()) {
                    throw new IllegalArgumentException((d == tryTimeout ? "tryTimeout" : "readTimeout") + " must be positive, was: " + d);
                }
            }
            return new JettySegmentFetcher(this);
        }
    }
}
