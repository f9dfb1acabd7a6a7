package dev.lectern.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lectern.client.SpeakerClient;
import dev.lectern.client.SpeakerConfig;
import dev.lectern.domain.AudioChunk;
import dev.lectern.domain.LanguageCode;
import dev.lectern.domain.SessionId;
import dev.lectern.domain.session.CreateParams;
import dev.lectern.gateway.CognitoLocal;
import dev.lectern.gateway.GatewaySettings;
import dev.lectern.gateway.JwksTokenVerifier;
import dev.lectern.gateway.LocalGateway;
import dev.lectern.gateway.TestCertificates;
import dev.lectern.jetty.JettySessionApi;
import dev.lectern.jetty.JettyTransport;
import dev.lectern.testing.FixedTokenProvider;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.cognitoidentityprovider.model.UserPoolClientType;

/**
 * {@code lectern doctor} against real sockets: every check passes against a healthy stand-in of either
 * flavor, and each check fails for a cause planted for it and names it: a wrong scheme, nothing listening,
 * a self-signed certificate, a token for the wrong audience, an unknown session, an unsupported language.
 */
class DoctorIT {
    static final ObjectMapper JSON = new ObjectMapper();
    @TempDir
    Path dir;

    static Run doctor(Map<String, String> env, String... args) {
        DoctorCommand doctor = new DoctorCommand();
        doctor.env = env::get;
        String[] all = new String[args.length + 1];
        System.arraycopy(args, 0, all, 0, args.length);
        all[args.length] = "--json";
        return Run.of(Main.commandLine(doctor), all);
    }

    /** The checks of a run by name: status and figure. */
    static Map<String, JsonNode> checks(Run run) throws Exception {
        Map<String, JsonNode> byName = new HashMap<>();
        for (JsonNode c : JSON.readTree(run.lastLine()).get("checks")) {
            byName.put(c.get("check").asText(), c);
        }
        return byName;
    }

    static LocalGateway deployed() {
        return LocalGateway.builder().settings(GatewaySettings.builder().port(0).flavor(GatewaySettings.Flavor.DEPLOYED).build()).build();
    }

    @Test
    void everyCheckPassesAgainstAStreamingDeployedSessionAndNamesTheFlavor() throws Exception {
        try (LocalGateway gateway = deployed()) {
            URI endpoint = gateway.start();
            try (JettyTransport transport = JettyTransport.builder(endpoint).build();
                 JettySessionApi api = JettySessionApi.builder(gateway.sessionApiUri()).tokenProvider(FixedTokenProvider.of("alice")).build();
                 SpeakerClient speaker = SpeakerClient.builder(SpeakerConfig.builder().sourceLanguage("en")
                                 .sessionApi(gateway.sessionApiUri()).build())
                         .transport(transport).tokenProvider(FixedTokenProvider.of("alice")).sessionApi(api).build()) {
                SessionId id = speaker.start().toCompletableFuture().get(10, TimeUnit.SECONDS);
                ScheduledExecutorService mic = Executors.newSingleThreadScheduledExecutor();
                try {
                    mic.scheduleAtFixedRate(() -> speaker.send(AudioChunk.silence(100)), 0, 100, TimeUnit.MILLISECONDS);
                    Run run = doctor(Map.of("LECTERN_TOKEN", "alice-1"), "--endpoint", endpoint.toString(),
                            "--session-api", gateway.sessionApiUri().toString(), "--session", id.value(), "--language", "de",
                            "--audio-wait", "8s"); // segments come a batch (3 s) after the speech

                    assertThat(run.exit()).as(run.out()).isZero();
                    Map<String, JsonNode> checks = checks(run);
                    for (String name : new String[] {"url", "dns", "tcp", "websocket", "sign-in", "session-api", "session", "join",
                            "heartbeat", "audio"}) {
                        assertThat(checks.get(name).get("status").asText()).as(name + " in\n" + run.out()).isEqualTo("pass");
                    }
                    assertThat(checks.get("tls").get("status").asText()).isEqualTo("skip");
                    assertThat(checks.get("join").get("figure").asText()).contains("heartbeat's answer");
                    assertThat(JSON.readTree(run.lastLine()).get("flavor").asText()).isEqualTo("deployed");
                    assertThat(run.out()).contains("PASS  heartbeat   heartbeatAck in ").doesNotContain("alice-1");
                } finally {
                    mic.shutdownNow();
                }
            }
        }
    }

