package dev.lectern.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lectern.client.SpeakerClient;
import dev.lectern.client.SpeakerConfig;
import dev.lectern.cognito.CognitoCredentials;
import dev.lectern.cognito.CognitoSettings;
import dev.lectern.cognito.CognitoTokenProvider;
import dev.lectern.domain.AudioChunk;
import dev.lectern.domain.IdToken;
import dev.lectern.domain.event.LecternEvent;
import dev.lectern.domain.session.LecternError;
import dev.lectern.jetty.JettyTransport;
import dev.lectern.port.AuthenticationException;
import dev.lectern.testing.FixedTokenProvider;
import dev.lectern.testing.RecordingListener;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import software.amazon.awssdk.services.cognitoidentityprovider.model.UserPoolClientType;

/** Sign-in with the real AWS SDK against cognito-local; the gateway checks the real JWTs. */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class CognitoIT {
    static final String ALICE = "alice@example.com";
    static final String ALICE_PASSWORD = "Correct-Horse-7";
    static final String BOB = "bob@example.com";
    static final String BOB_PASSWORD = "Battery-Staple-9";
    static final ByteArrayOutputStream LOG = new ByteArrayOutputStream();
    static final List<String> SEEN_TOKENS = new ArrayList<>();
    static final List<String> MESSAGES = new ArrayList<>();
    static PrintStream originalErr;
    static CognitoLocal cognito;
    static String pool;

    @BeforeAll
    static void start() throws Exception {
        originalErr = System.err;
        System.setErr(new PrintStream(new TeeStream(originalErr, LOG), true, StandardCharsets.UTF_8));
        cognito = CognitoLocal.start();
        pool = cognito.createPool("lectern");
        cognito.createUser(pool, ALICE, ALICE_PASSWORD);
        cognito.createUser(pool, BOB, BOB_PASSWORD);
    }

    @AfterAll
    static void stop() throws Exception {
        System.setErr(originalErr);
        if (cognito != null) {
            cognito.close();
        }
    }

    static CognitoTokenProvider provider(UserPoolClientType client, String user, String password, Duration margin) {
        return CognitoTokenProvider.create(CognitoSettings.builder().region("us-east-1").endpointOverride(cognito.endpoint)
                        .clientId(client.clientId()).clientSecret(client.clientSecret()).renewalMargin(margin).build(),
                CognitoCredentials.Source.of(user, password.toCharArray()));
    }

    static LecternError failureOf(CognitoTokenProvider provider) {
        try {
            provider.idToken(false).toCompletableFuture().join();
            throw new AssertionError("sign-in must fail");
        } catch (java.util.concurrent.CompletionException e) {
            LecternError error = ((AuthenticationException) e.getCause()).error();
            MESSAGES.add(error.message());
            MESSAGES.add(e.getCause().getMessage());
            return error;
        }
    }

    @Test
    @Order(1)
    void tokenShorterThanTheRefreshIntervalIsRenewedBeforeEveryRefresh() throws Exception {
        UserPoolClientType client = cognito.createClient(pool, false, Duration.ofSeconds(4));
        try (CognitoTokenProvider tokens = provider(client, ALICE, ALICE_PASSWORD, Duration.ofSeconds(2));
             LocalGateway gateway = LocalGateway.builder().settings(Fixtures.gateway().build())
                     .tokenVerifier(new JwksTokenVerifier(cognito.jwks(pool), cognito.issuer(pool), client.clientId())).build()) {
            URI endpoint = gateway.start();
            RecordingListener events = new RecordingListener();
            SpeakerClient speaker = SpeakerClient.builder(SpeakerConfig.builder().sourceLanguage("en").settings(Fixtures.clientSettings()).build())
                    .transport(JettyTransport.builder(endpoint).build()).tokenProvider(tokens).listener(events).build();
            speaker.start().toCompletableFuture().get(15, TimeUnit.SECONDS);
            for (int refreshes = 0; refreshes < 5; refreshes++) {
                events.await(LecternEvent.ConnectionRefreshed.class, Duration.ofSeconds(10));
                speaker.send(AudioChunk.silence(100));
            }
            SEEN_TOKENS.add(tokens.idToken(false).toCompletableFuture().get().value());
            assertThat(events.events(LecternEvent.RetryScheduled.class)).as("no connect was refused").isEmpty();
            assertThat(events.events(LecternEvent.Error.class)).isEmpty();
            assertThat(tokens.signIns()).isEqualTo(1);
            assertThat(tokens.renewals()).as("renewed ahead of each refresh").isGreaterThanOrEqualTo(4);
            System.out.printf("COGNITO id-token-validity=4s refresh-every=3s refreshes=%d sign-ins=%d renewals=%d%n",
                    events.events(LecternEvent.ConnectionRefreshed.class).size(), tokens.signIns(), tokens.renewals());
            speaker.close();
        }
    }

    @Test
    @Order(2)
    void appClientWithASecretSignsInWithSecretHash() {
        UserPoolClientType client = cognito.createClient(pool, true, Duration.ofMinutes(60));
        assertThat(client.clientSecret()).isNotBlank();
        try (CognitoTokenProvider tokens = provider(client, ALICE, ALICE_PASSWORD, Duration.ofMinutes(5))) {
            IdToken token = tokens.idToken(false).toCompletableFuture().join();
            SEEN_TOKENS.add(token.value());
            assertThat(token.toString()).doesNotContain(token.value());
            assertThat(tokens.idToken(false).toCompletableFuture().join()).isEqualTo(token); // still fresh: no new call
            assertThat(tokens.signIns()).isEqualTo(1);
        }
    }

    @Test
    @Order(3)
    void wrongPasswordSaysInvalidUsernameOrPassword() {
        UserPoolClientType client = cognito.createClient(pool, false, Duration.ofMinutes(60));
        try (CognitoTokenProvider tokens = provider(client, ALICE, "not-the-password", Duration.ofMinutes(5))) {
            LecternError error = failureOf(tokens);
            assertThat(error.message()).isEqualTo("Invalid username or password");
            assertThat(error.permanent()).isTrue();
        }
    }

    @Test
    @Order(4)
    void unknownUserGetsTheSameAnswerAsAWrongPassword() {
        UserPoolClientType client = cognito.createClient(pool, false, Duration.ofMinutes(60));
        try (CognitoTokenProvider tokens = provider(client, "nobody@example.com", "whatever-1", Duration.ofMinutes(5))) {
            LecternError error = failureOf(tokens);
            assertThat(error.message()).isEqualTo("Invalid username or password");
            assertThat(error.permanent()).isTrue();
        }
    }

    @Test
    @Order(5)
    void unknownAppClientIsAConfigurationError() {
        UserPoolClientType missing = UserPoolClientType.builder().clientId("no-such-client").build();
        try (CognitoTokenProvider tokens = provider(missing, ALICE, ALICE_PASSWORD, Duration.ofMinutes(5))) {
            LecternError error = failureOf(tokens);
            assertThat(error.code()).isEqualTo("CONFIG_ERROR");
            assertThat(error.message()).contains("no-such-client");
            assertThat(error.permanent()).isTrue();
        }
    }

    @Test
    @Order(6)
    void gatewayRefusesBadForeignAndExpiredTokens() throws Exception {
        UserPoolClientType client = cognito.createClient(pool, false, Duration.ofSeconds(2));
        try (LocalGateway gateway = LocalGateway.builder().settings(Fixtures.gateway().build())
                .tokenVerifier(new JwksTokenVerifier(cognito.jwks(pool), cognito.issuer(pool), client.clientId())).build()) {
            URI endpoint = gateway.start();
            // A token that is not a JWT at all: 401 after one forced renewal.
            SpeakerClient forged = SpeakerClient.builder(SpeakerConfig.builder().sourceLanguage("en").settings(Fixtures.clientSettings()).build())
                    .transport(JettyTransport.builder(endpoint).build()).tokenProvider(FixedTokenProvider.of("forged")).build();
            assertThatThrownBy(() -> forged.start().toCompletableFuture().join()).cause()
                    .isInstanceOfSatisfying(dev.lectern.client.LecternException.class, e -> {
                        assertThat(e.error().status()).isEqualTo(401);
                        assertThat(e.error().message()).isEqualTo("Invalid token");
                        MESSAGES.add(e.getMessage());
                    });
            // Alice's session; Bob may not take over its speaker connection.
            String alice;
            String bob;
            try (CognitoTokenProvider a = provider(client, ALICE, ALICE_PASSWORD, Duration.ZERO);
                 CognitoTokenProvider b = provider(client, BOB, BOB_PASSWORD, Duration.ZERO)) {
                alice = a.idToken(false).toCompletableFuture().join().value();
                bob = b.idToken(false).toCompletableFuture().join().value();
            }
            SEEN_TOKENS.add(alice);
            SEEN_TOKENS.add(bob);
            try (RawPeer speaker = RawPeer.connect(endpoint, "action=createSession&sourceLanguage=en&token=" + alice)) {
                String id = GatewayProtocolIT.sessionOf(speaker.await("sessionCreated", Duration.ofSeconds(5)));
                assertThat(refusal(endpoint, "action=refreshConnection&sessionId=" + id + "&role=speaker&token=" + bob))
                        .startsWith("403").contains("FORBIDDEN");
                // Alice's own token, once expired, is refused as such.
                long expiresAt = dev.lectern.cognito.TokenClaims.of(alice).expiresAt().toEpochMilli();
                await().atMost(Duration.ofMillis(Math.max(0, expiresAt - System.currentTimeMillis()) + 10_000))
                        .until(() -> System.currentTimeMillis() > expiresAt);
                assertThat(refusal(endpoint, "action=refreshConnection&sessionId=" + id + "&role=speaker&token=" + alice))
                        .startsWith("401").contains("Token expired");
            }
        }
    }

    @Test
    @Order(7)
    void noTokenOrPasswordReachedTheLogsOrTheMessages() {
        String logs = LOG.toString(StandardCharsets.UTF_8) + String.join("\n", MESSAGES);
        assertThat(SEEN_TOKENS).isNotEmpty();
        assertThat(logs).isNotEmpty();
        for (String token : SEEN_TOKENS) {
            assertThat(logs).doesNotContain(token).doesNotContain(token.substring(token.lastIndexOf('.') + 1));
        }
        assertThat(logs).doesNotContain(ALICE_PASSWORD).doesNotContain(BOB_PASSWORD).doesNotContain("not-the-password")
                .doesNotContain("eyJ");
        System.out.printf("COGNITO log scan: %d bytes of log and %d messages, %d tokens and 3 passwords searched, none found%n",
                LOG.size(), MESSAGES.size(), SEEN_TOKENS.size());
    }

    /** "STATUS body" of a refused upgrade. */
    static String refusal(URI endpoint, String query) throws Exception {
        try {
            RawPeer.connect(endpoint, query).close();
            return "101";
        } catch (java.util.concurrent.ExecutionException e) {
            java.net.http.WebSocketHandshakeException h = (java.net.http.WebSocketHandshakeException) e.getCause();
            String body = String.valueOf(h.getResponse().body());
            MESSAGES.add(body);
            return h.getResponse().statusCode() + " " + body;
        }
    }

    /** Writes to two streams. */
    static final class TeeStream extends java.io.OutputStream {
        private final java.io.OutputStream a;
        private final java.io.OutputStream b;

        TeeStream(java.io.OutputStream a, java.io.OutputStream b) {
            this.a = a;
            this.b = b;
        }

        @Override
        public void write(int c) throws java.io.IOException {
            a.write(c);
            synchronized (b) {
                b.write(c);
            }
        }

        @Override
        public void write(byte[] buf, int off, int len) throws java.io.IOException {
            a.write(buf, off, len);
            synchronized (b) {
                b.write(buf, off, len);
            }
        }
    }
}
