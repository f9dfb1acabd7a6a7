package dev.lectern.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.lectern.client.ListenerClient;
import dev.lectern.client.SpeakerClient;
import dev.lectern.domain.AudioChunk;
import dev.lectern.domain.event.LecternEvent;
import dev.lectern.testing.RecordingListener;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Faults over the loopback admin endpoint, and what the clients make of them. */
class AdminIT {
    static final Duration WAIT = Duration.ofSeconds(10);
    final HttpClient http = HttpClient.newHttpClient();

    String token;

    HttpResponse<String> post(URI admin, String pathAndQuery) throws Exception {
        return http.send(HttpRequest.newBuilder(admin.resolve(pathAndQuery)).header("Authorization", "Bearer " + token)
                        .POST(HttpRequest.BodyPublishers.noBody()).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void faultsOverHttpReachTheClientsWhichCopeWithEach() throws Exception {
        try (LocalGateway gateway = LocalGateway.builder().settings(Fixtures.gateway().refreshAfter(Duration.ofMinutes(100))
                .warnAfter(Duration.ofMinutes(105)).maxConnectionAge(Duration.ofMinutes(120)).adminPort(0).build()).build()) {
            URI endpoint = gateway.start();
            URI admin = gateway.adminUri();
            token = gateway.adminToken();
            assertThat(admin.getHost()).isEqualTo("127.0.0.1");
            SpeakerClient speaker = Fixtures.speaker(endpoint, new RecordingListener(), Fixtures.steady());
            String id = speaker.start().toCompletableFuture().get(10, TimeUnit.SECONDS).value();
            RecordingListener events = new RecordingListener();
            List<Long> heard = Collections.synchronizedList(new ArrayList<>());
            ListenerClient listener = Fixtures.listener(endpoint, id, "es", events, (seq, audio) -> heard.add(seq.value()), Fixtures.steady());
            listener.start().toCompletableFuture().get(10, TimeUnit.SECONDS);

            // Not JSON: rejected and counted. A type no client knows: ignored and counted, not rejected. A 40 KB
            // frame (over one API Gateway frame, within the 128 KB message limit) of such a type: read whole,
            // ignored and counted the same way. None of them drops the connection.
            assertThat(post(admin, "/faults/malformed?role=listener").body()).isEqualTo("{\"affected\":1}");
            assertThat(events.await(LecternEvent.FrameRejected.class, WAIT).totalRejected()).isEqualTo(1);
            assertThat(post(admin, "/faults/unknown?role=listener").body()).isEqualTo("{\"affected\":1}");
            await().atMost(WAIT).until(() -> listener.counters().ignoredFrames() == 1);
            assertThat(post(admin, "/faults/oversized?role=listener&bytes=40000").body()).isEqualTo("{\"affected\":1}");
            await().atMost(WAIT).until(() -> listener.counters().ignoredFrames() == 2);
            assertThat(listener.counters().rejectedFrames()).isEqualTo(1);
            assertThat(events.events(LecternEvent.FrameRejected.class)).hasSize(1);
            assertThat(events.events(LecternEvent.Disconnected.class)).isEmpty();

            // Duplicated and reordered audio: every chunk played once, in order.
            post(admin, "/faults/duplicate?probability=0.3");
            post(admin, "/faults/reorder?probability=0.3");
            post(admin, "/faults/delay?role=listener&millis=300");
            for (int i = 0; i < 100; i++) {
                speaker.send(AudioChunk.silence(100));
            }
            // A reordered frame waits behind the next one: once the gateway has all 100, one more chunk with
            // the faults off lets the last one out.
            dev.lectern.domain.SessionId session = dev.lectern.domain.SessionId.of(id);
            await().atMost(WAIT).until(() -> gateway.chunksReceived(session) >= 100);
            post(admin, "/faults/duplicate?probability=0");
            post(admin, "/faults/reorder?probability=0");
            speaker.send(AudioChunk.silence(100));
            await().atMost(WAIT).until(() -> !heard.isEmpty() && heard.get(heard.size() - 1) >= 100);
            List<Long> played = List.copyOf(heard);
            // A listener's stream starts at the first chunk it plays: if the very first frame was held back
            // behind the second, it arrives "before the start" and is discarded, never played out of order.
            assertThat(played.size()).isBetween(100, 101);
            assertThat(played.get(played.size() - 1)).isEqualTo(100L);
            for (int i = 1; i < played.size(); i++) {
                assertThat(played.get(i)).isEqualTo(played.get(i - 1) + 1);
            }
            long duplicates = listener.counters().duplicates();
            assertThat(duplicates).isPositive();

            // Refused reconnects honour Retry-After.
            assertThat(post(admin, "/faults/refuse?count=1&status=429&retryAfter=2").body()).isEqualTo("{\"affected\":1}");
            assertThat(post(admin, "/faults/drop?role=listener").body()).isEqualTo("{\"affected\":1}");
            events.await(LecternEvent.Disconnected.class, WAIT);
            LecternEvent.RetryScheduled afterRefusal = null;
            while (afterRefusal == null) {
                LecternEvent.RetryScheduled r = events.await(LecternEvent.RetryScheduled.class, WAIT);
                if (r.cause().status() == 429) {
                    afterRefusal = r;
                }
            }
            assertThat(afterRefusal.delay()).isGreaterThanOrEqualTo(Duration.ofSeconds(2));
            events.await(LecternEvent.Reconnected.class, WAIT);

            assertThat(post(admin, "/faults/refuse?status=418").statusCode()).isEqualTo(400);
            assertThat(http.send(HttpRequest.newBuilder(admin.resolve("/faults/drop")).header("Authorization", "Bearer " + token).GET().build(),
                    HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(404);
            // hardened: no token, a wrong token, a web page's request, an unbounded size
            assertThat(http.send(HttpRequest.newBuilder(admin.resolve("/faults/restart")).POST(HttpRequest.BodyPublishers.noBody()).build(),
                    HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(401);
            assertThat(http.send(HttpRequest.newBuilder(admin.resolve("/faults/restart")).header("Authorization", "Bearer nope")
                    .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(401);
            assertThat(http.send(HttpRequest.newBuilder(admin.resolve("/faults/restart")).header("Authorization", "Bearer " + token)
                    .header("Origin", "http://evil.example").POST(HttpRequest.BodyPublishers.noBody()).build(),
                    HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(403);
            HttpResponse<String> huge = post(admin, "/faults/oversized?bytes=2000000000");
            assertThat(huge.statusCode()).isEqualTo(400);
            assertThat(huge.body()).contains("bytes must be between 1 and 1048576");
            assertThat(gateway.liveConnections()).as("nothing was restarted or sent by the refused requests").isPositive();
            System.out.printf("ADMIN malformed frame rejected (%d), unknown-type and 40 KB frames ignored (%d), every chunk from the first played on, in order, through "
                            + "30%% duplication, 30%% reordering and 300 ms delay (%d duplicates discarded), 429 refusal waited %d ms%n",
                    listener.counters().rejectedFrames(), listener.counters().ignoredFrames(), duplicates, afterRefusal.delay().toMillis());
            System.out.printf("ADMIN played %d of the 101 chunks (the first one counts only if it was not held back)%n", played.size());
            speaker.close();
        }
    }
}
