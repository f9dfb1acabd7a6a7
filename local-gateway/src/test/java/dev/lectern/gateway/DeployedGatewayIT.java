package dev.lectern.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpResponse;
import java.net.http.WebSocketHandshakeException;
import java.time.Duration;
import java.util.Base64;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The gateway's {@code --flavor deployed}, frame by frame and request by request: what protocol section 11
 * says the deployed service does, so that a client tried against it meets the same behaviour.
 */
class DeployedGatewayIT {
    static final ObjectMapper JSON = new ObjectMapper();
    static final Duration WAIT = Duration.ofSeconds(5);
    static final String PCM_100MS = Base64.getEncoder().encodeToString(new byte[3200]);

    LocalGateway gateway;
    URI ws;
    URI http;

    @BeforeEach
    void start() throws Exception {
        // the speaker's PCM relayed as the seed's audioData: these tests are about connects and frames, not segments
        gateway = LocalGateway.builder().settings(Fixtures.gateway().flavor(GatewaySettings.Flavor.DEPLOYED).segments(false)
                .refreshAfter(Duration.ofSeconds(2)).refreshWindow(Duration.ofSeconds(2)).warnAfter(Duration.ofSeconds(4))
                .maxConnectionAge(Duration.ofSeconds(30)).build()).build();
        ws = gateway.start();
        http = gateway.sessionApiUri();
    }

    @AfterEach
    void stop() {
        gateway.close();
    }

    HttpResponse<String> request(String method, String path, String token, String body) throws Exception {
        return new SessionHttp(http).request(method, path, token, body);
    }

    String createSession(String token) throws Exception {
        return new SessionHttp(http).create(token);
    }

    static int refusedWith(URI ws, String query) {
        Throwable t = org.assertj.core.api.Assertions.catchThrowable(() -> RawPeer.connect(ws, query));
        while (t != null && !(t instanceof WebSocketHandshakeException)) {
            t = t.getCause();
        }
        assertThat(t).as("refused upgrade for ?%s", query).isNotNull();
        return ((WebSocketHandshakeException) t).getResponse().statusCode();
    }

    @Test
    void theSessionApiCreatesReadsAndRefusesAsDeployed() throws Exception {
        HttpResponse<String> created = request("POST", "/sessions", "alice", "{\"sourceLanguage\":\"en\",\"qualityTier\":\"premium\"}");
        assertThat(created.statusCode()).isEqualTo(201);
        JsonNode session = JSON.readTree(created.body());
        assertThat(session.get("sessionId").asText()).matches("^[a-z]+-[a-z]+-[1-9]\\d{2}$");
        assertThat(session.get("speakerId").asText()).isEqualTo("alice");
        assertThat(session.get("status").asText()).isEqualTo("active");
        assertThat(session.get("qualityTier").asText()).isEqualTo("premium");
        long expiresAt = session.get("expiresAt").asLong();
        assertThat(expiresAt).as("epoch seconds, a day ahead").isBetween(System.currentTimeMillis() / 1000 + 86_000,
                System.currentTimeMillis() / 1000 + 86_500);

        assertThat(request("GET", "/sessions/" + session.get("sessionId").asText(), "bob", null).statusCode()).isEqualTo(200);
        assertThat(request("GET", "/sessions/quiet-river-999", "bob", null).statusCode()).isEqualTo(404);
        HttpResponse<String> noToken = request("POST", "/sessions", null, "{\"sourceLanguage\":\"en\"}");
        assertThat(noToken.statusCode()).isEqualTo(401);
        assertThat(noToken.body()).isEqualTo("{\"message\":\"Unauthorized\"}");
        HttpResponse<String> badLanguage = request("POST", "/sessions", "alice", "{\"sourceLanguage\":\"xx\"}");
        assertThat(badLanguage.statusCode()).isEqualTo(400);
        assertThat(JSON.readTree(badLanguage.body()).get("error").asText()).contains("sourceLanguage");
        assertThat(JSON.readTree(badLanguage.body()).has("code")).as("no code field there").isFalse();
        assertThat(request("DELETE", "/sessions/" + session.get("sessionId").asText(), "mallory", null).statusCode())
                .isEqualTo(403);
        assertThat(request("GET", "/health", null, null).statusCode()).isEqualTo(200);
    }

