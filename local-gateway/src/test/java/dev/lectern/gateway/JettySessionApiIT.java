package dev.lectern.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.lectern.domain.LanguageCode;
import dev.lectern.domain.SessionId;
import dev.lectern.domain.retry.BackoffPolicy;
import dev.lectern.domain.session.CreateParams;
import dev.lectern.domain.session.LecternError;
import dev.lectern.jetty.JettySessionApi;
import dev.lectern.port.SessionApiException;
import dev.lectern.port.SessionResource;
import dev.lectern.testing.FixedTokenProvider;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Callback;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@link JettySessionApi} against a loopback HTTP server that answers with a script of statuses: what is
 * retried (429 with its Retry-After, 5xx), what renews the token (401, once) and what is final (400 naming
 * the field, 403, 404), counted request by request.
 */
class JettySessionApiIT {
    static final String SESSION = "{\"sessionId\":\"golden-eagle-427\",\"speakerId\":\"alice-1\",\"sourceLanguage\":\"en\","
            + "\"qualityTier\":\"standard\",\"status\":\"active\",\"listenerCount\":0,\"createdAt\":1764800000000,"
            + "\"updatedAt\":1764800000000,\"expiresAt\":1764886400,\"kvsChannelArn\":\"arn:x\"}";
    static final BackoffPolicy FAST = new BackoffPolicy(Duration.ofMillis(10), 2.0, Duration.ofMillis(50),
            BackoffPolicy.Jitter.FULL, 3);

    record Answer(int status, String body, String retryAfter) {}

    record Seen(String method, String path, String authorization, long at) {}

    final Queue<Answer> script = new ArrayDeque<>();
    final List<Seen> seen = new CopyOnWriteArrayList<>();
    Server server;
    URI base;
    final FixedTokenProvider tokens = FixedTokenProvider.of("alice");
    JettySessionApi api;

    @BeforeEach
    void start() throws Exception {
        server = new Server();
        ServerConnector connector = new ServerConnector(server);
        connector.setHost("127.0.0.1");
        server.addConnector(connector);
        server.setHandler(new Handler.Abstract() {
            @Override
            public boolean handle(Request request, Response response, Callback callback) {
                seen.add(new Seen(request.getMethod(), Request.getPathInContext(request),
                        request.getHeaders().get("Authorization"), System.nanoTime()));
                Answer answer;
                synchronized (script) {
                    answer = script.poll();
                }
                if (answer == null) {
                    answer = new Answer(500, "{\"error\":\"script ran out\"}", null);
                }
                response.setStatus(answer.status());
                if (answer.retryAfter() != null) {
                    response.getHeaders().put("Retry-After", answer.retryAfter());
                }
                response.write(true, ByteBuffer.wrap(answer.body().getBytes(StandardCharsets.UTF_8)), callback);
                return true;
            }
        });
        server.start();
        base = URI.create("http://127.0.0.1:" + connector.getLocalPort());
        api = JettySessionApi.builder(base).tokenProvider(tokens).retry(FAST).build();
    }

    @AfterEach
    void stop() throws Exception {
        api.close();
        server.stop();
    }

    void answer(int status, String body) {
        script.add(new Answer(status, body, null));
    }

    LecternError failureOf(java.util.concurrent.CompletionStage<?> stage) {
        Throwable t = catchThrowable(() -> stage.toCompletableFuture().get(10, TimeUnit.SECONDS));
        assertThat(t).isInstanceOf(ExecutionException.class).hasCauseInstanceOf(SessionApiException.class);
        return ((SessionApiException) t.getCause()).error();
    }

    @Test
    void createsWithTheTokenAsBearerAndReadsTheSession() throws Exception {
        answer(201, SESSION);
        SessionResource session = api.create(CreateParams.of(LanguageCode.of("en"))).toCompletableFuture().get(10, TimeUnit.SECONDS);

        assertThat(session.sessionId()).isEqualTo(SessionId.of("golden-eagle-427"));
        assertThat(session.expiresAtMillis()).as("seconds on the wire").isEqualTo(1_764_886_400_000L);
        assertThat(session.active()).isTrue();
        assertThat(seen).singleElement().isEqualTo(new Seen("POST", "/sessions", "Bearer alice-1", seen.get(0).at()));
    }