    @Test
    void aWrongSchemeFailsTheUrlCheckAndNamesIt() throws Exception {
        Run run = doctor(Map.of(), "--endpoint", "https://abc.execute-api.us-east-1.amazonaws.com/prod");
        assertThat(run.exit()).isEqualTo(1);
        JsonNode url = checks(run).get("url");
        assertThat(url.get("status").asText()).isEqualTo("fail");
        assertThat(url.get("figure").asText()).contains("scheme 'https' is not ws or wss");
        assertThat(url.get("fix").asText()).contains("wss://{apiId}.execute-api.{region}.amazonaws.com/{stage}");
        assertThat(checks(run).get("tcp").get("status").asText()).isEqualTo("skip");
    }

    @Test
    void aSessionApiWhoseHealthAnswers503FailsItsCheckWithOrWithoutAToken() throws Exception {
        com.sun.net.httpserver.HttpServer unhealthy = com.sun.net.httpserver.HttpServer.create(
                new java.net.InetSocketAddress("127.0.0.1", 0), 0);
        unhealthy.createContext("/", exchange -> {
            exchange.sendResponseHeaders(exchange.getRequestURI().getPath().equals("/health") ? 503 : 404, -1);
            exchange.close();
        });
        unhealthy.start();
        try {
            String api = "http://127.0.0.1:" + unhealthy.getAddress().getPort();
            for (Map<String, String> env : List.of(Map.<String, String>of(), Map.of("LECTERN_TOKEN", "alice"))) {
                Run run = doctor(env, "--endpoint", "ws://127.0.0.1:9", "--session-api", api);
                JsonNode check = checks(run).get("session-api");
                assertThat(check.get("status").asText()).as(env.toString()).isEqualTo("fail");
                assertThat(check.get("figure").asText()).contains("503");
            }
        } finally {
            unhealthy.stop(0);
        }
    }

    @Test
    void nothingListeningFailsTheTcpCheck() throws Exception {
        int port;
        try (ServerSocket free = new ServerSocket(0)) {
            port = free.getLocalPort();
        }
        Run run = doctor(Map.of(), "--endpoint", "ws://127.0.0.1:" + port);
        assertThat(run.exit()).isEqualTo(1);
        JsonNode tcp = checks(run).get("tcp");
        assertThat(tcp.get("status").asText()).isEqualTo("fail");
        assertThat(tcp.get("figure").asText()).isEqualTo("nothing is listening on 127.0.0.1:" + port + " (connection refused)");
        assertThat(checks(run).get("dns").get("status").asText()).isEqualTo("pass");
    }

    @Test
    void aSelfSignedCertificateFailsTheTlsCheckUntilItIsTrusted() throws Exception {
        Path keyStore = TestCertificates.selfSigned(dir.resolve("gateway.p12"));
        try (LocalGateway gateway = LocalGateway.builder().settings(GatewaySettings.builder().port(0)
                .tls(keyStore, TestCertificates.PASSWORD).build()).build()) {
            URI endpoint = gateway.start();
            Run run = doctor(Map.of(), "--endpoint", endpoint.toString());
            assertThat(run.exit()).isEqualTo(1);
            JsonNode tls = checks(run).get("tls");
            assertThat(tls.get("status").asText()).isEqualTo("fail");
            assertThat(tls.get("figure").asText()).startsWith("the certificate is not trusted");
            assertThat(tls.get("fix").asText()).contains("--trust-store");

            Run trusted = doctor(Map.of("LECTERN_TRUST_STORE_PASSWORD", TestCertificates.PASSWORD), "--endpoint", endpoint.toString(),
                    "--trust-store", keyStore.toString());
            assertThat(trusted.exit()).as(trusted.out()).isZero();
            assertThat(checks(trusted).get("tls").get("figure").asText()).contains("CN=localhost trusted");
            assertThat(checks(trusted).get("websocket").get("figure").asText()).contains("seed's protocol");
        }
    }

