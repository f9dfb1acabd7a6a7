package dev.lectern.cognito;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.sun.net.httpserver.HttpServer;
import dev.lectern.port.AuthenticationException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The Cognito adapter's retry and circuit breaker against a stub of the InitiateAuth endpoint that answers
 * as told and counts the calls: a wrong password is tried once; throttling is tried again; an internal
 * error is tried until the breaker, inside the retry, opens on those attempts; while open, calls fail fast
 * with no request at all; after the wait one call is let through and its success closes the circuit.
 */
class CognitoTokenProviderResilienceTest {
    HttpServer stub;
    final AtomicInteger calls = new AtomicInteger();
    final AtomicReference<String[]> answer = new AtomicReference<>(); // {status, __type}; null: success

    static String jwt(long expSeconds) {
        String payload = "{\"sub\":\"alice\",\"exp\":" + expSeconds + ",\"token_use\":\"id\"}";
        Base64.Encoder b = Base64.getUrlEncoder().withoutPadding();
        return b.encodeToString("{\"alg\":\"none\"}".getBytes(StandardCharsets.UTF_8)) + "."
                + b.encodeToString(payload.getBytes(StandardCharsets.UTF_8)) + ".c2ln";
    }

    @BeforeEach
    void start() throws Exception {
        stub = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        stub.createContext("/", exchange -> {
            calls.incrementAndGet();
            exchange.getRequestBody().readAllBytes();
            String[] a = answer.get();
            String body;
            int status;
            if (a == null) {
                status = 200;
                body = "{\"AuthenticationResult\":{\"IdToken\":\"" + jwt(System.currentTimeMillis() / 1000 + 3600)
                        + "\",\"AccessToken\":\"a\",\"RefreshToken\":\"r\",\"ExpiresIn\":3600,\"TokenType\":\"Bearer\"}}";
            } else {
                status = Integer.parseInt(a[0]);
                body = "{\"__type\":\"" + a[1] + "\",\"message\":\"as the stub was told\"}";
            }
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/x-amz-json-1.1");
            exchange.sendResponseHeaders(status, bytes.length);
            exchange.getResponseBody().write(bytes);
            exchange.close();
        });
        stub.start();
    }

    @AfterEach
    void stop() {
        stub.stop(0);
    }

    CognitoTokenProvider provider(int attempts, Duration openFor) {
        return CognitoTokenProvider.create(CognitoSettings.builder().region("us-east-1").clientId("abc")
                        .endpointOverride(URI.create("http://127.0.0.1:" + stub.getAddress().getPort()))
                        .retryAttempts(attempts).retryInitialDelay(Duration.ofMillis(20)).circuitOpenFor(openFor)
                        .callTimeout(Duration.ofSeconds(5)).build(),
                CognitoCredentials.Source.of("alice@example.com", "pw".toCharArray()));
    }

    static String failureCode(CognitoTokenProvider p) {
        try {
            p.idToken(true).toCompletableFuture().join();
            return "OK";
        } catch (CompletionException e) {
            return ((AuthenticationException) e.getCause()).error().code();
        }
    }

    @Test
    void aWrongPasswordIsTriedOnceAndLeavesTheCircuitClosed() {
        answer.set(new String[] {"400", "NotAuthorizedException"});
        try (CognitoTokenProvider p = provider(3, Duration.ofSeconds(30))) {
            assertThat(failureCode(p)).isEqualTo("INVALID_CREDENTIALS");
            assertThat(calls).hasValue(1);
            assertThat(p.circuitState()).isEqualTo("CLOSED");
        }
    }

    @Test
    void throttlingIsTriedAgainAndTheTokenComesWhenItLifts() {
        answer.set(new String[] {"400", "TooManyRequestsException"});
        AtomicInteger throttled = new AtomicInteger();
        try (CognitoTokenProvider p = provider(3, Duration.ofSeconds(30))) {
            // the first attempt is throttled; the stub lifts it for the next
            stub.removeContext("/");
            stub.createContext("/", exchange -> {
                calls.incrementAndGet();
                exchange.getRequestBody().readAllBytes();
                boolean first = throttled.getAndIncrement() == 0;
                String body = first ? "{\"__type\":\"TooManyRequestsException\",\"message\":\"slow down\"}"
                        : "{\"AuthenticationResult\":{\"IdToken\":\"" + jwt(System.currentTimeMillis() / 1000 + 3600)
                        + "\",\"AccessToken\":\"a\",\"RefreshToken\":\"r\",\"ExpiresIn\":3600,\"TokenType\":\"Bearer\"}}";
                byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
                exchange.getResponseHeaders().add("Content-Type", "application/x-amz-json-1.1");
                exchange.sendResponseHeaders(first ? 400 : 200, bytes.length);
                exchange.getResponseBody().write(bytes);
                exchange.close();
            });
            assertThat(failureCode(p)).isEqualTo("OK");
            assertThat(calls).as("throttled once, then the token").hasValue(2);
        }
    }

    @Test
    void anOutageOpensTheCircuitWithinOneRetriedCallFailsFastThenClosesOnRecovery() {
        answer.set(new String[] {"500", "InternalErrorException"});
        Duration openFor = Duration.ofMillis(400);
        try (CognitoTokenProvider p = provider(4, openFor)) {
            assertThat(failureCode(p)).as("what the attempts met; the breaker opened on them and the retry stopped")
                    .isEqualTo("COGNITO_UNAVAILABLE");
            assertThat(calls).as("two failed attempts open it (two calls at least, half failing)").hasValue(2);
            assertThat(p.circuitState()).isEqualTo("OPEN");

            assertThat(failureCode(p)).isEqualTo("COGNITO_CIRCUIT_OPEN");
            assertThat(calls).as("while open, no request at all").hasValue(2);

            answer.set(null); // Cognito is back
            long reopen = System.nanoTime() + openFor.toNanos() + 50_000_000L;
            await().atMost(Duration.ofSeconds(5)).until(() -> System.nanoTime() >= reopen);
            assertThat(failureCode(p)).isEqualTo("OK");
            assertThat(calls).as("one call let through, and it succeeded").hasValue(3);
            assertThat(p.circuitState()).isEqualTo("CLOSED");
        }
    }
}