    @Test
    void retriesServerErrorsAndRateLimitsHonouringRetryAfter() throws Exception {
        answer(503, "{\"error\":\"down\"}");
        script.add(new Answer(429, "{\"message\":\"Too Many Requests\"}", "1"));
        answer(200, SESSION);

        api.get(SessionId.of("golden-eagle-427")).toCompletableFuture().get(10, TimeUnit.SECONDS);

        assertThat(seen).hasSize(3);
        assertThat(seen.get(2).at() - seen.get(1).at()).as("waited the Retry-After second")
                .isGreaterThanOrEqualTo(TimeUnit.MILLISECONDS.toNanos(1000));
    }

    @Test
    void aCreationThatMayHaveReachedTheServiceIsNotSentAgainButARateLimitedOneIs() throws Exception {
        answer(503, "{\"error\":\"down\"}");
        LecternError error = failureOf(api.create(CreateParams.of(LanguageCode.of("en"))));
        assertThat(error.status()).isEqualTo(503);
        assertThat(seen).as("a second POST could make a second session").hasSize(1);

        seen.clear();
        script.add(new Answer(429, "{\"message\":\"Too Many Requests\"}", "1"));
        answer(201, SESSION);
        api.create(CreateParams.of(LanguageCode.of("en"))).toCompletableFuture().get(10, TimeUnit.SECONDS);
        assertThat(seen).as("429: the service refused it, so it is sent again").hasSize(2);
    }

    @Test
    void aRetryAfterOfAnHourFailsTheCallAtOnce() {
        script.add(new Answer(429, "{\"message\":\"Too Many Requests\"}", "3600"));
        LecternError error = failureOf(api.get(SessionId.of("golden-eagle-427")));
        assertThat(error.status()).isEqualTo(429);
        assertThat(seen).hasSize(1);
    }

    @Test
    void givesUpOnServerErrorsAfterTheRetryBudget() {
        for (int i = 0; i < 6; i++) {
            answer(500, "{\"error\":\"Internal server error\",\"timestamp\":1}");
        }
        LecternError error = failureOf(api.get(SessionId.of("golden-eagle-427")));

        assertThat(error.code()).isEqualTo("INTERNAL_ERROR");
        assertThat(error.permanent()).isFalse();
        assertThat(seen).as("the first try and three more").hasSize(4);
    }

    @Test
    void a401RenewsTheTokenOnceThenIsFinal() throws Exception {
        answer(401, "{\"message\":\"Unauthorized\"}");
        answer(201, SESSION);
        api.create(CreateParams.of(LanguageCode.of("en"))).toCompletableFuture().get(10, TimeUnit.SECONDS);
        assertThat(seen).hasSize(2).allSatisfy(s -> assertThat(s.authorization()).startsWith("Bearer alice-"));
        assertThat(tokens.forcedRenewals()).as("the second try with a renewed token").isEqualTo(1);

        seen.clear();
        answer(401, "{\"message\":\"Unauthorized\"}");
        answer(401, "{\"message\":\"Unauthorized\"}");
        LecternError error = failureOf(api.delete(SessionId.of("golden-eagle-427")));
        assertThat(error.code()).isEqualTo("UNAUTHORIZED");
        assertThat(error.permanent()).isTrue();
        assertThat(seen).hasSize(2);
    }

    @Test
    void a400NamesTheFieldAnd403And404AreFinal() {
        answer(400, "{\"error\":\"Invalid sourceLanguage: xx\",\"timestamp\":1}");
        LecternError bad = failureOf(api.create(CreateParams.of(LanguageCode.of("en"))));
        assertThat(bad.code()).isEqualTo("INVALID_PARAMETERS");
        assertThat(bad.message()).startsWith("sourceLanguage: Invalid sourceLanguage: xx");
        assertThat(bad.status()).isEqualTo(400);

        answer(403, "{\"error\":\"Not authorized to update this session\",\"timestamp\":1}");
        assertThat(failureOf(api.updateStatus(SessionId.of("golden-eagle-427"), "paused")).code()).isEqualTo("FORBIDDEN");
        answer(404, "{\"error\":\"Session not found\",\"timestamp\":1}");
        LecternError missing = failureOf(api.get(SessionId.of("golden-eagle-427")));
        assertThat(missing.code()).isEqualTo("SESSION_NOT_FOUND");
        assertThat(missing.permanent()).isTrue();
        assertThat(seen).as("none of them tried again").hasSize(3);
    }

    @Test
    void nothingListeningIsAConnectFailureWithoutTheToken() throws Exception {
        server.stop();
        LecternError error = failureOf(api.get(SessionId.of("golden-eagle-427")));
        assertThat(error.code()).isEqualTo("CONNECT_FAILED");
        assertThat(error.message()).doesNotContain("alice");
    }
}