    @Test
    void aTokenForAnotherAudienceFailsTheSessionApiCheckAndNamesTheAudience() throws Exception {
        try (CognitoLocal cognito = CognitoLocal.start()) {
            String pool = cognito.createPool("lectern-doctor");
            cognito.createUser(pool, "alice@example.com", "Correct-Horse-7");
            UserPoolClientType service = cognito.createClient(pool, false, Duration.ofMinutes(60));
            UserPoolClientType other = cognito.createClient(pool, false, Duration.ofMinutes(60));
            try (LocalGateway gateway = LocalGateway.builder().settings(GatewaySettings.builder().port(0)
                            .flavor(GatewaySettings.Flavor.DEPLOYED).build())
                    .tokenVerifier(new JwksTokenVerifier(cognito.jwks(pool), cognito.issuer(pool), service.clientId())).build()) {
                URI endpoint = gateway.start();
                Run run = doctor(Map.of("LECTERN_PASSWORD", "Correct-Horse-7"), "--endpoint", endpoint.toString(),
                        "--session-api", gateway.sessionApiUri().toString(), "--username", "alice@example.com",
                        "--client-id", other.clientId(), "--region", "us-east-1", "--cognito-endpoint", cognito.endpoint.toString());

                assertThat(run.exit()).isEqualTo(1);
                Map<String, JsonNode> checks = checks(run);
                assertThat(checks.get("sign-in").get("status").asText()).as(run.out()).isEqualTo("pass");
                assertThat(checks.get("sign-in").get("figure").asText()).contains("audience " + other.clientId()).contains("min left");
                JsonNode api = checks.get("session-api");
                assertThat(api.get("status").asText()).isEqualTo("fail");
                assertThat(api.get("figure").asText()).contains("refused the token (401)").contains("its audience is " + other.clientId());
                assertThat(run.out()).doesNotContain("eyJ");
            }
        }
    }

    @Test
    void anUnknownSessionAndAnUnsupportedLanguageFailTheirChecks() throws Exception {
        try (LocalGateway gateway = deployed();
             JettySessionApi api = JettySessionApi.builder(deployedApi(gateway)).tokenProvider(FixedTokenProvider.of("alice")).build()) {
            URI endpoint = gateway.uri();
            Run unknown = doctor(Map.of("LECTERN_TOKEN", "alice-1"), "--endpoint", endpoint.toString(),
                    "--session-api", gateway.sessionApiUri().toString(), "--session", "quiet-river-999");
            assertThat(unknown.exit()).isEqualTo(1);
            assertThat(checks(unknown).get("session").get("figure").asText()).isEqualTo("no session quiet-river-999 (404)");
            assertThat(checks(unknown).get("join").get("figure").asText()).contains("refused 404");

            SessionId id = api.create(CreateParams.of(LanguageCode.of("en"))).toCompletableFuture().get(10, TimeUnit.SECONDS).sessionId();
            Run zulu = doctor(Map.of("LECTERN_TOKEN", "alice-1"), "--endpoint", endpoint.toString(),
                    "--session-api", gateway.sessionApiUri().toString(), "--session", id.value(), "--language", "zu");
            assertThat(zulu.exit()).isEqualTo(1);
            JsonNode join = checks(zulu).get("join");
            assertThat(join.get("status").asText()).isEqualTo("fail");
            assertThat(join.get("figure").asText()).contains("refused 400 UNSUPPORTED_LANGUAGE").contains(" in zu");
            assertThat(join.get("fix").asText()).contains("pick another --language");
            assertThat(checks(zulu).get("session").get("status").asText()).isEqualTo("pass");
        }
    }

    private static URI deployedApi(LocalGateway gateway) throws Exception {
        gateway.start();
        return gateway.sessionApiUri();
    }
}
