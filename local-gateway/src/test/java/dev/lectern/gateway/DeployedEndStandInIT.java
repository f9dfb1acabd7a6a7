package dev.lectern.gateway;

import static dev.lectern.gateway.DeployedGatewayIT.JSON;
import static dev.lectern.gateway.DeployedGatewayIT.PCM_100MS;
import static dev.lectern.gateway.DeployedGatewayIT.WAIT;
import static dev.lectern.gateway.DeployedGatewayIT.refusedWith;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * How a session ends on the stand-in's deployed flavor, fact by fact as protocol section 11 says the service
 * does it: a speaker connection's close tells and forgets the listeners and leaves the status {@code active}
 * (so a second speaker connection keeps feeding it and listeners may rejoin); PATCH only writes; DELETE
 * pushes and closes nothing. Raw sockets and plain HTTP, so that nothing of the client is in the way.
 */
class DeployedEndStandInIT {
    LocalGateway gateway;
    URI ws;
    URI http;

    @BeforeEach
    void start() throws Exception {
        gateway = LocalGateway.builder().settings(Fixtures.gateway().flavor(GatewaySettings.Flavor.DEPLOYED).segments(false)
                .maxConnectionAge(Duration.ofSeconds(60)).build()).build();
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

    String createSession() throws Exception {
        return new SessionHttp(http).create("alice");
    }

    static String chunk(String id) {
        return "{\"action\":\"audioChunk\",\"sessionId\":\"" + id + "\",\"audioData\":\"" + PCM_100MS + "\",\"chunkIndex\":0}";
    }

    @Test
    void aSpeakerConnectionsCloseTellsAndForgetsTheListenersAndASecondSpeakerConnectionFeedsThoseWhoRejoin() throws Exception {
        String id = createSession();
        try (RawPeer listener = RawPeer.connect(ws, "sessionId=" + id + "&targetLanguage=es");
             RawPeer old = RawPeer.connect(ws, "sessionId=" + id + "&token=alice");
             RawPeer fresh = RawPeer.connect(ws, "sessionId=" + id + "&token=alice")) {
            old.send(chunk(id));
            listener.await("audioData", WAIT);
            old.socket.sendClose(1000, "Connection refresh").get();

            JsonNode ended = JSON.readTree(listener.await("sessionEnded", WAIT));
            assertThat(ended.get("message").asText()).isEqualTo("Speaker has ended the session");
            fresh.send(chunk(id));
            assertThat(listener.collect(Duration.ofMillis(800))).as("forgotten: nothing more, though its socket is open")
                    .noneMatch(f -> f.contains("audioData"));
            JsonNode stored = JSON.readTree(request("GET", "/sessions/" + id, null, null).body()); // public: no token
            assertThat(stored.get("status").asText()).isEqualTo("active");
            assertThat(stored.get("isActive").asBoolean()).isFalse();
            assertThat(stored.get("listenerCount").isTextual()).as("numbers stored as strings come as strings").isTrue();

            try (RawPeer rejoined = RawPeer.connect(ws, "sessionId=" + id + "&targetLanguage=es")) {
                fresh.send(chunk(id));
                rejoined.await("audioData", WAIT);
                fresh.send("{\"action\":\"heartbeat\"}");
                fresh.await("heartbeatAck", WAIT);
            }
        }
    }

    @Test
    void patchEndedOnlyWritesTheStatusSoRejoinsAreRefusedAndNobodyIsTold() throws Exception {
        String id = createSession();
        try (RawPeer listener = RawPeer.connect(ws, "sessionId=" + id + "&targetLanguage=es");
             RawPeer speaker = RawPeer.connect(ws, "sessionId=" + id + "&token=alice")) {
            HttpResponse<String> patched = request("PATCH", "/sessions/" + id, "alice", "{\"status\":\"ended\"}");
            assertThat(patched.statusCode()).isEqualTo(200);
            assertThat(JSON.readTree(patched.body()).get("status").asText()).isEqualTo("ended");

            assertThat(listener.collect(Duration.ofMillis(500))).as("PATCH pushes nothing").isEmpty();
            assertThat(refusedWith(ws, "sessionId=" + id + "&targetLanguage=es")).as("SESSION_INACTIVE").isEqualTo(403);
            speaker.socket.sendClose(1000, "Session ended by speaker").get();
            assertThat(JSON.readTree(listener.await("sessionEnded", WAIT)).get("sessionId").asText()).isEqualTo(id);
        }
    }

    @Test
    void aListenersJoinSessionMessageIsAnsweredAndRefusedOnceTheSessionIsMarkedEnded() throws Exception {
        String id = createSession();
        try (RawPeer listener = RawPeer.connect(ws, "sessionId=" + id + "&targetLanguage=es")) {
            String join = "{\"action\":\"joinSession\",\"sessionId\":\"" + id + "\",\"targetLanguage\":\"es\"}";
            listener.send(join);
            JsonNode joined = JSON.readTree(listener.await("sessionJoined", WAIT));
            assertThat(joined.get("sessionId").asText()).isEqualTo(id);
            assertThat(joined.get("sourceLanguage").asText()).isEqualTo("en");

            request("PATCH", "/sessions/" + id, "alice", "{\"status\":\"ended\"}");
            listener.send(join);
            JsonNode refused = JSON.readTree(listener.await("\"error\"", WAIT));
            assertThat(refused.get("code").asText()).isEqualTo("SESSION_INACTIVE");
        }
    }

    @Test
    void deletePushesNothingAndClosesNothingAndTheListenersAreNeverTold() throws Exception {
        String id = createSession();
        try (RawPeer listener = RawPeer.connect(ws, "sessionId=" + id + "&targetLanguage=es");
             RawPeer speaker = RawPeer.connect(ws, "sessionId=" + id + "&token=alice")) {
            assertThat(request("DELETE", "/sessions/" + id, "alice", null).statusCode()).isEqualTo(204);

            speaker.send(chunk(id));
            assertThat(listener.collect(Duration.ofMillis(800))).as("no frame, no more audio").isEmpty();
            assertThat(listener.closedWith).as("still connected").isNotDone();
            assertThat(speaker.closedWith).isNotDone();
            listener.send("{\"action\":\"heartbeat\"}");
            listener.await("heartbeatAck", WAIT);
            assertThat(request("GET", "/sessions/" + id, null, null).statusCode()).isEqualTo(404);
            assertThat(refusedWith(ws, "sessionId=" + id + "&targetLanguage=es")).isEqualTo(404);
            speaker.socket.sendClose(1000, "Session ended by speaker").get();
            assertThat(listener.collect(Duration.ofMillis(500))).as("forgotten by the DELETE: its close tells nobody").isEmpty();
        }
    }

    @Test
    void anIdleConnectionIsCutWithNoFrameAndNoCloseHandshake() throws Exception {
        gateway.close();
        gateway = LocalGateway.builder().settings(Fixtures.gateway().flavor(GatewaySettings.Flavor.DEPLOYED).segments(false)
                .idleTimeout(Duration.ofSeconds(1)).build()).build();
        ws = gateway.start();
        http = gateway.sessionApiUri();
        String id = createSession();
        try (RawPeer listener = RawPeer.connect(ws, "sessionId=" + id + "&targetLanguage=es")) {
            int code = listener.closedWith.get(10, java.util.concurrent.TimeUnit.SECONDS);
            assertThat(code).as("dropped, not closed").isEqualTo(1006);
            assertThat(listener.seen).isEmpty();
        }
    }
}
