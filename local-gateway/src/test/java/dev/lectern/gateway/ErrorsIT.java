package dev.lectern.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lectern.client.LecternException;
import dev.lectern.client.ListenerClient;
import dev.lectern.client.ListenerConfig;
import dev.lectern.client.SpeakerClient;
import dev.lectern.client.SpeakerConfig;
import dev.lectern.domain.SessionId;
import dev.lectern.domain.event.LecternEvent;
import dev.lectern.domain.session.EndReason;
import dev.lectern.jetty.JettyTransport;
import dev.lectern.port.AudioSink;
import dev.lectern.testing.FixedTokenProvider;
import dev.lectern.testing.RecordingListener;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.time.Duration;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Every error a client can meet, on real sockets, gives the right typed error. */
class ErrorsIT {
    LocalGateway gateway;

    URI start(GatewaySettings.Builder settings) throws Exception {
        gateway = LocalGateway.builder().settings(settings.build())
                .tokenVerifier(token -> {
                    if (!token.startsWith("alice")) {
                        throw new TokenVerifier.InvalidTokenException("Invalid token");
                    }
                    return "alice";
                }).build();
        return gateway.start();
    }

    @AfterEach
    void stop() throws Exception {
        gateway.close();
    }

    SessionId session(URI endpoint) throws Exception {
        SpeakerClient speaker = Fixtures.speaker(endpoint, new RecordingListener());
        return speaker.start().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    @Test
    void typedSessionIdIsNormalisedAndAMalformedOneIsRefusedWhenTheConfigIsBuilt() throws Exception {
        java.util.concurrent.atomic.AtomicInteger attempts = new java.util.concurrent.atomic.AtomicInteger();
        gateway = LocalGateway.builder().settings(Fixtures.gateway().build())
                .observer(new GatewayObserver() {
                    @Override
                    public void connectAttempt(long epochMillis) {
                        attempts.incrementAndGet();
                    }
                }).build();
        URI endpoint = gateway.start();
        SessionId id = session(endpoint);
        // As a person types it: spaces around, capitals. Trimmed and lower-cased, it joins.
        ListenerClient typed = Fixtures.listener(endpoint, "  " + id.value().toUpperCase(java.util.Locale.ROOT) + " ", "es",
                new RecordingListener(), AudioSink.NONE);
        assertThat(typed.start().toCompletableFuture().get(10, TimeUnit.SECONDS).sessionId()).isEqualTo(id);
        assertThatThrownBy(() -> ListenerConfig.builder().sessionId("Golden Eagle!").targetLanguage("es").build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("sessionId").hasMessageContaining("golden eagle!");
        assertThat(attempts.get()).as("the speaker's and the typed listener's connects; nothing for the malformed id").isEqualTo(2);
        typed.close();
    }

    @Test
    void unknownSessionIsA404SessionNotFoundAndNotRetried() throws Exception {
        URI endpoint = start(Fixtures.gateway());
        RecordingListener events = new RecordingListener();
        ListenerClient listener = Fixtures.listener(endpoint, "absent-owl-123", "es", events, AudioSink.NONE);
        assertThatThrownBy(() -> listener.start().toCompletableFuture().join()).isInstanceOf(CompletionException.class)
                .cause().isInstanceOfSatisfying(LecternException.class, e -> {
                    assertThat(e.error().status()).isEqualTo(404);
                    assertThat(e.error().code()).isEqualTo("SESSION_NOT_FOUND");
                    assertThat(e.error().permanent()).isTrue();
                    assertThat(e.endReason()).isEqualTo(EndReason.PERMANENT_ERROR);
                });
        assertThat(events.events(LecternEvent.RetryScheduled.class)).isEmpty();
    }

    @Test
    void fullSessionIsA503SessionFullAndRetriedWithBackoff() throws Exception {
        URI endpoint = start(Fixtures.gateway().maxListeners(1));
        SessionId id = session(endpoint);
        Fixtures.listener(endpoint, id.value(), "es", new RecordingListener(), AudioSink.NONE).start()
                .toCompletableFuture().get(10, TimeUnit.SECONDS);
        RecordingListener events = new RecordingListener();
        ListenerClient second = Fixtures.listener(endpoint, id.value(), "es", events, AudioSink.NONE);
        second.start();
        LecternEvent.RetryScheduled retry = events.await(LecternEvent.RetryScheduled.class, Duration.ofSeconds(10));
        assertThat(retry.cause().status()).isEqualTo(503);
        assertThat(retry.cause().code()).isEqualTo("SESSION_FULL");
        assertThat(retry.cause().permanent()).isFalse();
        second.close();
    }

    @Test
    void rateLimitIsA429WithRetryAfterThatTheClientHonours() throws Exception {
        URI endpoint = start(Fixtures.gateway().joinsPerMinute(1));
        SessionId id = session(endpoint);
        Fixtures.listener(endpoint, id.value(), "es", new RecordingListener(), AudioSink.NONE).start()
                .toCompletableFuture().get(10, TimeUnit.SECONDS);
        RecordingListener events = new RecordingListener();
        ListenerClient limited = Fixtures.listener(endpoint, id.value(), "es", events, AudioSink.NONE);
        limited.start();
        LecternEvent.RetryScheduled retry = events.await(LecternEvent.RetryScheduled.class, Duration.ofSeconds(10));
        assertThat(retry.cause().status()).isEqualTo(429);
        assertThat(retry.cause().code()).isEqualTo("RATE_LIMIT_EXCEEDED");
        assertThat(retry.cause().retryAfter()).isGreaterThan(Duration.ofSeconds(50));
        assertThat(retry.delay()).isGreaterThanOrEqualTo(retry.cause().retryAfter());
        limited.close();
    }

    @Test
    void badTokenIsA401AfterOneRenewal() throws Exception {
        URI endpoint = start(Fixtures.gateway());
        FixedTokenProvider mallory = FixedTokenProvider.of("mallory");
        RecordingListener events = new RecordingListener();
        SpeakerClient speaker = SpeakerClient.builder(SpeakerConfig.builder().sourceLanguage("en").settings(Fixtures.clientSettings()).build())
                .transport(JettyTransport.builder(endpoint).build()).tokenProvider(mallory).listener(events).build();
        assertThatThrownBy(() -> speaker.start().toCompletableFuture().join()).cause()
                .isInstanceOfSatisfying(LecternException.class, e -> {
                    assertThat(e.error().status()).isEqualTo(401);
                    assertThat(e.error().code()).isEqualTo("UNAUTHORIZED");
                    assertThat(e.error().message()).isEqualTo("Invalid token");
                });
        assertThat(mallory.forcedRenewals()).isEqualTo(1);
    }

    @Test
    void missingTokenIsA401WithTheProtocolsJsonBody() throws Exception {
        URI endpoint = start(Fixtures.gateway());
        HttpClient http = HttpClient.newHttpClient();
        try {
            http.newWebSocketBuilder().buildAsync(URI.create(endpoint + "?action=createSession&sourceLanguage=en"),
                    new WebSocket.Listener() {}).get(10, TimeUnit.SECONDS);
            throw new AssertionError("the upgrade must be refused");
        } catch (ExecutionException e) {
            assertThat(e.getCause()).isInstanceOfSatisfying(WebSocketHandshakeException.class, h -> {
                assertThat(h.getResponse().statusCode()).isEqualTo(401);
                assertThat(String.valueOf(h.getResponse().body())).contains("\"code\":\"UNAUTHORIZED\"")
                        .contains("\"message\":\"Speaker token required\"");
            });
        }
    }

    @Test
    void invalidParametersAreRefusedWithTheFieldNamed() throws Exception {
        URI endpoint = start(Fixtures.gateway());
        HttpClient http = HttpClient.newHttpClient();
        try {
            http.newWebSocketBuilder().buildAsync(URI.create(endpoint + "?action=createSession&sourceLanguage=english&token=alice"),
                    new WebSocket.Listener() {}).get(10, TimeUnit.SECONDS);
            throw new AssertionError("the upgrade must be refused");
        } catch (ExecutionException e) {
            assertThat(e.getCause()).isInstanceOfSatisfying(WebSocketHandshakeException.class, h -> {
                assertThat(h.getResponse().statusCode()).isEqualTo(400);
                assertThat(String.valueOf(h.getResponse().body())).contains("INVALID_PARAMETERS").contains("\"field\":\"sourceLanguage\"");
            });
        }
    }
}