    @Test
    void connectsAreBySessionIdWithNoFirstFrameAndTheSeedsCreateIsRefused() throws Exception {
        String id = createSession("alice");
        assertThat(refusedWith(ws, "action=createSession&sourceLanguage=en&token=alice")).as("MISSING_SESSION_ID").isEqualTo(400);
        assertThat(refusedWith(ws, "sessionId=quiet-river-999&targetLanguage=es")).isEqualTo(404);
        assertThat(refusedWith(ws, "sessionId=" + id)).as("no language, no owner's token").isEqualTo(400);
        assertThat(refusedWith(ws, "sessionId=" + id + "&token=mallory")).as("someone else's token").isEqualTo(400);
        assertThat(refusedWith(ws, "sessionId=" + id + "&targetLanguage=zu")).as("UNSUPPORTED_LANGUAGE").isEqualTo(400);

        try (RawPeer listener = RawPeer.connect(ws, "action=joinSession&sessionId=" + id + "&targetLanguage=es");
             RawPeer speaker = RawPeer.connect(ws, "sessionId=" + id + "&token=alice")) {
            assertThat(listener.collect(Duration.ofMillis(300))).as("no first frame").isEmpty();
            listener.send("{\"action\":\"heartbeat\",\"timestamp\":1}");
            assertThat(listener.await("heartbeatAck", WAIT)).contains("\"type\":\"heartbeatAck\"");

            speaker.send("{\"action\":\"sendAudio\",\"audioData\":\"" + PCM_100MS + "\"}");
            speaker.send("{\"action\":\"pauseBroadcast\"}");
            speaker.send("{\"action\":\"audioChunk\",\"sessionId\":\"" + id + "\",\"audioData\":\"" + PCM_100MS
                    + "\",\"chunkIndex\":0,\"timestamp\":5,\"format\":\"pcm\",\"sampleRate\":16000,\"channels\":1,\"encoding\":\"s16le\"}");
            String audio = listener.await("audioData", WAIT);
            assertThat(JSON.readTree(audio).get("sequenceNumber").asLong()).as("the sendAudio before it was lost").isZero();
            assertThat(speaker.collect(Duration.ofMillis(300))).as("the pause is answered by nothing").isEmpty();
            assertThat(gateway.undeliveredMessages()).isEqualTo(2);
        }
    }

    @Test
    void aHeartbeatInTheRefreshWindowIsAskedToRefreshThenWarned() throws Exception {
        String id = createSession("alice");
        try (RawPeer listener = RawPeer.connect(ws, "sessionId=" + id + "&targetLanguage=de")) {
            listener.send("{\"action\":\"heartbeat\"}");
            assertThat(listener.await("heartbeatAck", WAIT)).doesNotContain("connectionRefreshRequired");
            assertThat(listener.seen).noneMatch(f -> f.contains("connectionRefreshRequired"));
            String required = null;
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (required == null && System.nanoTime() < deadline) {
                listener.send("{\"action\":\"heartbeat\"}");
                for (String f : listener.collect(Duration.ofMillis(250))) {
                    if (f.contains("connectionRefreshRequired")) {
                        required = f;
                    }
                }
            }
            assertThat(required).as("asked to refresh on a heartbeat in [2 s, 4 s)").isNotNull();
            assertThat(JSON.readTree(required).get("targetLanguage").asText()).isEqualTo("de");
            String warning = null;
            deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (warning == null && System.nanoTime() < deadline) {
                listener.send("{\"action\":\"heartbeat\"}");
                for (String f : listener.collect(Duration.ofMillis(250))) {
                    if (f.contains("connectionWarning")) {
                        warning = f;
                    }
                }
            }
            assertThat(warning).as("warned on a heartbeat from 4 s").isNotNull();
            assertThat(JSON.readTree(warning).get("remainingMinutes").asDouble()).isBetween(0.0, 0.5);
        }
    }

    @Test
    void withholdingHeartbeatAcksIsAFaultTheDeployedFlavorCanPlant() throws Exception {
        String id = createSession("alice");
        gateway.faults().withholdHeartbeatAcks(true);
        try (RawPeer listener = RawPeer.connect(ws, "sessionId=" + id + "&targetLanguage=es")) {
            listener.send("{\"action\":\"heartbeat\"}");
            assertThat(listener.collect(Duration.ofMillis(500))).isEmpty();
        }
        assertThatThrownBy(() -> RawPeer.connect(ws, "sessionId=" + id)).isInstanceOf(ExecutionException.class);
    }
}
