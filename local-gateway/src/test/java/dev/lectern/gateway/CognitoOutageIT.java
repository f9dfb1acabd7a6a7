package dev.lectern.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.lectern.client.ListenerClient;
import dev.lectern.client.SpeakerClient;
import dev.lectern.client.SpeakerConfig;
import dev.lectern.cognito.CognitoCredentials;
import dev.lectern.cognito.CognitoSettings;
import dev.lectern.cognito.CognitoTokenProvider;
import dev.lectern.domain.AudioChunk;
import dev.lectern.domain.event.LecternEvent;
import dev.lectern.domain.retry.BackoffPolicy;
import dev.lectern.domain.session.SessionSettings;
import dev.lectern.jetty.JettyTransport;
import dev.lectern.testing.RecordingListener;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.cognitoidentityprovider.model.UserPoolClientType;

/**
 * Cognito goes away during a session and comes back: a real cognito-local, stopped and started again on
 * the same port with the same data, the gateway checking real ID tokens. The speaker streams on with the
 * token it holds, renews once Cognito is back, and loses no audio; if Cognito stays away past the token's
 * expiry, the speaker says why it cannot reconnect and recovers when Cognito returns.
 */
class CognitoOutageIT {
    static final String USER = "carol@example.com";
    static final String PASSWORD = "Battery-Staple-9";
    CognitoLocal cognito;
    String pool;
    ScheduledExecutorService talk;

    @BeforeEach
    void start() throws Exception {
        cognito = CognitoLocal.start();
        pool = cognito.createPool("lectern-outage");
        cognito.createUser(pool, USER, PASSWORD);
        talk = Executors.newSingleThreadScheduledExecutor();
    }

    @AfterEach
    void stop() throws Exception {
        if (talk != null) {
            talk.shutdownNow();
        }
        if (cognito != null) {
            cognito.close(); // null when cognito-local is not installed and the test was skipped
        }
    }

    CognitoTokenProvider tokens(UserPoolClientType client, Duration margin) {
        return CognitoTokenProvider.create(CognitoSettings.builder().region("us-east-1").endpointOverride(cognito.endpoint)
                        .clientId(client.clientId()).renewalMargin(margin).callTimeout(Duration.ofSeconds(2)).retryAttempts(2)
                        .retryInitialDelay(Duration.ofMillis(100)).circuitOpenFor(Duration.ofSeconds(1)).build(),
                CognitoCredentials.Source.of(USER, PASSWORD.toCharArray()));
    }

    LocalGateway gateway(UserPoolClientType client, Duration refresh, Duration maxAge) {
        return LocalGateway.builder().settings(Fixtures.gateway().refreshAfter(refresh).warnAfter(maxAge.minusMillis(500))
                        .maxConnectionAge(maxAge).speakerGrace(Duration.ofSeconds(60)).build())
                .tokenVerifier(new JwksTokenVerifier(cognito.jwks(pool), cognito.issuer(pool), client.clientId())).build();
    }

    @Test
    void speakerStreamsOnWithItsTokenWhileCognitoIsDownAndRenewsWhenItIsBack() throws Exception {
        UserPoolClientType client = cognito.createClient(pool, false, Duration.ofSeconds(10));
        try (CognitoTokenProvider tokens = tokens(client, Duration.ofSeconds(7));
             LocalGateway gateway = gateway(client, Duration.ofSeconds(2), Duration.ofSeconds(8));
             JettyTransport transport = JettyTransport.builder(gateway.start()).build()) {
            RecordingListener speakerEvents = new RecordingListener();
            SpeakerClient speaker = SpeakerClient.builder(SpeakerConfig.builder().sourceLanguage("en").settings(Fixtures.clientSettings()
                            .toBuilder().refreshAfter(Duration.ofSeconds(2)).maxConnectionAge(Duration.ofSeconds(8)).build()).build())
                    .transport(transport).tokenProvider(tokens).listener(speakerEvents).build();
            String id = speaker.start().toCompletableFuture().get(15, TimeUnit.SECONDS).value();
            Instant firstExpiry = tokens.expiresAt();
            List<Long> heard = Collections.synchronizedList(new ArrayList<>());
            RecordingListener events = new RecordingListener();
            ListenerClient listener = Fixtures.listener(transport.endpoint(), id, "es", events, (seq, audio) -> heard.add(seq.value()));
            listener.start().toCompletableFuture().get(10, TimeUnit.SECONDS);
            talk.scheduleAtFixedRate(() -> speaker.send(AudioChunk.silence(100)), 0, 100, TimeUnit.MILLISECONDS);

            cognito.stop();
            long down = System.nanoTime();
            long sentAtOutage = speaker.counters().sent();
            // Refreshes go on with the token in hand (each one asks the provider, which cannot renew).
            int before = speakerEvents.events(LecternEvent.ConnectionRefreshed.class).size();
            await().atMost(Duration.ofSeconds(6)).until(() -> speakerEvents.events(LecternEvent.ConnectionRefreshed.class).size() >= before + 2);
            long streamedWhileDown = speaker.counters().sent() - sentAtOutage;
            assertThat(Instant.now()).as("still within the first token's life").isBefore(firstExpiry);
            cognito.startAgain();
            long outageMs = (System.nanoTime() - down) / 1_000_000;
            await().atMost(Duration.ofSeconds(10)).until(() -> tokens.renewals() >= 1);
            long renewedAfterMs = (System.nanoTime() - down) / 1_000_000 - outageMs;
            int afterRenewal = speakerEvents.events(LecternEvent.ConnectionRefreshed.class).size();
            await().atMost(Duration.ofSeconds(6)).until(() -> speakerEvents.events(LecternEvent.ConnectionRefreshed.class).size() > afterRenewal);
            if (talk != null) {
                talk.shutdownNow();
            }
            talk.awaitTermination(5, TimeUnit.SECONDS);
            await().atMost(Duration.ofSeconds(10)).until(() -> heard.size() >= speaker.counters().captured());
            long captured = speaker.counters().captured();

            assertThat(tokens.expiresAt()).as("a new token").isAfter(firstExpiry);
            assertThat(speaker.counters().dropped()).isZero();
            assertThat(speakerEvents.events(LecternEvent.Error.class)).isEmpty();
            assertThat(speakerEvents.events(LecternEvent.Disconnected.class)).isEmpty();
            assertThat(streamedWhileDown).as("audio kept flowing during the outage").isGreaterThanOrEqualTo(20);
            assertThat(List.copyOf(heard)).as("the listener heard every chunk once, in order")
                    .containsExactlyElementsOf(LongStream.range(0, captured).boxed().toList());
            System.out.printf("OUTAGE Cognito down %d ms: %d chunks streamed meanwhile on the held token, %d refreshes during it; "
                            + "renewed %d ms after Cognito was back; %d chunks captured, 0 lost%n",
                    outageMs, streamedWhileDown, afterRenewal - before, renewedAfterMs, captured);
            speaker.close();
        }
    }

    @Test
    void cognitoDownPastTheTokensExpiryIsAClearErrorAndTheSpeakerRecoversWhenItReturns() throws Exception {
        UserPoolClientType client = cognito.createClient(pool, false, Duration.ofSeconds(4));
        try (CognitoTokenProvider tokens = tokens(client, Duration.ofSeconds(1));
             LocalGateway gateway = gateway(client, Duration.ofSeconds(100), Duration.ofSeconds(120));
             JettyTransport transport = JettyTransport.builder(gateway.start()).build()) {
            RecordingListener speakerEvents = new RecordingListener();
            // Reconnect attempts 300 ms apart, no jitter: the attempt after the one whose Cognito calls open the
            // circuit comes well within the circuit's 1 s open time, so it is refused fast, every run.
            SessionSettings steadyRetries = Fixtures.steady().toBuilder().reconnectBackoff(new BackoffPolicy(Duration.ofMillis(300), 1.0,
                    Duration.ofMillis(300), BackoffPolicy.Jitter.NONE, 0)).build();
            SpeakerClient speaker = SpeakerClient.builder(SpeakerConfig.builder().sourceLanguage("en").settings(steadyRetries).build())
                    .transport(transport).tokenProvider(tokens).listener(speakerEvents).build();
            String id = speaker.start().toCompletableFuture().get(15, TimeUnit.SECONDS).value();
            Instant expiry = tokens.expiresAt();
            List<Long> heard = Collections.synchronizedList(new ArrayList<>());
            ListenerClient listener = Fixtures.listener(transport.endpoint(), id, "es", new RecordingListener(),
                    (seq, audio) -> heard.add(seq.value()), Fixtures.steady());
            listener.start().toCompletableFuture().get(10, TimeUnit.SECONDS);
            talk.scheduleAtFixedRate(() -> speaker.send(AudioChunk.silence(100)), 0, 100, TimeUnit.MILLISECONDS);
            cognito.stop();
            await().atMost(Duration.ofSeconds(10)).until(() -> Instant.now().isAfter(expiry.plusMillis(200)));
            gateway.faults().drop(GatewayFaults.role(dev.lectern.domain.Role.SPEAKER)); // a reconnect now needs a new token
            // The first retry is for the drop itself; the next say why no connection can be made: Cognito out of
            // reach, then, the breaker having opened on those attempts, failing fast.
            await().atMost(Duration.ofSeconds(15)).until(() -> speakerEvents.events(LecternEvent.RetryScheduled.class).stream()
                    .anyMatch(r -> "COGNITO_CIRCUIT_OPEN".equals(r.cause().code())));
            LecternEvent.RetryScheduled why = speakerEvents.events(LecternEvent.RetryScheduled.class).stream()
                    .filter(r -> "COGNITO_CIRCUIT_OPEN".equals(r.cause().code())).findFirst().orElseThrow();
            assertThat(speakerEvents.events(LecternEvent.RetryScheduled.class)).extracting(r -> r.cause().code())
                    .as("Cognito out of reach before the circuit opened").contains("NETWORK_ERROR");
            assertThat(why.cause().permanent()).isFalse();
            cognito.startAgain();
            LecternEvent.Reconnected back = speakerEvents.await(LecternEvent.Reconnected.class, Duration.ofSeconds(30));
            if (talk != null) {
                talk.shutdownNow();
            }
            talk.awaitTermination(5, TimeUnit.SECONDS);
            await().atMost(Duration.ofSeconds(10)).until(() -> heard.size() >= speaker.counters().captured());
            long captured = speaker.counters().captured();
            assertThat(speaker.counters().dropped()).as("the queue held the audio while signing in was impossible").isZero();
            assertThat(List.copyOf(heard)).containsExactlyElementsOf(LongStream.range(0, captured).boxed().toList());
            assertThat(tokens.expiresAt()).isAfter(expiry);
            System.out.printf("OUTAGE past expiry: retry cause %s \"%s\"; back after %d attempts; %d chunks captured, 0 lost%n",
                    why.cause().code(), why.cause().message(), back.attempts(), captured);
            speaker.close();
        }
    }
}
